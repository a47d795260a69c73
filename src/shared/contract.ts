import { z } from 'zod';
import type { PoolEntry } from './pool-types.js';
import { savedProfileSchema, type Environment, type ProfileSummary } from './profile.js';
import { reasonSchema, type AuditEntry } from './results/audit.js';
import type { IndexHealth, SystemCheck, SystemStatus } from './results/health.js';
import type { LatencySummary } from './results/latency.js';
import type {
  CleanupResult, CleanupPreview, IntegrityReport, LegacyImportPreview, LegacyImportResult, ResetStuckPreview, RetryFailedPreview,
} from './results/maintenance.js';
import { entryFilterSchema, type EntryPage, type PoolStats } from './results/pool.js';
import { bulkApplyInputSchema, bulkPreviewInputSchema, type BulkPreview, type BulkResult } from './results/bulk.js';
import { historyQuerySchema, type HistoryResult, type RecorderState } from './results/metrics.js';
import type { LockHolder, MigrationOverview, MigrationPlan } from './results/schema.js';
import type { PauseChange, PauseState } from './results/control.js';
import type { LeaseRelease, LeaseReleasePreview, WorkerList } from './results/workers.js';
import { alertEventsQuerySchema, alertRuleChangeSchema, type AlertEvent, type AlertOverview, type AlertRule } from './results/alerts.js';
import { modeSchema, ownerSchema } from './pool-types.js';

/**
 * Every operation the console's front can ask of its back: name, input schema, result type, and
 * whether it changes the database (a read-only profile refuses those). Main binds this table to
 * IPC, serve mode to its socket, and the preload and the web client both build the same typed
 * object from it. Adding an operation: one entry here and one handler in core.
 */

const none = z.object({}).strict();
const bookingId = z.number().int().positive().max(2_147_483_647);
/** Why an operator changed something: recorded in the audit log; every applying write needs one. */
const reason = reasonSchema;
const seconds = (max: number) => z.number().int().min(1).max(max);
const ruleIds = z.array(z.string().min(1).max(64)).min(1).max(20).optional();
/** A profile's password as the user gives it (never returned, never logged). */
const profilePassword = z.string().max(1024);
/** A legacy export as text; large pools are tens of MB. */
const snapshotText = z.string().min(2).max(64 * 1024 * 1024);

export interface Operation<Input extends z.ZodType, Result> {
  input: Input;
  writes: boolean;
  summary: string;
  /** Never read: carries the result type for the typed client. */
  result?: Result;
}

function op<Result>() {
  return <Input extends z.ZodType>(input: Input, writes: boolean, summary: string): Operation<Input, Result> => ({ input, writes, summary });
}

export interface ConnectionState {
  connected: boolean;
  profileName: string | null;
  environment: Environment | null;
  readOnly: boolean;
  sandbox: boolean;
  host: string | null;
  database: string | null;
  serverVersion: string | null;
  /**
   * What the connection's heartbeat (its own connection, a short timeout) last found: connected;
   * not-responding (no answer: a frozen or overloaded server); lost (the server refused or closed
   * the connection); database-missing (the server answers, the database is gone). `message` says
   * since when and why.
   */
  status: 'disconnected' | 'connecting' | ConnectionHealth;
  message: string | null;
}

export type ConnectionHealth = 'connected' | 'not-responding' | 'lost' | 'database-missing';

export interface ConnectionTest {
  serverVersion: string;
  flavour: 'mariadb' | 'mysql';
  roundTripMs: number;
  bookingPlan: boolean;
}

export interface EntryDetail {
  entry: PoolEntry | null;
  booking: {
    bookingId: number;
    ownerEmpCode: string;
    ownerGroup: string;
    meetingRoom: string;
    meetingType: string;
    timeStart: Date;
    timeEnd: Date;
    bookingStatus: string;
    interpreterEmpCode: string | null;
  } | null;
  audit: AuditEntry[];
}

export interface AppInfo {
  version: string;
  shell: 'desktop' | 'serve' | 'cli';
  platform: string;
  node: string;
  /** Where profiles, logs and the sandbox live. */
  dataDir: string;
  passwordEncryption: boolean;
}

export interface LogLine {
  time: Date;
  level: string;
  message: string;
}

