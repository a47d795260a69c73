import { z } from 'zod';
import { statusWithin } from '../../core/health/status-within.js';
import { Heartbeat } from '../../core/db/heartbeat.js';
import { livenessOnce } from '../../core/db/liveness.js';
import { PoolStartupManager } from '../../core/pool/pool-startup-manager.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK } from '../output.js';
import { defineCommand, intFlag } from './command.js';

export const statusCommand = defineCommand({
  name: 'status',
  usage: ['status [--lease-timeout SECONDS] [--max-attempts N]  exit 0 healthy, 1 degraded, 2 down'],
  options: { 'lease-timeout': { type: 'string' }, 'max-attempts': { type: 'string' } },
  schema: z.object({ 'lease-timeout': intFlag(1, 366 * 86_400).optional(), 'max-attempts': intFlag(1, 100).optional() }),
  async run(db, args, out) {
    const manager = new PoolStartupManager(db, { leaseTimeoutSeconds: args['lease-timeout'], maxAttempts: args['max-attempts'] });
    // one heartbeat beside the status's own reads: a server that does not answer is down within the deadline
    const liveness = livenessOnce(new Heartbeat(db.profile, db.timeouts.heartbeatMs), db.timeouts.heartbeatMs);
    const status = await statusWithin(() => manager.getSystemStatus(), { liveness: () => liveness });
    // down is the answer, not a failure of the command: the status itself goes out, as JSON with --json
    // The same coded reasons the Overview banner shows.
    out.result(status, () =>
      [`${status.state.toUpperCase()} at ${status.checkedAt.toISOString()}`, ...status.findings.map((finding) => `  - [${finding.code}] ${finding.message}`)].join('\n'),
    );
    return status.state === 'healthy' ? EXIT_OK : status.state === 'degraded' ? EXIT_FINDINGS : EXIT_ERROR;
  },
});
