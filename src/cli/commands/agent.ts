import { z } from 'zod';
import { classifyError } from '../../core/db/classify-error.js';
import { Database } from '../../core/db/database.js';
import { METRICS_TABLE, MetricsRecorder, type MetricsPoint, type RecorderState } from '../../core/metrics/index.js';
import type { CountVia } from '../../core/metrics/metrics-recorder.js';
import { ReplicaRouter } from '../../core/db/replica-router.js';
import { optionalTablePresent } from '../../core/schema/table-presence.js';
import { startMetricsHttp, type MetricsHttp } from '../../server/metrics-http.js';
import { poolMetricsExposition, type PoolMetricsSnapshot } from '../../server/prometheus-registry.js';
import { PoolError } from '../../shared/errors.js';
import { POOL_STATUSES, type PoolMode } from '../../shared/pool-types.js';
import { connectionOptions, profileStore, resolveTarget, type ConnectionFlags } from '../connection.js';
import { createOutput, EXIT_OK, type Output } from '../output.js';
import { intFlag, jsonOption, parseFlags, type Register } from './command.js';
import { untilSignalled } from '../interrupt.js';

const agentFlagsSchema = z.object({
  interval: intFlag(1, 3600).default(10),
  metricsPort: intFlag(0, 65_535).optional(),
  // an address to bind, e.g. 0.0.0.0 for a scraper on another machine; the OS refuses one it does not have
  metricsHost: z.string().trim().min(1, 'must name an address, e.g. 0.0.0.0').max(253).regex(/^[\w.:-]+$/, 'must be an IP address or host name').optional(),
});

export type AgentArgs = z.output<typeof agentFlagsSchema>;

/**
 * `agent`: a tool, not a contract operation. The recorder without a window (README "The agent"):
 * it takes part in the election like any console, writes POOL_METRICS rows while it leads, and
 * with --metrics-port serves the newest row as Prometheus text. Runs until SIGINT or SIGTERM.
 */
export const agentCommand: Register = (program, done) => {
  const command = program
    .command('agent')
    .description('record the pool\'s history (POOL_METRICS) without a window; with --metrics-port, serve it to Prometheus; runs until Ctrl-C or SIGTERM')
    .option('--interval <seconds>', 'seconds between samples while this agent is the recorder (default: 10)')
    .option('--metrics-port <port>', 'serve Prometheus text at http://127.0.0.1:PORT/metrics (0: a free port, shown on stderr)')
    .option('--metrics-host <address>', 'the address /metrics listens on (default: 127.0.0.1; 0.0.0.0 for every interface)');
  jsonOption(connectionOptions(command)).action((flags: Record<string, string | boolean | undefined> & ConnectionFlags & { json?: boolean }) =>
    done(async () => {
      const { url, host, port, user, password, database, socket, profile, readOnly, json, ...own } = flags;
      const args = parseFlags(agentFlagsSchema, own);
      const { saved, connection } = await resolveTarget({ url, host, port, user, password, database, socket, profile, readOnly }, profileStore());
      if (saved.readOnly) throw new PoolError('NO_PRIVILEGE', `Profile '${saved.name}' is read-only: the agent writes the pool's history (${METRICS_TABLE}) while it is the recorder.`);
      const out = createOutput(Boolean(json), [connection.password]);
      // the recorder's lock has a connection of its own; this pool serves its samples and writes
      const db = new Database(connection, { poolMax: 2 });
      // a profile's read replica takes the pool count while it is fit to read (the rows are written here)
      const replica = saved.replica
        ? new ReplicaRouter({ primary: db, replica: new Database({ ...connection, host: saved.replica.host, port: saved.replica.port, socketPath: undefined }, { poolMax: 2 }), maxLagSeconds: saved.replica.maxLagSeconds })
        : null;
      try {
        await replica?.start();
        return await runAgent(db, args, out, replica ? { countVia: replica.read.bind(replica) } : {});
      } catch (error) {
        throw classifyError(error, connection);
      } finally {
        replica?.stop();
        await replica?.replica.close();
        await db.close();
      }
    }),
  );
};

