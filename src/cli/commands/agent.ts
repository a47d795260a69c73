import { z } from 'zod';
import { classifyError } from '../../core/db/classify-error.js';
import { Database } from '../../core/db/database.js';
import { METRICS_TABLE, MetricsRecorder, type MetricsPoint, type RecorderState } from '../../core/metrics/index.js';
import type { CountVia } from '../../core/metrics/metrics-recorder.js';
import { ReplicaRouter } from '../../core/db/replica-router.js';
import { optionalTablePresent } from '../../core/schema/table-presence.js';
import { startMetricsHttp, type MetricsHttp } from '../../server/metrics-http.js';
import { AlertWebhook } from '../../server/alert-webhook.js';
import { WEBHOOK_FORMATS } from '../../server/alert-webhook-body.js';
import { AlertEventFeed } from '../../core/alerts/event-feed.js';
import { poolMetricsExposition, type PoolMetricsSnapshot } from '../../server/prometheus-registry.js';
import { PoolError } from '../../shared/errors.js';
import { POOL_STATUSES, type PoolMode } from '../../shared/pool-types.js';
import { redactWebhookUrl } from '../../shared/redact.js';
import { connectionOptions, profileStore, resolveTarget, type ConnectionFlags } from '../connection.js';
import { createOutput, EXIT_OK, type Output } from '../output.js';
import { intFlag, jsonOption, parseFlags, type Register } from './command.js';
import { untilSignalled } from '../interrupt.js';

const agentFlagsSchema = z
  .object({
    interval: intFlag(1, 3600).default(10),
    metricsPort: intFlag(0, 65_535).optional(),
    // an address to bind, e.g. 0.0.0.0 for a scraper on another machine; the OS refuses one it does not have
    metricsHost: z.string().trim().min(1, 'must name an address, e.g. 0.0.0.0').max(253).regex(/^[\w.:-]+$/, 'must be an IP address or host name').optional(),
    // checked by checkWebhookFlag first, so that a refusal never echoes the URL (its path is often the secret)
    webhook: z.string().optional(),
    webhookFormat: z.enum(WEBHOOK_FORMATS, { message: `must be one of ${WEBHOOK_FORMATS.join(', ')}` }).optional(),
    webhookMinInterval: intFlag(0, 86_400).optional(),
  })
  .superRefine((flags, context) => {
    for (const key of ['webhookFormat', 'webhookMinInterval'] as const) {
      if (flags[key] !== undefined && flags.webhook === undefined) context.addIssue({ code: 'custom', path: [key], message: 'applies only with --webhook URL (or POOL_ALERT_WEBHOOK_URL)' });
    }
  });

/** Seconds between two webhook POSTs by default: a burst of changes becomes one message a minute at most. */
export const DEFAULT_WEBHOOK_MIN_INTERVAL_S = 60;

/**
 * Tuning read from the environment (milliseconds), for tests and unusual set-ups: how often the
 * agent looks for new alert events, and the webhook's first retry delay.
 */
const agentEnvSchema = z.object({
  POOL_ALERT_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
  POOL_WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(1).max(60_000).default(1000),
});