const connectTarget = z.union([z.object({ profile: z.string().min(1).max(64) }).strict(), z.object({ sandbox: z.literal(true) }).strict()]);

export const OPERATIONS = {
  'app.info': op<AppInfo>()(none, false, 'Version, shell and where data lives'),
  'app.logs': op<LogLine[]>()(z.object({ limit: z.number().int().min(1).max(1000).default(200) }).strict(), false, 'Recent application log lines'),

  'profiles.list': op<ProfileSummary[]>()(none, false, 'Saved connection profiles (never passwords)'),
  'profiles.save': op<ProfileSummary>()(
    z.object({ profile: savedProfileSchema, password: profilePassword.optional() }).strict(),
    false,
    'Add or update a profile; a given password is stored encrypted, or for this session only',
  ),
  'profiles.delete': op<{ deleted: boolean }>()(z.object({ name: z.string().min(1).max(64) }).strict(), false, 'Delete a profile and its password'),
  'profiles.setPassword': op<ProfileSummary>()(
    z.object({ name: z.string().min(1).max(64), password: profilePassword }).strict(),
    false,
    "Keep your own password for a profile, a managed one too ('' forgets it): stored encrypted, or for this session only",
  ),

  'connection.test': op<ConnectionTest>()(
    z.union([z.object({ profile: z.string().min(1).max(64) }).strict(), z.object({ draft: savedProfileSchema, password: z.string().max(1024).optional() }).strict()]),
    false,
    'Try a profile (saved or draft) without switching to it',
  ),
  'connection.connect': op<ConnectionState>()(connectTarget, false, 'Switch to a saved profile or the local sandbox'),
  'connection.disconnect': op<ConnectionState>()(none, false, 'Close the current connection'),
  'connection.current': op<ConnectionState>()(none, false, 'The current connection and its state'),

  'pool.stats': op<PoolStats>()(
    z.object({ leaseSeconds: seconds(86_400).optional(), maxAttempts: z.number().int().min(1).max(100).optional() }).strict(),
    false,
    'One consistent snapshot of the pool',
  ),
  'pool.latency': op<LatencySummary[]>()(none, false, 'Query latencies per query name'),
  'stats.recent': op<StatsSample[]>()(none, false, "The live sampler's last hour for this connection, oldest first, so a new window starts with it"),
  'history.read': op<HistoryResult>()(historyQuerySchema, false, 'The recorded history (POOL_METRICS) over a range, with the spans no recorder ran as gaps'),

  'pool.pauseState': op<PauseState>()(none, false, 'Whether claiming is paused (whole pool or per mode), by whom, why, until when'),
  'pool.pause': op<PauseChange>()(
    z
      .object({
        mode: modeSchema.optional(),
        /** Resume by itself at this time (database clock), or `forSeconds` after the pause. */
        until: z.coerce.date().optional(),
        forSeconds: seconds(30 * 86_400).optional(),
        reason,
      })
      .strict(),
    true,
    'Pause claiming for the whole pool or one mode (claims answer paused), optionally until a time',
  ),
  'pool.resume': op<PauseChange>()(z.object({ mode: modeSchema.optional(), reason }).strict(), true, 'Resume claiming for the whole pool (or one mode)'),

  'workers.list': op<WorkerList>()(
    z.object({ leaseSeconds: seconds(86_400).optional() }).strict(),
    false,
    "Every owner: heartbeating workers alive, late, dead or stopped, and owners holding leases that never heartbeat",
  ),
  'workers.release.preview': op<LeaseReleasePreview>()(z.object({ ownerId: ownerSchema }).strict(), false, "What releasing an owner's leases would change: count, sample ids, whether allowed"),
  'workers.release': op<LeaseRelease>()(
    z.object({ ownerId: ownerSchema, reason, force: z.boolean().optional() }).strict(),
    true,
    "A dead (or never-heartbeating) owner's leases back to waiting now; force for one still heartbeating",
  ),
  'alerts.overview': op<AlertOverview>()(none, false, 'The alert rules, the ones firing now, and when they were last evaluated'),
  'alerts.events': op<AlertEvent[]>()(alertEventsQuerySchema, false, 'Alert events (firing, resolved), newest first; a time window draws them on charts'),
  'alerts.rules.update': op<AlertRule>()(alertRuleChangeSchema.extend({ reason }).strict(), true, "Change one alert rule's threshold, window or switch (shared by every console)"),
  'recorder.state': op<RecorderState>()(none, false, "This console's history recorder: leader or follower, interval, backoff, last error"),

  'entries.list': op<EntryPage>()(entryFilterSchema.strict(), false, 'A page of pool entries (keyset)'),
  'entries.detail': op<EntryDetail>()(z.object({ bookingId }).strict(), false, "A booking's pool state, summary and audit trail"),
  'entries.retry': op<{ changed: boolean }>()(z.object({ bookingId, reason }).strict(), true, 'Send one failed entry back to waiting'),
  'entries.reset': op<{ changed: boolean }>()(z.object({ bookingId, reason }).strict(), true, "Release one processing entry's lease"),
  'entries.remove': op<{ changed: boolean }>()(z.object({ bookingId, reason }).strict(), true, 'Take one booking out of the pool'),
  'entries.bulk.preview': op<BulkPreview>()(
    bulkPreviewInputSchema,
    false,
    'What a bulk action on every entry a filter matches would change: exact count up to the cap, live leases skipped, sample rows, the condition in words',
  ),
  'entries.bulk.apply': op<BulkResult>()(
    bulkApplyInputSchema,
    true,
    'A bulk action (retry, make-ready, reset-lease, remove, set-deadline) on every entry a filter matches: capped, batched, cancellable, audited',
  ),

  'maintenance.cleanup.preview': op<CleanupPreview>()(
    z.object({ rules: ruleIds, leaseTimeoutSeconds: seconds(366 * 86_400).optional() }).strict(),
    false,
    'Each cleanup rule with its count and sample ids',
  ),
  'maintenance.cleanup.apply': op<CleanupResult>()(
    z.object({ rules: ruleIds, leaseTimeoutSeconds: seconds(366 * 86_400).optional(), reason, confirm: z.string().min(1).max(64) }).strict(),
    true,
    'Apply cleanup rules (confirm names the database)',
  ),
  'maintenance.validate': op<IntegrityReport>()(none, false, 'The cleanup rules, read-only, pass or fail'),
  'maintenance.retryFailed': op<{ retried: number }>()(
    z.object({ maxAttempts: z.number().int().min(1).max(100), limit: z.number().int().min(1).max(1_000_000).optional(), reason }).strict(),
    true,
    'Failed entries under the attempt limit back to waiting',
  ),
  'maintenance.retryFailed.preview': op<RetryFailedPreview>()(
    z.object({ maxAttempts: z.number().int().min(1).max(100), limit: z.number().int().min(1).max(1_000_000).optional() }).strict(),
    false,
    'What retry-failed would change: count and sample ids by its own condition',
  ),
  'maintenance.resetStuck.preview': op<ResetStuckPreview>()(
    z.object({ olderThanSeconds: z.number().int().min(0).max(366 * 86_400), limit: z.number().int().min(1).max(1_000_000).optional() }).strict(),
    false,
    'What reset-stuck would change: count and sample ids by its own condition',
  ),
  'maintenance.resetStuck': op<{ reset: number }>()(
    z.object({ olderThanSeconds: z.number().int().min(0).max(366 * 86_400), reason }).strict(),
    true,
    'Processing entries with an old lease back to waiting',
  ),

  'migrations.status': op<MigrationOverview>()(none, false, 'Applied and pending migrations, drift, lock holder'),
  'migrations.plan': op<MigrationPlan[]>()(
    z.object({ direction: z.enum(['up', 'down']), to: z.string().min(1).max(190).optional() }).strict(),
    false,
    'The SQL each step would run (dry run)',
  ),
  'migrations.up': op<MigrationPlan[]>()(z.object({ to: z.string().min(1).max(190).optional(), reason }).strict(), true, 'Apply pending migrations'),
  'migrations.down': op<MigrationPlan[]>()(z.object({ to: z.string().min(1).max(190).optional(), reason }).strict(), true, 'Revert the last migration, or back to one'),
  'migrations.lockHolder': op<LockHolder | null>()(none, false, 'Who runs a migration right now'),

  'indexes.health': op<IndexHealth>()(none, false, 'Expected vs present indexes and the hot queries’ plans'),
  'indexes.ensure.preview': op<MigrationPlan[]>()(none, false, 'What creating the missing indexes would run'),
  'indexes.ensure.apply': op<MigrationPlan[]>()(z.object({ reason }).strict(), true, 'Create the missing indexes through the migrations'),

  'import.preview': op<LegacyImportPreview>()(z.object({ snapshot: snapshotText }).strict(), false, 'Check a legacy memory-pool export entry by entry'),
  'import.apply': op<LegacyImportResult>()(z.object({ snapshot: snapshotText, reason }).strict(), true, 'Import a legacy export (idempotent)'),

  'audit.list': op<AuditEntry[]>()(
    z
      .object({
        action: z.string().min(1).max(64).optional(),
        actor: z.string().min(1).max(255).optional(),
        bookingId: bookingId.optional(),
        from: z.coerce.date().optional(),
        to: z.coerce.date().optional(),
        beforeId: z.number().int().positive().optional(),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    false,
    'The audit log, newest first',
  ),

  'system.status': op<SystemStatus>()(none, false, 'healthy, degraded or down, with reasons'),
  'system.validate': op<SystemCheck[]>()(none, false, 'Checks that can fail: reachability, drift, query plans'),
} as const;

export type OperationName = keyof typeof OPERATIONS;
export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];
export type InputOf<N extends OperationName> = z.input<(typeof OPERATIONS)[N]['input']>;
export type ParsedInputOf<N extends OperationName> = z.output<(typeof OPERATIONS)[N]['input']>;
export type ResultOf<N extends OperationName> = Exclude<(typeof OPERATIONS)[N]['result'], undefined>;

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.hasOwn(OPERATIONS, name);
}

