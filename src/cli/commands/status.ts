import { MemoryLog } from '../../server/memory-log.js';
import { classifyError } from '../../core/db/classify-error.js';
import { Heartbeat } from '../../core/db/heartbeat.js';
import { livenessOnce } from '../../core/db/liveness.js';
import { resolveTimeouts } from '../../core/db/timeouts.js';
import { downReasonFor } from '../../core/health/health-reasons.js';
import { judge } from '../../core/health/pool-health.js';
import { statusWithin } from '../../core/health/status-within.js';
import type { SystemStatus } from '../../shared/results/health.js';
import { connectionOptions, connectTarget, consoleService, profileStore, resolveTarget } from '../connection.js';
import { createOutput, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK } from '../output.js';
import { call, jsonOption, type ConsoleFlags, type Register } from './command.js';
import { formatUtc } from '../../shared/format.js';

/**
 * `status`: system.status, within the status deadline whatever the database does. Opening the
 * connection is part of the wait, so one heartbeat runs beside it: a server that does not answer
 * is down within the deadline, and a connection refused is down with its reason. Down is the
 * answer, not a failure of the command: the status itself goes out (as JSON with --json).
 */
export const statusCommand: Register = (program, done) => {
  const command = program.command('status').description('healthy, degraded or down, with coded reasons (system.status); exit 0, 1 or 2');
  jsonOption(connectionOptions(command)).action((flags: ConsoleFlags) =>
    done(async () => {
      const profiles = profileStore();
      const target = await resolveTarget(flags, profiles);
      const out = createOutput(Boolean(flags.json), [target.connection.password]);
      const service = consoleService({ shell: 'cli', profiles, log: new MemoryLog() });
      const heartbeatMs = resolveTimeouts().heartbeatMs;
      const liveness = livenessOnce(new Heartbeat(target.connection, heartbeatMs), heartbeatMs);
      let connecting: Promise<void> = Promise.resolve();
      try {
        const status = await statusWithin(async () => {
          connecting = connectTarget(service, target);
          try {
            await connecting;
          } catch (error) {
            return downFor(error);
          }
          return call(service, 'system.status', {});
        }, { liveness: () => liveness });
        out.result(status, () =>
          [`${status.state.toUpperCase()} at ${formatUtc(status.checkedAt)}`, ...status.findings.map((finding) => `  - [${finding.code}] ${finding.message}`)].join('\n'),
        );
        return status.state === 'healthy' ? EXIT_OK : status.state === 'degraded' ? EXIT_FINDINGS : EXIT_ERROR;
      } finally {
        // a connection still opening past the deadline (a frozen server) ends by its own timeout, then closes
        await connecting.catch(() => undefined);
        await service.close();
      }
    }),
  );
};

/** The down status for a connection that could not be opened; any other failure is the command's error. */
function downFor(error: unknown): SystemStatus {
  const failure = classifyError(error);
  const reason = downReasonFor(failure.code, failure.message);
  if (!reason) throw failure;
  return judge([reason], new Date());
}