/** Refuses a --webhook that is not an http(s) URL, showing only its scheme and host. */
function checkWebhookFlag(value: unknown): void {
  if (value === undefined) return;
  const text = String(value);
  let problem: string | null = text.length > 2048 ? 'must be at most 2,048 characters' : null;
  try {
    if (!/^https?:$/.test(new URL(text).protocol)) problem ??= 'must be an http:// or https:// URL';
  } catch {
    problem ??= 'must be an http:// or https:// URL';
  }
  if (problem) throw new PoolError('INVALID_INPUT', `Invalid --webhook: ${problem} (got '${redactWebhookUrl(text)}').`);
}

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
    .option('--metrics-host <address>', 'the address /metrics listens on (default: 127.0.0.1; 0.0.0.0 for every interface)')
    .option('--webhook <url>', 'POST each group of new alert events (firing, resolved) to this URL, with retries; its path and query are never printed (or POOL_ALERT_WEBHOOK_URL, kept out of the process list)')
    .option('--webhook-format <format>', 'json (default) or slack (a Slack-compatible { text, blocks } message)')
    .option('--webhook-min-interval <seconds>', `at most one POST per this many seconds; events meanwhile go grouped in the next (default: ${DEFAULT_WEBHOOK_MIN_INTERVAL_S})`);
  jsonOption(connectionOptions(command)).action((flags: Record<string, string | boolean | undefined> & ConnectionFlags & { json?: boolean }) =>
    done(async () => {
      const { url, host, port, user, password, database, socket, profile, readOnly, json, ...flagged } = flags;
      // the URL from the environment keeps it out of the process list (a Slack webhook URL is a secret)
      const own = { ...flagged, webhook: flagged.webhook ?? (process.env.POOL_ALERT_WEBHOOK_URL || undefined) };
      checkWebhookFlag(own.webhook);
      const args = parseFlags(agentFlagsSchema, own);
      const env = parseFlags(agentEnvSchema, { POOL_ALERT_POLL_MS: process.env.POOL_ALERT_POLL_MS || undefined, POOL_WEBHOOK_BACKOFF_MS: process.env.POOL_WEBHOOK_BACKOFF_MS || undefined }, {
        POOL_ALERT_POLL_MS: 'POOL_ALERT_POLL_MS',
        POOL_WEBHOOK_BACKOFF_MS: 'POOL_WEBHOOK_BACKOFF_MS',
      });
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
        return await runAgent(db, args, out, { alertPollMs: env.POOL_ALERT_POLL_MS, webhookBackoffMs: env.POOL_WEBHOOK_BACKOFF_MS, ...(replica ? { countVia: replica.read.bind(replica) } : {}) });
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

export interface AgentTuning {
  /** Milliseconds between looks for new alert events (the webhook's feed). */
  alertPollMs: number;
  /** The webhook's first retry delay, in milliseconds. */
  webhookBackoffMs: number;
  /** Where the leader's count runs: the profile's read replica when fit (see MetricsRecorder). */
  countVia?: CountVia;
}

/** Runs the recorder (and /metrics, and the webhook) until SIGINT or SIGTERM; then gives the lock up and closes. */
export async function runAgent(db: Database, args: AgentArgs, out: Output, tuning: AgentTuning = { alertPollMs: 5000, webhookBackoffMs: 1000 }): Promise<number> {
  // Refused before anything runs: without the table the recorder could only report the same error forever.
  if (!(await optionalTablePresent(db, METRICS_TABLE))) {
    throw new PoolError('NO_TABLE', `No ${METRICS_TABLE} table in '${db.profile.database}': migration 0006-pool-metrics is pending, so the agent has nowhere to record. Run \`pool-console migrate up\`, then start the agent again.`);
  }
  const recorder = new MetricsRecorder(db, {
    role: 'agent',
    intervalMs: args.interval * 1000,
    // reported once per new error by the state listener below
    onAlertError: () => undefined,
    countVia: tuning.countVia,
  });
  const emit = (event: Record<string, unknown>) => {
    if (out.json) process.stdout.write(`${JSON.stringify(event)}\n`);
  };
  let shownRole: string | null = null;
  let shownError: string | null = null;
  let shownAlertError: string | null = null;
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
    const alertError = state.alertError ? `${state.alertError.code}: ${state.alertError.message}` : null;
    if (alertError !== shownAlertError) {
      shownAlertError = alertError;
      out.progress(alertError ? `alert evaluation failed (recording goes on): ${alertError}` : 'alert evaluation works again');
      emit({ event: 'alert-error', error: state.alertError ?? null });
    }
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

  const alerts = args.webhook === undefined ? null : await startWebhook(db, { ...args, webhook: args.webhook }, recorder.identity, tuning, out, emit);

  recorder.start();
  await untilSignalled();
  out.progress('stopping: giving the recorder lock up…');
  await recorder.stop();
  await alerts?.stop();
  await http?.close();
  emit({ event: 'stopped' });
  return EXIT_OK;
}

/**
 * The webhook and its feed: new alert events (after the newest at start: no replay) polled every
 * `alertPollMs`, each poll's events grouped into one POST, the POSTs rate-limited (alert-webhook.ts).
 * NO_TABLE before migration 0009.
 */
async function startWebhook(
  db: Database,
  args: AgentArgs & { webhook: string },
  sender: string,
  tuning: AgentTuning,
  out: Output,
  emit: (event: Record<string, unknown>) => void,
): Promise<{ stop(): Promise<void> }> {
  const webhook = new AlertWebhook({
    url: args.webhook,
    format: args.webhookFormat ?? 'json',
    source: { database: db.profile.database, sender },
    minIntervalMs: (args.webhookMinInterval ?? DEFAULT_WEBHOOK_MIN_INTERVAL_S) * 1000,
    backoffBaseMs: tuning.webhookBackoffMs,
    log: (line) => out.progress(line),
  });
  webhook.onDelivery((delivery) => emit({ event: 'webhook', ...delivery }));
  let shownFeedError: string | null = null;
  const feed = new AlertEventFeed(db, {
    intervalMs: tuning.alertPollMs,
    onEvents: (events) => {
      shownFeedError = null;
      webhook.enqueue(events);
    },
    onError: (error) => {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== shownFeedError) out.progress(`reading alert events failed, trying again every ${tuning.alertPollMs / 1000} s: ${message}`);
      shownFeedError = message;
    },
  });
  await feed.start();
  out.progress(`sending alert events to ${webhook.target} (${args.webhookFormat ?? 'json'}; at most one POST per ${args.webhookMinInterval ?? DEFAULT_WEBHOOK_MIN_INTERVAL_S} s), starting after event #${feed.after}`);
  emit({ event: 'webhook-start', target: webhook.target, after: feed.after });
  return {
    async stop() {
      await feed.stop();
      await webhook.close();
    },
  };
}