/**
 * A live sample, or an error sample when the database could not be read: never zeros. The figures
 * are the newest POOL_METRICS row (`recordedAt`: its time by the database clock, `recorder`: who
 * wrote it, `exact`: false for an estimate); without a fresh row (table missing, no recorder
 * writing) they are counted directly: `recorder` null, `recordedAt` the count's time.
 */
export type StatsSample =
  | {
      kind: 'ok'; at: Date; durationMs: number; stats: PoolStats; latency: LatencySummary[]; backoff: { effectiveIntervalMs: number; reason: string } | null;
      recordedAt: Date; recorder: string | null; exact: boolean;
    }
  | { kind: 'error'; at: Date; error: { code: string; message: string }; connection: ConnectionState['status'] };

export interface ProgressEvent {
  operation: 'migrations' | 'cleanup' | 'import' | 'retry' | 'reset' | 'bulk' | 'connection';
  message: string;
  /** Done and total where countable. */
  done?: number;
  total?: number;
}

/** Everything the front can subscribe to; each subscription returns an unsubscribe function. */
function stream<Event>() {
  return <Params extends z.ZodType>(params: Params): { params: Params; event?: Event } => ({ params });
}

export const STREAMS = {
  'stats.live': stream<StatsSample>()(z.object({ intervalMs: z.number().int().min(1000).max(30_000).default(1000) }).strict()),
  progress: stream<ProgressEvent>()(none),
} as const;

export type StreamName = keyof typeof STREAMS;
export type StreamParams<S extends StreamName> = z.input<(typeof STREAMS)[S]['params']>;
export type StreamEvent<S extends StreamName> = Exclude<(typeof STREAMS)[S]['event'], undefined>;

export function isStreamName(name: unknown): name is StreamName {
  return typeof name === 'string' && Object.hasOwn(STREAMS, name);
}

/** The one object the renderer talks to, whether the preload or the web client made it. */
export interface PoolConsoleApi {
  /** An aborted `signal` sends `cancel`: the back aborts the call's own signal (see core/console/endpoint.ts). */
  call<N extends OperationName>(name: N, input: InputOf<N>, signal?: AbortSignal): Promise<ResultOf<N>>;
  subscribe<S extends StreamName>(stream: S, params: StreamParams<S>, listener: (event: StreamEvent<S>) => void): () => void;
}