/** The recorder's newest row as one scrape shows it: taken from memory, never from the database. */
export function snapshotOf(point: MetricsPoint): PoolMetricsSnapshot {
  const entries = point.byModeStatus
    ? Object.entries(point.byModeStatus).flatMap(([mode, statuses]) => POOL_STATUSES.map((status) => ({ status, mode: mode as PoolMode | 'none', count: statuses[status] })))
    : POOL_STATUSES.map((status) => ({ status, mode: 'none' as const, count: point.byStatus[status] }));
  return {
    entries,
    eligible: point.eligible,
    overdue: point.overdue,
    expiredLeases: point.expiredLeases,
    failedAtMaxAttempts: point.failedAtMaxAttempts,
    oldestEntryAgeSeconds: point.oldestEntryAgeSeconds,
    eventTotals: point.eventTotals,
    sampleDurationSeconds: point.sampleMs / 1000,
    estimated: !point.exact,
  };
}

function rowLine(point: MetricsPoint, role: string): string {
  const statuses = POOL_STATUSES.map((status) => `${status} ${point.byStatus[status]}`).join(', ');
  const written = role === 'leader' ? 'wrote' : 'read';
  return `${point.time.toISOString()} ${written} ${point.exact ? '' : 'estimated '}row: ${point.inPool} in the pool (${statuses}), eligible ${point.eligible}, overdue ${point.overdue}, expired leases ${point.expiredLeases}, ${Math.round(point.sampleMs)} ms`;
}

function stateLine(state: RecorderState): string | null {
  if (state.role === 'leader') return `this agent is the recorder (${state.identity}): it samples the pool every ${state.intervalMs / 1000} s`;
  if (state.role === 'follower') return 'another console or agent is the recorder: this agent reads its rows and takes over if it stops';
  return null;
}

/** Runs the recorder (and /metrics) until SIGINT or SIGTERM; then gives the lock up and closes. */
export async function runAgent(db: Database, args: AgentArgs, out: Output, options: { countVia?: CountVia } = {}): Promise<number> {
  // Refused before anything runs: without the table the recorder could only report the same error forever.
  if (!(await optionalTablePresent(db, METRICS_TABLE))) {
    throw new PoolError('NO_TABLE', `No ${METRICS_TABLE} table in '${db.profile.database}': migration 0006-pool-metrics is pending, so the agent has nowhere to record. Run \`pool-console migrate up\`, then start the agent again.`);
  }
  const recorder = new MetricsRecorder(db, { role: 'agent', intervalMs: args.interval * 1000, ...options });
  const emit = (event: Record<string, unknown>) => {
    if (out.json) process.stdout.write(`${JSON.stringify(event)}\n`);
  };
  let shownRole: string | null = null;
  let shownError: string | null = null;
  recorder.onState((state) => {
    if (state.role !== shownRole) {
      shownRole = state.role;
      const line = stateLine(state);
      if (line) out.progress(line);
      emit({ event: 'role', role: state.role, identity: state.identity });
    }
    const error = state.lastError ? `${state.lastError.code}: ${state.lastError.message}` : null;
    if (error !== shownError) {
      shownError = error;
      if (error) out.progress(`recording failed, trying again every ${state.intervalMs / 1000} s: ${error}`);
      else out.progress('recording again');
      emit({ event: 'error', error: state.lastError });
    }
    if (state.backoff) out.progress(state.backoff);
  });
  recorder.onRow((point) => {
    out.progress(rowLine(point, recorder.state().role));
    emit({ event: 'row', row: point });
  });

  let http: MetricsHttp | null = null;
  if (args.metricsPort !== undefined) {
    const registry = poolMetricsExposition({
      snapshot: () => {
        const point = recorder.latest();
        return point ? snapshotOf(point) : null;
      },
      isLeader: () => recorder.state().role === 'leader',
    });
    http = await startMetricsHttp({ registry, port: args.metricsPort, host: args.metricsHost }).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      const where = `${args.metricsHost ?? '127.0.0.1'}:${args.metricsPort}`;
      throw new PoolError('INVALID_INPUT', code === 'EADDRINUSE' ? `Invalid --metrics-port: ${where} is already in use; pick another port.` : `Cannot serve /metrics on ${where}: ${(error as Error).message}.`);
    });
    out.progress(`serving Prometheus metrics at ${http.url}`);
    emit({ event: 'metrics', url: http.url });
  }

  recorder.start();
  await untilSignalled();
  out.progress('stopping: giving the recorder lock up…');
  await recorder.stop();
  await http?.close();
  emit({ event: 'stopped' });
  return EXIT_OK;
}
