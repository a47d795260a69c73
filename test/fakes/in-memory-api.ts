import {
  OPERATIONS,
  STREAMS,
  type AppInfo,
  type ConnectionState,
  type ConnectionTest,
  type EntryDetail,
  type LogLine,
  type OperationName,
  type ParsedInputOf,
  type PoolConsoleApi,
  type ProgressEvent,
  type ResultOf,
  type StatsSample,
  type StreamEvent,
  type StreamName,
} from '../../src/shared/contract.js';
import { PoolError, type ErrorCode } from '../../src/shared/errors.js';
import { plural } from '../../src/shared/plural.js';
import { MEETING_TYPES, OWNER_GROUPS, POOL_MODES, POOL_STATUSES, type PoolEntry, type PoolEvent, type PoolMode } from '../../src/shared/pool-types.js';
import type { ProfileSummary, SavedProfile } from '../../src/shared/profile.js';
import type { AuditEntry } from '../../src/shared/results/audit.js';
import type { HealthReason, IndexHealth } from '../../src/shared/results/health.js';
import type { LatencySummary } from '../../src/shared/results/latency.js';
import { CLEANUP_RULE_IDS, type CleanupRuleId, type LegacyImportLine, type RuleFinding } from '../../src/shared/results/maintenance.js';
import { ENTRY_COUNT_BOUND, type PoolStats } from '../../src/shared/results/pool.js';
import { METRIC_RESOLUTIONS, type HistoryGap, type HistoryResult, type MetricsPoint, type RecorderState } from '../../src/shared/results/metrics.js';
import type { LockHolder, MigrationPlan } from '../../src/shared/results/schema.js';
import type { PauseInfo, PauseScope } from '../../src/shared/results/control.js';
import type { LeaseReleasePreview, WorkerInfo, WorkerState } from '../../src/shared/results/workers.js';
import { ALERT_KINDS, DEFAULT_ALERT_RULES, type AlertEvent, type AlertRule } from '../../src/shared/results/alerts.js';
import { describePause } from '../../src/shared/pause-text.js';
import { fakeBulkChange, fakeBulkPreview, fakeBulkRows } from './fake-bulk.js';
import { cursorAfter, matchesEntry, sortEntries } from './entry-match.js';
import { SCAN_BOUND, searchesWindows } from '../../src/core/pool/entry-scan.js';

/**
 * The one fake the component tests may use: the whole contract over a small believable model.
 * The handler table is typed over every OperationName, so a new contract operation breaks this
 * file's compile until the fake learns it. Inputs are validated with the contract's own schemas,
 * writes are refused on read-only profiles and pool operations while disconnected, exactly as
 * the real back does; failures reject with a PoolError (code, message, details).
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOT_CONNECTED = 'No database is connected: choose a profile on the Connection page, or open the sandbox.';
const NO_POOL_COLUMNS_MESSAGE =
  "BOOKING_PLAN in database 'booking_staging' lacks the pool columns POOL_STATUS, POOL_ENTRY_TIME, POOL_DEADLINE_TIME, POOL_PROCESSING_ATTEMPTS. Run `pool-console migrate up` (or Migrations → Up) to add them; nothing about the pool can be read until then.";
/** Pool reads: on a schema without the pool columns they fail NO_POOL_COLUMNS, as the real back's do. */
const POOL_READS = new Set<OperationName>(['pool.stats', 'workers.list', 'workers.release.preview', 'workers.release', 'entries.list', 'entries.detail', 'maintenance.cleanup.preview', 'maintenance.validate', 'maintenance.retryFailed.preview', 'maintenance.resetStuck.preview', 'entries.bulk.preview', 'entries.bulk.apply']);
/** Operations that work without a database. */
const NO_DATABASE_NEEDED = new Set<OperationName>(['stats.recent', 'app.info', 'app.logs', 'profiles.list', 'profiles.save', 'profiles.delete', 'profiles.setPassword', 'connection.test', 'connection.connect', 'connection.disconnect', 'connection.current']);
/** Long operations emit a first progress event before a held call waits (see hold()). */
const LONG = new Set<OperationName>(['connection.connect', 'migrations.up', 'migrations.down', 'indexes.ensure.apply', 'maintenance.cleanup.apply', 'import.apply', 'maintenance.retryFailed', 'maintenance.resetStuck', 'entries.bulk.apply']);

/** This console's recorder, as the fake's back always has it: the leader, counting exactly. */
const FAKE_RECORDER: RecorderState = {
  identity: 'console fake@console-host pid 4242 #a1b2c3', role: 'leader', lockName: 'pool_console.recorder.fake', lockConnectionId: 17,
  intervalMs: 10_000, exactEvery: 1, backoff: null, lastError: null,
};

export type Booking = NonNullable<EntryDetail['booking']>;
export interface FakeMigration { name: string; description: string; appliedAt: Date | null }
export interface FakeModel {
  now: () => Date;
  actor: string;
  passwordEncryption: boolean;
  sandboxAvailable: boolean;
  profiles: ProfileSummary[];
  /** Hosts that connection.test / connect cannot reach. */
  unreachableHosts: Set<string>;
  connection: ConnectionState;
  /** Every booking (pooled or not); entries are the pooled ones. Ids 100001–100200 pooled, 100201–100230 waiting bookings outside the pool. */
  bookings: Booking[];
  entries: PoolEntry[];
  /** Bookings outside the pool that still carry pool leftovers (cleanup rule null-status-leftovers). */
  leftovers: number[];
  /**
   * Running event totals (POOL_EVENT_COUNTS), moved by the fake's writes; null: the counters'
   * table is missing (a schema of an older console). Workers' claims and completions are not
   * operations of the console: a test moves those totals itself.
   */
  eventTotals: Record<PoolEvent, number> | null;
  /**
   * A host schema before migration 0003 (no mode, lease or error columns): stats name the figures
   * they cannot give, and expired leases are judged by entry time, as the real back does.
   */
  preMigration: boolean;
  /** BOOKING_PLAN has no pool columns at all: pool reads fail NO_POOL_COLUMNS and status is down. */
  noPoolColumns: boolean;
  audit: AuditEntry[];
  /**
   * The recorded history (POOL_METRICS) history.read serves: a row every resolution step from
   * `since` to now, none inside `gaps` (no recorder ran), figures a smooth function of time.
   */
  history: { since: Date; gaps: HistoryGap[] };
  migrations: FakeMigration[];
  lockHolder: LockHolder | null;
  /** Set to play a Galera cluster: migrations.status then carries the back's TOI warning. */
  clusterWarning?: string;
  latency: LatencySummary[];
  logs: LogLine[];
  /** Pauses in force (POOL_CONTROL), the whole pool first. */
  pauses: PauseInfo[];
  /**
   * Heartbeating workers (POOL_WORKERS) with their state as the back would judge it; owners that
   * hold leases (entries' claimedBy) without a row here are listed as no-heartbeat. Seeded:
   * worker-0 alive, worker-1 dead; worker-2 holds leases but never heartbeat.
   */
  workers: FakeWorker[];
  /** Alert rules (shipped defaults) and their events, newest last. */
  alertRules: AlertRule[];
  alertEvents: AlertEvent[];
  /** False: the alert tables' migration has not run (alerts.overview says so, alerts.events refuses). */
  alertsAvailable: boolean;
  /** When the leader last evaluated the rules; undefined: just now (a recorder is running). */
  alertsEvaluatedAt?: Date | null;
}

export type FakeWorker = Omit<WorkerInfo, 'leases' | 'expiredLeases' | 'oldestLeaseAt'>;

export interface InMemoryApiOptions {
  /** Default 'connected' (the writable staging profile); 'read-only' connects to the production profile. */
  connection?: 'disconnected' | 'connected' | 'read-only' | 'sandbox';
  /** No saved profiles at all (first start). */
  noProfiles?: boolean;
  /** How many of the 4 migrations are still pending (the newest ones); default 0. */
  pendingMigrations?: number;
  passwordEncryption?: boolean;
  /** Default true: stats.live subscriptions get a sample from a timer at their interval. Tests pushing samples set false. */
  liveTimer?: boolean;
  /** Default true; false: the schema has no event counters, so the stats' eventTotals are null. */
  eventCounts?: boolean;
  /** A host schema before our migrations: no mode, lease or error columns (see FakeModel.preMigration). */
  preMigration?: boolean;
  /** A host schema without the pool columns (see FakeModel.noPoolColumns). */
  noPoolColumns?: boolean;
  now?: () => Date;
  /** Where entries.list stops counting (default: the back's ENTRY_COUNT_BOUND), so a test can reach "at least". */
  entryCountBound?: number;
  /** 'seeded': a rule that fired and resolved, and one firing now (see seedAlertEvents); 'unavailable': no alert tables. */
  alerts?: 'seeded' | 'unavailable';
  /** The window a filter no index serves searches per page (default: the back's SCAN_BOUND). */
  entryScanBound?: number;
}

type Handlers = { [N in OperationName]: (input: ParsedInputOf<N>) => Promise<ResultOf<N>> };
type Listener = (event: never) => void;

export function createInMemoryApi(options: InMemoryApiOptions = {}) {
  const model = seedModel(options);
  const now = () => model.now();
  const calls: { name: OperationName; input: unknown }[] = [];
  const failures = new Map<OperationName, PoolError>();
  const holds = new Map<OperationName, Promise<void>>();
  /** The operations whose calls the page cancelled (aborted their signal), in order. */
  const cancels: OperationName[] = [];
  const listeners = { 'stats.live': new Set<(event: StatsSample) => void>(), progress: new Set<(event: ProgressEvent) => void>() };

  const emitProgress = (event: ProgressEvent) => listeners.progress.forEach((listener) => listener({ ...event }));
  /** What the back's sampler keeps: every sample sent, for stats.recent (the tests' samples span minutes, not hours). */
  const recentSamples: StatsSample[] = [];
  const emitSample = (sample: StatsSample) => {
    recentSamples.push(structuredClone(sample));
    listeners['stats.live'].forEach((listener) => listener(structuredClone(sample)));
  };
  const sample = (): StatsSample => {
    const state = model.connection;
    if (state.status === 'connected' && model.noPoolColumns) return { kind: 'error', at: now(), error: { code: 'NO_POOL_COLUMNS', message: NO_POOL_COLUMNS_MESSAGE }, connection: state.status };
    if (state.status === 'connected') {
      const stats = computeStats(model, 3600, 3);
      return { kind: 'ok', at: now(), durationMs: 4, stats, latency: structuredClone(model.latency), backoff: null, recordedAt: stats.measuredAt, recorder: FAKE_RECORDER.identity, exact: true };
    }
    return { kind: 'error', at: now(), error: { code: 'UNREACHABLE', message: state.message ?? NOT_CONNECTED }, connection: state.status };
  };
  const record = (action: string, parameters: unknown, affectedRows: number, reason: string | undefined, bookingId: number | null = null) => {
    const auditId = (model.audit.at(-1)?.auditId ?? 0) + 1;
    model.audit.push({ auditId, time: now(), actor: model.actor, action, bookingId, parameters, affectedRows, outcome: 'ok', reason: reason ?? null, consoleVersion: '0.1.0' });
  };
  const log = (level: string, message: string) => model.logs.push({ time: now(), level, message });
  const entry = (bookingId: number) => model.entries.find((candidate) => candidate.bookingId === bookingId);
  const booking = (bookingId: number) => model.bookings.find((candidate) => candidate.bookingId === bookingId);
  const countEvent = (event: PoolEvent, n: number) => {
    if (model.eventTotals) model.eventTotals[event] += n;
  };
  const database = () => model.connection.database ?? '';
  const copyOfPool = (): CleanupPool => ({ entries: structuredClone(model.entries), leftovers: [...model.leftovers] });

  const profileNamed = (name: string) => {
    const found = model.profiles.find((profile) => profile.name === name);
    if (!found) throw new PoolError('INVALID_INPUT', `There is no saved profile named '${name}'.`);
    return found;
  };
  const reach = (profile: Pick<SavedProfile, 'host' | 'port'>) => {
    if (model.unreachableHosts.has(profile.host)) {
      throw new PoolError('UNREACHABLE', `Cannot reach ${profile.host}:${profile.port}: connection refused. Is the server running, and is the host and port right?`, { host: profile.host });
    }
  };
  const connectTo = (profile: SavedProfile, sandbox: boolean): ConnectionState => {
    model.connection = {
      connected: true, profileName: profile.name, environment: profile.environment, readOnly: profile.readOnly, sandbox,
      host: `${profile.host}:${profile.port}`, database: profile.database, serverVersion: SERVER.serverVersion, status: 'connected', message: null,
    };
    log('info', `connected to ${profile.name} (${profile.database})`);
    return model.connection;
  };
  const migrate = async (direction: 'up' | 'down', to: string | undefined, reason: string | undefined) => {
    const selected = selectMigrations(model, direction, to);
    emitProgress({ operation: 'migrations', message: `${direction}: ${selected.length} migration(s) to run`, done: 0, total: selected.length });
    await checkpoint(direction === 'up' ? 'migrations.up' : 'migrations.down');
    selected.forEach((migration, index) => {
      migration.appliedAt = direction === 'up' ? now() : null;
      emitProgress({ operation: 'migrations', message: `${direction} ${migration.name}: ${migration.description}`, done: index + 1, total: selected.length });
    });
    record(`migrations.${direction}`, { to: to ?? null }, selected.length, reason ?? selected.map((m) => m.name).join(', '));
    return selected.map((migration) => planOf(migration, direction));
  };
  const checkpoint = async (name: OperationName) => {
    const held = holds.get(name);
    holds.delete(name);
    await held;
  };

  const handlers: Handlers = {
    'app.info': async () => ({ ...APP_INFO, passwordEncryption: model.passwordEncryption }),
    'app.logs': async ({ limit }) => model.logs.slice(-limit),

    'profiles.list': async () => [...model.profiles].sort((a, b) => a.name.localeCompare(b.name)),
    'profiles.save': async ({ profile, password }) => {
      const previous = model.profiles.find((candidate) => candidate.name === profile.name);
      let storage = previous?.passwordStorage ?? 'none';
      if (password !== undefined) storage = password === '' ? 'none' : model.passwordEncryption ? 'encrypted' : 'session-only';
      if (previous?.managed) throw new PoolError('NO_PRIVILEGE', `'${profile.name}' is a managed profile: it cannot be changed here.`);
      const saved: ProfileSummary = { ...profile, hasPassword: storage !== 'none', passwordStorage: storage, managed: false };
      model.profiles = [...model.profiles.filter((candidate) => candidate.name !== profile.name), saved];
      return saved;
    },
    'profiles.delete': async ({ name }) => {
      if (model.profiles.some((profile) => profile.name === name && profile.managed)) throw new PoolError('NO_PRIVILEGE', `'${name}' is a managed profile: it cannot be deleted here.`);
      const before = model.profiles.length;
      model.profiles = model.profiles.filter((profile) => profile.name !== name);
      return { deleted: model.profiles.length < before };
    },
    'profiles.setPassword': async ({ name, password }) => {
      // any profile, a managed one too: only its password changes, never its definition
      const profile = profileNamed(name);
      const storage = password === '' ? 'none' : model.passwordEncryption ? 'encrypted' : 'session-only';
      const updated: ProfileSummary = { ...profile, hasPassword: storage !== 'none', passwordStorage: storage };
      model.profiles = model.profiles.map((candidate) => (candidate.name === name ? updated : candidate));
      return updated;
    },

    'connection.test': async (input) => {
      const profile = 'profile' in input ? profileNamed(input.profile) : input.draft;
      reach(profile);
      return { ...SERVER, bookingPlan: profile.database !== 'empty' };
    },
    'connection.connect': async (input) => {
      if ('profile' in input) {
        const profile = profileNamed(input.profile);
        await checkpoint('connection.connect');
        reach(profile);
        return connectTo(profile, false);
      }
      if (!model.sandboxAvailable) throw new PoolError('UNREACHABLE', 'The local sandbox is not available in this console.');
      model.connection = { ...model.connection, status: 'connecting', message: 'Opening the local sandbox' };
      emitProgress({ operation: 'connection', message: 'Starting the local database server (the first start takes a while)…' });
      await checkpoint('connection.connect');
      emitProgress({ operation: 'connection', message: 'Creating the booking tables and running the migrations…' });
      emitProgress({ operation: 'connection', message: 'Seeding demo bookings…' });
      return connectTo(SANDBOX_PROFILE, true);
    },
    'connection.disconnect': async () => {
      model.connection = { ...DISCONNECTED };
      return model.connection;
    },
    'connection.current': async () => model.connection,

    'pool.stats': async ({ leaseSeconds, maxAttempts }) => computeStats(model, leaseSeconds ?? 3600, maxAttempts ?? 3),
    'stats.recent': async () => recentSamples.map((sample) => structuredClone(sample)),
    'pool.latency': async () => model.latency,
    'history.read': async ({ from, to, maxPoints }) => readFakeHistory(model, from, to, maxPoints),

    'pool.pauseState': async () => ({ measuredAt: now(), available: true, pauses: structuredClone(model.pauses) }),
    'pool.pause': async ({ mode, until, forSeconds, reason }) => {
      const scope: PauseScope = mode ?? 'ALL';
      const previous = model.pauses.find((p) => p.scope === scope);
      const resumeAt = until ?? (forSeconds ? new Date(now().getTime() + forSeconds * 1000) : null);
      if (resumeAt && resumeAt <= now()) throw new PoolError('INVALID_INPUT', `The auto-resume time ${resumeAt.toISOString()} is not in the future by the database clock. Nothing was paused.`);
      const pause: PauseInfo = { scope, pausedBy: model.actor, reason, since: previous?.since ?? now(), until: resumeAt };
      model.pauses = [...model.pauses.filter((p) => p.scope !== scope), pause].sort((a, b) => SCOPES.indexOf(a.scope) - SCOPES.indexOf(b.scope));
      record('pool.pause', { scope, until: resumeAt?.toISOString() ?? null, forSeconds: forSeconds ?? null }, 1, reason);
      return { wasPaused: Boolean(previous), state: { measuredAt: now(), available: true, pauses: structuredClone(model.pauses) } };
    },
    'pool.resume': async ({ mode, reason }) => {
      const scope: PauseScope = mode ?? 'ALL';
      const wasPaused = model.pauses.some((p) => p.scope === scope);
      model.pauses = model.pauses.filter((p) => p.scope !== scope);
      record('pool.resume', { scope }, wasPaused ? 1 : 0, reason);
      return { wasPaused, state: { measuredAt: now(), available: true, pauses: structuredClone(model.pauses) } };
    },

    'workers.list': async ({ leaseSeconds }) => ({ measuredAt: now(), heartbeats: true, workers: listWorkers(model, leaseSeconds ?? 3600), unownedLeases: 0, truncated: false }),
    'workers.release.preview': async ({ ownerId }) => releasePreview(model, ownerId),
    'workers.release': async ({ ownerId, reason, force }) => {
      const preview = releasePreview(model, ownerId);
      if (!preview.allowed && !force) throw new PoolError('CONFLICT', `${preview.refusal} Nothing was changed.`, { ownerId, state: preview.state });
      const held = model.entries.filter((e) => e.status === 'processing' && e.claimedBy === ownerId);
      held.forEach((e) => Object.assign(e, { status: 'waiting', claimedBy: null, claimedAt: null }));
      countEvent('reset', held.length);
      record('workers.release-leases', { ownerId, state: preview.state, force: force ?? false, previewed: preview.count }, held.length, reason);
      return { dryRun: false, preview, released: held.length };
    },
    'alerts.overview': async () =>
      model.alertsAvailable
        ? { available: true, rules: structuredClone(model.alertRules), firing: firingAlerts(model), evaluatedAt: model.alertsEvaluatedAt === undefined ? now() : model.alertsEvaluatedAt }
        : { available: false, rules: [], firing: [], evaluatedAt: null },
    'alerts.events': async ({ from, to, kind, beforeId, limit }) => {
      if (!model.alertsAvailable) throw new PoolError('NO_TABLE', 'POOL_ALERT_EVENTS does not exist: run the migrations.');
      return model.alertEvents
        .filter((e) => (!from || e.at >= from) && (!to || e.at < to) && (!kind || e.kind === kind) && (!beforeId || e.id < beforeId))
        .sort((a, b) => b.id - a.id)
        .slice(0, limit)
        .map((e) => structuredClone(e));
    },
    'alerts.rules.update': async ({ kind, reason, ...change }) => {
      const rule = model.alertRules.find((r) => r.kind === kind)!;
      Object.assign(rule, Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)), { updatedBy: model.actor, updatedAt: now() });
      record('alerts.rule-update', { kind, ...change }, 1, reason);
      return structuredClone(rule);
    },
    'recorder.state': async () => ({ ...FAKE_RECORDER }),

    'entries.list': async ({ sort = 'entryTime', order = 'asc', after, limit = 100, ...match }) => {
      const owners = new Map(model.bookings.map((b) => [b.bookingId, b]));
      const matches = (e: PoolEntry) => matchesEntry(e, owners.get(e.bookingId), match, (x) => isOverdue(x, now()));
      const bound = options.entryCountBound ?? ENTRY_COUNT_BOUND;
      if (searchesWindows(match)) {
        // As the back (entry-scan.ts): each page searches the next `scan` entries in order; the total counts the first window.
        const scan = options.entryScanBound ?? SCAN_BOUND;
        const first = sortEntries(model.entries, sort, order, undefined).slice(0, scan);
        const counted = first.filter(matches).length;
        const total = counted > bound ? { count: bound, exact: false } : { count: counted, exact: first.length < scan };
        const window = sortEntries(model.entries, sort, order, after).slice(0, scan);
        const hits = window.filter(matches);
        const entries = hits.slice(0, limit);
        const next = hits.length > limit ? cursorAfter(entries.at(-1)!, sort) : window.length === scan ? cursorAfter(window.at(-1)!, sort) : null;
        return { entries, next, total, window: scan };
      }
      const matching = sortEntries(model.entries.filter(matches), sort, order, undefined);
      const total = matching.length > bound ? { count: bound, exact: false } : { count: matching.length, exact: true };
      const rows = after ? sortEntries(matching, sort, order, after) : matching;
      const entries = rows.slice(0, limit);
      const last = entries.at(-1);
      return { entries, next: rows.length > limit && last ? cursorAfter(last, sort) : null, total };
    },
    'entries.detail': async ({ bookingId }) => ({
      entry: entry(bookingId) ?? null,
      booking: model.bookings.find((booking) => booking.bookingId === bookingId) ?? null,
      audit: model.audit.filter((row) => row.bookingId === bookingId).reverse().slice(0, 50),
    }),
    'entries.retry': async ({ bookingId, reason }) => {
      const found = entry(bookingId);
      const changed = found?.status === 'failed';
      if (found && changed) found.status = 'waiting';
      countEvent('retried', changed ? 1 : 0);
      record('entry.retry', { bookingId }, changed ? 1 : 0, reason, bookingId);
      return { changed };
    },
    'entries.reset': async ({ bookingId, reason }) => {
      const found = entry(bookingId);
      const changed = found?.status === 'processing';
      if (found && changed) Object.assign(found, { status: 'waiting', claimedBy: null, claimedAt: null });
      countEvent('reset', changed ? 1 : 0);
      record('entry.reset', { bookingId }, changed ? 1 : 0, reason, bookingId);
      return { changed };
    },
    'entries.remove': async ({ bookingId, reason }) => {
      const changed = Boolean(entry(bookingId));
      model.entries = model.entries.filter((candidate) => candidate.bookingId !== bookingId);
      countEvent('removed', changed ? 1 : 0);
      record('pool.remove', { bookingId }, changed ? 1 : 0, reason, bookingId);
      return { changed };
    },

    'entries.bulk.preview': async (input) => fakeBulkPreview(model.entries, booking, input, now()),
    'entries.bulk.apply': async ({ reason, ...input }) => {
      emitProgress({ operation: 'bulk', message: `${input.action}: applying…` });
      await checkpoint('entries.bulk.apply');
      const chosen = fakeBulkRows(model.entries, booking, input, now()).applicable.slice(0, input.cap);
      if (input.action === 'remove') model.entries = model.entries.filter((e) => !chosen.includes(e));
      else chosen.forEach((e) => fakeBulkChange(e, input));
      const event = ({ retry: 'retried', 'reset-lease': 'reset', remove: 'removed' } as const)[input.action as 'retry'];
      if (event) countEvent(event, chosen.length);
      emitProgress({ operation: 'bulk', message: `${input.action}: ${chosen.length} entries changed (at most ${input.cap} this run)`, done: chosen.length });
      record(`entries.bulk.${input.action}`, { action: input.action, match: input.match, cap: input.cap, leaseSeconds: input.leaseSeconds }, chosen.length, reason);
      return { action: input.action, changed: chosen.length, cap: input.cap, capReached: chosen.length >= input.cap };
    },

    'maintenance.cleanup.preview': async ({ rules, leaseTimeoutSeconds }) => ({
      rules: runCleanup(copyOfPool(), now(), rules, leaseTimeoutSeconds ?? 3600),
      measuredAt: now(),
    }),
    'maintenance.cleanup.apply': async ({ rules, leaseTimeoutSeconds, reason, confirm }) => {
      if (confirm !== database()) throw new PoolError('INVALID_INPUT', `To apply the cleanup, confirm with the database's name '${database()}'. Nothing was changed.`);
      emitProgress({ operation: 'cleanup', message: 'Applying cleanup rules…' });
      await checkpoint('maintenance.cleanup.apply');
      const pool = { entries: model.entries, leftovers: model.leftovers };
      const findings = runCleanup(pool, now(), rules, leaseTimeoutSeconds ?? 3600);
      Object.assign(model, pool);
      // As the real rules count them: rows taken out of the pool are removed, stuck leases reset.
      for (const finding of findings) {
        if (finding.id === 'booking-finished' || finding.id === 'interpreter-assigned') countEvent('removed', finding.count);
        if (finding.id === 'stuck-processing') countEvent('reset', finding.count);
      }
      for (const finding of findings) emitProgress({ operation: 'cleanup', message: `${finding.id}: ${finding.count} fixed`, done: finding.count });
      const total = findings.reduce((sum, finding) => sum + finding.count, 0);
      record('maintenance.cleanup', { rules: rules ?? 'all', leaseTimeoutSeconds: leaseTimeoutSeconds ?? 3600 }, total, reason);
      return { rules: findings.map(({ id, count }) => ({ id, fixed: count })), total };
    },
    'maintenance.validate': async () => {
      const rules = runCleanup(copyOfPool(), now(), undefined, 3600);
      const report = { passed: rules.every((rule) => rule.count === 0), rules, checkedAt: now() };
      // As the real back: before migration 0003 the leases are judged by entry time, and the report says so.
      return model.preMigration
        ? { ...report, unavailable: [{ figure: 'leases', reason: 'no lease columns (migration 0003-pool-lease-columns pending): stuck entries are judged by entry time; run `pool-console migrate up`' }] }
        : report;
    },
    'maintenance.retryFailed': async ({ maxAttempts, limit, reason }) => {
      emitProgress({ operation: 'retry', message: 'Retrying failed entries…' });
      await checkpoint('maintenance.retryFailed');
      const chosen = model.entries.filter((e) => e.status === 'failed' && e.attempts < maxAttempts).slice(0, limit ?? Infinity);
      chosen.forEach((e) => (e.status = 'waiting'));
      countEvent('retried', chosen.length);
      emitProgress({ operation: 'retry', message: `${chosen.length} entries retried`, done: chosen.length });
      record('pool.retry-failed', { maxAttempts, limit: limit ?? null }, chosen.length, reason);
      return { retried: chosen.length };
    },
    'maintenance.retryFailed.preview': async ({ maxAttempts, limit }) => {
      const matching = model.entries.filter((e) => e.status === 'failed' && e.attempts < maxAttempts).map((e) => e.bookingId).sort((a, b) => a - b);
      const atMaxAttempts = model.entries.filter((e) => e.status === 'failed' && e.attempts >= maxAttempts).length;
      return { measuredAt: now(), maxAttempts, count: matching.length, willChange: Math.min(matching.length, limit ?? Infinity), sampleIds: matching.slice(0, 20), atMaxAttempts };
    },
    'maintenance.resetStuck.preview': async ({ olderThanSeconds, limit }) => {
      const matching = model.entries.filter((e) => isStuck(e, now(), olderThanSeconds, model.preMigration)).map((e) => e.bookingId).sort((a, b) => a - b);
      return {
        measuredAt: now(), olderThanSeconds, leaseBasis: model.preMigration ? 'entry-time' : 'claim-time',
        condition: model.preMigration
          ? `processing entries that entered the pool more than ${olderThanSeconds} s ago (judged by entry time: the lease column POOL_CLAIMED_AT arrives with the migrations)`
          : `processing entries claimed more than ${olderThanSeconds} s ago, or with no claim time`,
        count: matching.length, willChange: Math.min(matching.length, limit ?? Infinity), sampleIds: matching.slice(0, 20),
      };
    },
    'maintenance.resetStuck': async ({ olderThanSeconds, reason }) => {
      emitProgress({ operation: 'reset', message: 'Resetting stuck leases…' });
      await checkpoint('maintenance.resetStuck');
      const chosen = model.entries.filter((e) => isStuck(e, now(), olderThanSeconds, model.preMigration));
      chosen.forEach((e) => Object.assign(e, { status: 'waiting', claimedBy: null, claimedAt: null }));
      countEvent('reset', chosen.length);
      emitProgress({ operation: 'reset', message: `${chosen.length} leases reset`, done: chosen.length });
      record('pool.reset-stuck', { olderThanSeconds, limit: null }, chosen.length, reason);
      return { reset: chosen.length };
    },

    'migrations.status': async () => {
      const applied = model.migrations.filter((m) => m.appliedAt);
      const missing = (name: string) => !applied.some((m) => m.name === name);
      return {
        applied: applied.map((m) => ({ name: m.name, description: m.description, appliedAt: m.appliedAt! })),
        pending: model.migrations.filter((m) => !m.appliedAt).map(({ name, description }) => ({ name, description })),
        lockHolder: model.lockHolder,
        drift: {
          missingColumns: [...(missing('0002-pool-columns') ? ['POOL_STATUS', 'POOL_ENTRY_TIME', 'POOL_DEADLINE_TIME', 'POOL_PROCESSING_ATTEMPTS'] : []), ...(missing('0003-pool-lease-columns') ? ['POOL_MODE', 'POOL_CLAIMED_BY', 'POOL_CLAIMED_AT', 'POOL_LAST_ERROR'] : [])],
          missingIndexes: missing('0004-pool-indexes') ? EXPECTED_INDEXES.map(([name]) => name) : [],
          missingTables: missing('0001-audit-log') ? ['POOL_AUDIT_LOG'] : [],
          unexpectedColumns: [],
          unexpectedIndexes: [],
        },
        // Counted whenever the four pool columns exist, as the real back does; the note names what is missing.
        countsByStatus: missing('0002-pool-columns') || model.noPoolColumns ? null : computeStats(model, 3600, 3).byStatus,
        countsNote: missing('0002-pool-columns') || model.noPoolColumns
          ? 'Not counted: BOOKING_PLAN lacks the pool columns POOL_STATUS, POOL_ENTRY_TIME, POOL_DEADLINE_TIME, POOL_PROCESSING_ATTEMPTS. Run the pending migrations first.'
          : null,
        ...(model.clusterWarning ? { clusterWarning: model.clusterWarning } : {}),
      };
    },
    'migrations.plan': async ({ direction, to }) => selectMigrations(model, direction, to).map((m) => planOf(m, direction)),
    'migrations.up': async ({ to, reason }) => migrate('up', to, reason),
    'migrations.down': async ({ to, reason }) => migrate('down', to, reason),
    'migrations.lockHolder': async () => model.lockHolder,

    'indexes.health': async () => indexHealth(model),
    'indexes.ensure.preview': async () => (model.migrations[3]!.appliedAt ? [] : [planOf(model.migrations[3]!, 'up')]),
    'indexes.ensure.apply': async ({ reason }) => {
      if (model.migrations[3]!.appliedAt) return [];
      const pendingBefore = model.migrations.slice(0, 3).some((m) => !m.appliedAt);
      if (pendingBefore) throw new PoolError('CONFLICT', 'Earlier migrations are pending: run them on the Migrations page first.');
      const plans = await migrate('up', '0004-pool-indexes', reason);
      return plans;
    },

    'import.preview': async ({ snapshot }) => previewImport(model, snapshot),
    'import.apply': async ({ snapshot, reason }) => {
      const preview = previewImport(model, snapshot);
      emitProgress({ operation: 'import', message: 'batch 0 of 1', done: 0, total: preview.total });
      await checkpoint('import.apply');
      const adding = preview.entries.filter((line) => line.outcome === 'will-add');
      for (const line of adding) {
        const booking = model.bookings.find((b) => b.bookingId === line.bookingId)!;
        model.entries.push(toEntry(booking, { status: 'waiting', mode: line.mode ?? null, entryTime: now(), deadlineTime: line.deadline ?? null }));
      }
      countEvent('entered', adding.length);
      emitProgress({ operation: 'import', message: 'batch 1 of 1', done: preview.total, total: preview.total });
      record('import.memory-pool', {}, adding.length, reason);
      const { counts } = preview;
      return {
        total: preview.total, added: adding.length, alreadyPooled: counts['already-pooled'], batches: 1,
        skipped: { 'booking-missing': counts['booking-missing'], 'booking-finished': counts['booking-finished'], invalid: counts.invalid },
      };
    },

    'audit.list': async ({ action, actor, bookingId, from, to, beforeId, limit }) =>
      model.audit
        .filter((row) => (!action || row.action.toLowerCase().includes(action.toLowerCase())) && (!actor || row.actor === actor) && (bookingId === undefined || row.bookingId === bookingId))
        .filter((row) => (!from || row.time >= from) && (!to || row.time < to) && (beforeId === undefined || row.auditId < beforeId))
        .sort((a, b) => b.auditId - a.auditId)
        .slice(0, limit),

    'system.status': async () => {
      const pending = model.migrations.filter((m) => !m.appliedAt).map((m) => m.name);
      if (model.noPoolColumns) {
        const findings: HealthReason[] = [
          { code: 'no-pool-columns', severity: 'down', message: NO_POOL_COLUMNS_MESSAGE },
          ...(pending.length ? [{ code: 'migrations-pending' as const, severity: 'degraded' as const, message: 'migrations are pending', count: pending.length, items: pending }] : []),
        ];
        return { state: 'down', reasons: findings.map((f) => f.message), findings, checkedAt: now() };
      }
      const stats = computeStats(model, 3600, 3);
      const findings: HealthReason[] = [
        ...(pending.length ? [{ code: 'migrations-pending' as const, severity: 'degraded' as const, message: 'migrations are pending', count: pending.length, items: pending }] : []),
        ...(stats.expiredLeases ? [{ code: 'expired-leases' as const, severity: 'degraded' as const, message: `${plural(stats.expiredLeases, 'processing entry has', 'processing entries have')} an expired lease`, count: stats.expiredLeases }] : []),
        ...(stats.overdue ? [{ code: 'deadline-risk' as const, severity: 'degraded' as const, message: `${plural(stats.overdue, 'entry is', 'entries are')} past their deadline`, count: stats.overdue }] : []),
        ...model.pauses.map((pause) => ({ code: 'paused' as const, severity: 'degraded' as const, message: describePause(pause, now()), items: [pause.scope] })),
      ];
      return { state: findings.length ? 'degraded' : 'healthy', reasons: findings.map((f) => f.message), findings, checkedAt: now(), stats };
    },
    'system.validate': async () => [
      { check: 'reachable', ok: true, detail: `${model.connection.host} answers (${SERVER.serverVersion})` },
      { check: 'schema', ok: model.migrations.every((m) => m.appliedAt), detail: model.migrations.every((m) => m.appliedAt) ? 'no drift' : 'migrations are pending' },
      { check: 'query plans', ok: true, detail: 'every hot query uses its index' },
    ],
  };

  const call = async <N extends OperationName>(name: N, rawInput: unknown, signal?: AbortSignal): Promise<ResultOf<N>> => {
    calls.push({ name, input: rawInput });
    if (!signal) return run(name, rawInput);
    // As the real back: a cancel stops a long write at its next step (here: while held), and the call rejects CANCELLED.
    return new Promise<ResultOf<N>>((resolve, reject) => {
      const cancelled = () => {
        cancels.push(name);
        reject(new PoolError('CANCELLED', `'${name}' was cancelled after 0 of its rows; nothing more will change.`));
      };
      if (signal.aborted) return cancelled();
      signal.addEventListener('abort', cancelled, { once: true });
      run(name, rawInput).then(resolve, reject).finally(() => signal.removeEventListener('abort', cancelled));
    });
  };

  const run = async <N extends OperationName>(name: N, rawInput: unknown): Promise<ResultOf<N>> => {
    await Promise.resolve();
    const forced = failures.get(name);
    if (forced) {
      failures.delete(name);
      throw forced;
    }
    const parsed = OPERATIONS[name].input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first?.path.length ? first.path.join('.') : 'input';
      throw new PoolError('INVALID_INPUT', `Invalid ${where}: ${first?.message ?? 'rejected'}`, {
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      });
    }
    if (!NO_DATABASE_NEEDED.has(name)) {
      const state = model.connection;
      if (!state.connected) throw new PoolError('UNREACHABLE', NOT_CONNECTED);
      if (state.status === 'lost') throw new PoolError('UNREACHABLE', state.message ?? 'The connection to the database was lost.');
      if (state.status === 'not-responding') throw new PoolError('TIMEOUT', state.message ?? 'The database server does not respond.');
      if (state.status === 'database-missing') throw new PoolError('NO_DATABASE', state.message ?? 'The database was dropped.');
      if (OPERATIONS[name].writes && state.readOnly) {
        throw new PoolError('NO_PRIVILEGE', `Profile '${state.profileName}' is read-only: '${name}' would change the database. Use a profile without the read-only flag.`);
      }
    }
    if (model.noPoolColumns && POOL_READS.has(name)) throw new PoolError('NO_POOL_COLUMNS', NO_POOL_COLUMNS_MESSAGE, { missingColumns: ['POOL_STATUS', 'POOL_ENTRY_TIME', 'POOL_DEADLINE_TIME', 'POOL_PROCESSING_ATTEMPTS'] });
    if (!LONG.has(name)) await checkpoint(name);
    const handler = handlers[name] as (input: unknown) => Promise<ResultOf<N>>;
    try {
      return structuredClone(await handler(parsed.data));
    } finally {
      await checkpoint(name); // a long operation that ended before its checkpoint still honours a hold
    }
  };

  const api: PoolConsoleApi = {
    call: (name, input, signal) => call(name, input, signal),
    subscribe: <S extends StreamName>(stream: S, params: unknown, listener: (event: StreamEvent<S>) => void) => {
      const checked = STREAMS[stream].params.safeParse(params ?? {});
      if (!checked.success) throw new PoolError('INVALID_INPUT', `Invalid ${stream} parameters: ${checked.error.issues[0]?.message ?? 'rejected'}`);
      const set = listeners[stream] as unknown as Set<Listener>;
      const entry = listener as unknown as Listener;
      set.add(entry);
      let timer: ReturnType<typeof setInterval> | undefined;
      if (stream === 'stats.live' && options.liveTimer !== false) {
        const intervalMs = (checked.data as { intervalMs?: number }).intervalMs ?? 1000;
        timer = setInterval(() => {
          const next = sample();
          recentSamples.push(structuredClone(next));
          listener(next as StreamEvent<S>);
        }, intervalMs);
      }
      return () => {
        set.delete(entry);
        clearInterval(timer);
      };
    },
  };

  return {
    api,
    model,
    calls,
    cancels,
    /** Pushes a live sample to every stats.live subscriber. */
    emitSample,
    /** Pushes a progress event to every progress subscriber. */
    emitProgress,
    /** An ok sample computed from the model now (or an error sample while not connected). */
    sample,
    /** The next call of `name` rejects with this code and message (before validation). */
    failNext(name: OperationName, code: ErrorCode, message: string, details?: Record<string, unknown>) {
      failures.set(name, new PoolError(code, message, details));
    },
    /** The next call of `name` that passes validation and the connection checks waits (after its first progress event, for long ones) until release() is called. */
    hold(name: OperationName): () => void {
      let release!: () => void;
      holds.set(name, new Promise<void>((resolve) => (release = resolve)));
      return () => release();
    },
    /** The database connection drops (or the server stops answering, or the database goes): pool calls fail and connection.current says so. */
    loseConnection(message = 'Lost connection to MySQL server during query (db-staging.example.internal:3306)', status: 'lost' | 'not-responding' | 'database-missing' = 'lost') {
      model.connection = { ...model.connection, status, message };
    },
    restoreConnection() {
      model.connection = { ...model.connection, status: 'connected', message: null };
    },
    /** The calls of one operation so far, with the inputs as the page sent them. */
    callsOf<N extends OperationName>(name: N): unknown[] {
      return calls.filter((c) => c.name === name).map((c) => c.input);
    },
  };
}

export type InMemoryApi = ReturnType<typeof createInMemoryApi>;

const APP_INFO: Omit<AppInfo, 'passwordEncryption'> = { version: '0.1.0', shell: 'serve', platform: 'linux', node: 'v20.18.0', dataDir: '/home/ops/.config/pool-console' };
const SERVER: Omit<ConnectionTest, 'bookingPlan'> = { serverVersion: '10.11.8-MariaDB', flavour: 'mariadb', roundTripMs: 2.4 };
const DISCONNECTED: ConnectionState = {
  connected: false, profileName: null, environment: null, readOnly: false, sandbox: false,
  host: null, database: null, serverVersion: null, status: 'disconnected', message: null,
};
const SANDBOX_PROFILE: SavedProfile = { name: 'Local sandbox', host: '127.0.0.1', port: 33306, user: 'pool', database: 'pool_sandbox', environment: 'sandbox', readOnly: false };
const PROFILES: ProfileSummary[] = [
  { name: 'production', host: 'db-prod.example.internal', port: 3306, user: 'pool_ro', database: 'booking', environment: 'production', readOnly: true, hasPassword: true, passwordStorage: 'encrypted', managed: false },
  { name: 'staging', host: 'db-staging.example.internal', port: 3306, user: 'pool_ops', database: 'booking_staging', environment: 'staging', readOnly: false, hasPassword: true, passwordStorage: 'encrypted', managed: false },
];
const MIGRATIONS: [string, string][] = [
  ['0001-audit-log', 'Audit table POOL_AUDIT_LOG'],
  ['0002-pool-columns', 'Pool columns on BOOKING_PLAN (status, entry time, deadline, attempts)'],
  ['0003-pool-lease-columns', 'Pool mode, claim lease and last error on BOOKING_PLAN'],
  ['0004-pool-indexes', 'Pool indexes on BOOKING_PLAN'],
];
const EXPECTED_INDEXES: [string, string[], string][] = [
  ['idx_pool_claim', ['POOL_STATUS', 'POOL_DEADLINE_TIME', 'POOL_ENTRY_TIME'], 'ready page and claim order without a filesort'],
  ['idx_pool_processing', ['POOL_STATUS', 'POOL_ENTRY_TIME'], 'entries by status in entry order'],
  ['idx_pool_lease', ['POOL_STATUS', 'POOL_CLAIMED_AT'], 'stuck-lease scan'],
  ['idx_pool_mode', ['POOL_MODE', 'POOL_STATUS'], 'counts and filters by mode'],
  ['idx_pool_entry_time', ['POOL_ENTRY_TIME'], 'all entries in entry order'],
  ['idx_pool_deadline', ['POOL_DEADLINE_TIME'], 'deadline queries across statuses'],
];
const RULE_TEXT: Record<CleanupRuleId, [string, string, string]> = {
  'booking-finished': ['Pooled but booking finished', 'Pooled entries whose booking is approved, cancelled or complete.', 'Takes the entry out of the pool.'],
  'interpreter-assigned': ['Pooled but interpreter assigned', 'Pooled entries of waiting bookings that already have an interpreter.', 'Takes the entry out of the pool.'],
  'meeting-started': ['Meeting already started', 'Waiting, ready or stuck entries whose meeting has started.', "Marks the entry failed with 'meeting started before assignment'."],
  'stuck-processing': ['Stuck processing, meeting ahead', 'Expired leases of open bookings whose meeting has not started; reset-stuck counts every expired lease.', 'Puts the entry back to waiting and clears the lease.'],
  'missing-entry-or-deadline': ['Missing entry or deadline time', 'Pooled entries with no entry time or no deadline.', 'Sets the missing time.'],
  'deadline-after-start': ['Deadline after meeting start', 'Pooled entries whose deadline is later than their meeting start.', 'Recomputes the deadline.'],
  'attempts-out-of-range': ['Attempts out of range', 'Pooled entries whose attempts are negative or above 100.', 'Clamps the attempts.'],
  'null-status-leftovers': ['NULL status with leftover pool fields', 'Bookings not in the pool that still carry pool fields.', 'Clears the leftovers.'],
  'lease-on-idle-entry': ['Lease on an entry not being processed', 'Waiting, ready or failed entries that still carry a lease.', 'Clears the lease.'],
  'processing-without-attempt': ['Processing with no attempt counted', 'Processing entries under a live lease with 0 attempts.', 'Sets attempts to 1.'],
  'processing-without-owner': ['Processing with no lease owner', 'Processing entries with a recent claim time but no owner.', 'Puts the entry back to waiting.'],
};

function toEntry(booking: Booking, pool: Partial<PoolEntry> & Pick<PoolEntry, 'status'>): PoolEntry {
  return {
    bookingId: booking.bookingId, meetingType: booking.meetingType as PoolEntry['meetingType'], timeStart: booking.timeStart,
    bookingStatus: booking.bookingStatus as PoolEntry['bookingStatus'], interpreterEmpCode: booking.interpreterEmpCode,
    mode: null, entryTime: null, deadlineTime: null, attempts: 0, claimedBy: null, claimedAt: null, lastError: null, ...pool,
  };
}

function seedModel(options: InMemoryApiOptions): FakeModel {
  const now = options.now ?? (() => new Date());
  const t = now().getTime();
  const bookings: Booking[] = [];
  const entries: PoolEntry[] = [];
  for (let i = 0; i < 230; i += 1) {
    const bookingId = 100_001 + i;
    const start = t + (((i * 37) % 240) - 6) * HOUR; // from 6 h ago to ten days ahead
    // A few broken rows for the cleanup rules: finished bookings, assigned interpreters.
    const bookingStatus = i % 67 === 5 ? 'approve' : i === 90 ? 'cancel' : 'waiting';
    bookings.push({
      bookingId, ownerEmpCode: `E${1000 + (i % 40)}`, ownerGroup: OWNER_GROUPS[i % 4]!, meetingRoom: `R${(i % 12) + 1}`,
      meetingType: MEETING_TYPES[i % MEETING_TYPES.length]!, timeStart: new Date(start), timeEnd: new Date(start + HOUR), bookingStatus,
      interpreterEmpCode: i === 40 || i === 41 ? `I${i}` : null,
    });
    if (i >= 200) continue;
    const status = POOL_STATUSES[i % 10 < 6 ? 0 : i % 10 < 7 ? 1 : i % 10 < 9 ? 2 : 3]!;
    const claimedAt = status === 'processing' ? new Date(t - (i % 7 === 0 ? 2 * HOUR : 30_000)) : null;
    entries.push(toEntry(bookings[i]!, {
      status, mode: i % 9 === 0 ? null : POOL_MODES[i % POOL_MODES.length]!,
      entryTime: new Date(t - (200 - i) * 5 * 60_000), deadlineTime: i === 77 ? null : new Date(start - (i === 12 || i === 13 ? -HOUR : 2 * DAY)),
      attempts: i === 150 ? 101 : status === 'failed' ? (i % 4) + 1 : status === 'processing' ? 1 : 0,
      claimedBy: claimedAt ? `worker-${i % 3}` : null, claimedAt, lastError: status === 'failed' ? 'interpreter service timed out' : null,
    }));
  }
  const actors = ['ops@console-1', 'alice@ops-laptop', 'pool-worker@app-3'];
  const actions = ['entry.retry', 'maintenance.cleanup', 'pool.reset-stuck', 'entry.reset', 'pool.remove', 'migrations.up'];
  const audit: AuditEntry[] = Array.from({ length: 30 }, (_, i) => {
    const action = actions[i % actions.length]!;
    const bookingId = action.startsWith('entry.') || action === 'pool.remove' ? 100_001 + ((i * 13) % 200) : null;
    return {
      auditId: i + 1, time: new Date(t - (30 - i) * HOUR), actor: actors[i % actors.length]!, action, bookingId,
      parameters: bookingId ? { bookingId } : { rules: 'all', leaseTimeoutSeconds: 3600 }, affectedRows: bookingId ? 1 : (i * 7) % 40,
      outcome: i % 11 === 10 ? 'error' : 'ok', reason: i % 3 === 0 ? 'incident follow-up' : null, consoleVersion: '0.1.0',
    };
  });
  const pending = Math.max(0, Math.min(4, options.pendingMigrations ?? 0));
  const model: FakeModel = {
    now, actor: 'ops@workstation', passwordEncryption: options.passwordEncryption ?? true, sandboxAvailable: true,
    profiles: options.noProfiles ? [] : structuredClone(PROFILES), unreachableHosts: new Set(['db-old.example.internal']),
    connection: { ...DISCONNECTED }, bookings, entries, leftovers: [100_205, 100_206], audit,
    // Two days recorded, with half an hour 3 h ago when no recorder ran.
    history: { since: new Date(t - 2 * DAY), gaps: [{ from: new Date(t - 3.5 * HOUR), to: new Date(t - 3 * HOUR) }] },
    // A pool that has been running for a while: totals since the counters' table was created.
    preMigration: options.preMigration ?? false,
    noPoolColumns: options.noPoolColumns ?? false,
    eventTotals: options.eventCounts === false || options.preMigration ? null : { entered: 12_480, claimed: 11_905, completed: 10_870, failed: 912, retried: 240, removed: 130, reset: 64 },
    migrations: MIGRATIONS.map(([name, description], i) => ({ name, description, appliedAt: i < 4 - pending ? new Date(t - (40 - i) * DAY) : null })),
    lockHolder: null,
    pauses: [],
    alertRules: ALERT_KINDS.map((kind): AlertRule => ({ kind, ...DEFAULT_ALERT_RULES[kind], updatedBy: null, updatedAt: null })),
    alertEvents: options.alerts === 'seeded' ? seedAlertEvents(t) : [],
    alertsAvailable: options.alerts !== 'unavailable',
    workers: [
      fakeWorker('worker-0', 'alive', t - 4_000, { claims: 412, completes: 398, fails: 9, claimsPerMinute: 14, lastError: 'interpreter service timed out' }),
      fakeWorker('worker-1', 'dead', t - 15 * 60_000, { claims: 220, completes: 201, fails: 12, claimsPerMinute: 0, lastError: 'ECONNRESET talking to the interpreter service' }),
    ],
    latency: ['pool.stats', 'pool.entries', 'pool.claim', 'pool.ready'].map((name, i) => ({ name, count: 120, p50: 1.2 + i, p95: 3.5 + i, p99: 6 + i, last: [1.1 + i, 1.4 + i, 1.3 + i] })),
    logs: [
      { time: new Date(t - 120_000), level: 'info', message: 'console started (serve mode)' },
      { time: new Date(t - 90_000), level: 'warn', message: 'stats sampler slowed to 2000 ms: the stats query took 850 ms' },
      { time: new Date(t - 60_000), level: 'error', message: 'pool.stats failed: UNREACHABLE Lost connection to MySQL server during query' },
    ],
  };
  const start = options.connection ?? 'connected';
  if (start !== 'disconnected') {
    const profile = start === 'sandbox' ? SANDBOX_PROFILE : PROFILES.find((p) => p.name === (start === 'read-only' ? 'production' : 'staging'))!;
    model.connection = {
      connected: true, profileName: profile.name, environment: profile.environment, readOnly: profile.readOnly, sandbox: start === 'sandbox',
      host: `${profile.host}:${profile.port}`, database: profile.database, serverVersion: SERVER.serverVersion, status: 'connected', message: null,
    };
  }
  return model;
}

/** Stuck leases fired 50 min ago and resolved 30 min ago; failures fired 10 min ago and still fire. */
function seedAlertEvents(t: number): AlertEvent[] {
  return [
    { id: 1, kind: 'stuck-leases', state: 'firing', at: new Date(t - 50 * 60_000), value: 14, message: '14 leases expired more than 60 min ago' },
    { id: 2, kind: 'stuck-leases', state: 'resolved', at: new Date(t - 30 * 60_000), value: 3, message: '3 expired leases, back under 10' },
    { id: 3, kind: 'failure-rate', state: 'firing', at: new Date(t - 10 * 60_000), value: 7.5, message: '7.5 failures per minute over the last 5 min' },
  ];
}

/** As the overview: each rule whose newest event is firing. */
function firingAlerts(model: FakeModel): AlertEvent[] {
  const newest = new Map<string, AlertEvent>();
  for (const event of [...model.alertEvents].sort((a, b) => a.id - b.id)) newest.set(event.kind, event);
  return [...newest.values()].filter((e) => e.state === 'firing').map((e) => structuredClone(e));
}

const SCOPES: readonly PauseScope[] = ['ALL', ...POOL_MODES];

function fakeWorker(ownerId: string, state: WorkerState, heartbeatMs: number, counts: Pick<WorkerInfo, 'claims' | 'completes' | 'fails' | 'claimsPerMinute' | 'lastError'>): FakeWorker {
  return {
    ownerId, state, host: `app-${ownerId.slice(-1)}.example.internal`, pid: 4100 + Number(ownerId.slice(-1)), version: '0.1.0',
    startedAt: new Date(heartbeatMs - 6 * HOUR), heartbeatAt: new Date(heartbeatMs), heartbeatAgeMs: null, heartbeatIntervalMs: 10_000,
    ...counts, lastErrorAt: counts.lastError ? new Date(heartbeatMs - 60_000) : null,
  };
}

/** As listWorkers: the registered workers and every other owner holding leases; dead and unknown first, most leases first. */
function listWorkers(model: FakeModel, leaseSeconds: number): WorkerInfo[] {
  const now = model.now();
  const leasesOf = (owner: string) => {
    const held = model.entries.filter((e) => e.status === 'processing' && e.claimedBy === owner);
    const oldest = Math.min(...held.map((e) => e.claimedAt?.getTime() ?? Infinity));
    return { leases: held.length, expiredLeases: held.filter((e) => isStuck(e, now, leaseSeconds)).length, oldestLeaseAt: Number.isFinite(oldest) ? new Date(oldest) : null };
  };
  const registered = model.workers.map((w): WorkerInfo => ({ ...w, heartbeatAgeMs: w.heartbeatAt ? Math.max(0, now.getTime() - w.heartbeatAt.getTime()) : null, ...leasesOf(w.ownerId) }));
  const owners = new Set(model.entries.filter((e) => e.status === 'processing' && e.claimedBy).map((e) => e.claimedBy!));
  const unknown = [...owners].filter((owner) => !model.workers.some((w) => w.ownerId === owner)).map((ownerId): WorkerInfo => ({
    ownerId, state: 'no-heartbeat', host: null, pid: null, version: null, startedAt: null, heartbeatAt: null, heartbeatAgeMs: null, heartbeatIntervalMs: null,
    ...leasesOf(ownerId), claims: null, completes: null, fails: null, claimsPerMinute: null, lastError: null, lastErrorAt: null,
  }));
  const rank: Record<WorkerState, number> = { dead: 0, 'no-heartbeat': 1, late: 2, alive: 3, stopped: 4 };
  return [...registered, ...unknown].sort((a, b) => rank[a.state] - rank[b.state] || b.leases - a.leases || a.ownerId.localeCompare(b.ownerId));
}

function releasePreview(model: FakeModel, ownerId: string): LeaseReleasePreview {
  const state = model.workers.find((w) => w.ownerId === ownerId)?.state ?? 'no-heartbeat';
  const ids = model.entries.filter((e) => e.status === 'processing' && e.claimedBy === ownerId).map((e) => e.bookingId).sort((a, b) => a - b);
  const allowed = state === 'dead' || state === 'stopped' || state === 'no-heartbeat';
  return {
    ownerId, state, measuredAt: model.now(), count: ids.length, sampleIds: ids.slice(0, 20), allowed,
    refusal: allowed ? null : `Worker ${ownerId} is ${state}: it may still be working on its leases. Stop it, or wait until it shows dead, or force the release.`,
  };
}

/** history.read over the model's synthetic history: the real back's resolution choice, rows and gaps. */
function readFakeHistory(model: FakeModel, from: Date, to: Date, maxPoints: number): HistoryResult {
  const rangeMs = to.getTime() - from.getTime();
  const resolution = METRIC_RESOLUTIONS.find((r) => rangeMs / (r * 1000) <= maxPoints) ?? 3600;
  const step = resolution * 1000;
  const end = Math.min(to.getTime(), model.now().getTime());
  const inGap = (t: number) => model.history.gaps.some((gap) => t >= gap.from.getTime() && t < gap.to.getTime());
  const times: number[] = [];
  for (let t = Math.ceil(Math.max(from.getTime(), model.history.since.getTime()) / step) * step; t < end; t += step) if (!inGap(t)) times.push(t);
  const truncated = times.length > maxPoints;
  const points = times.slice(-maxPoints).map((t) => fakeMetricsPoint(t, resolution));
  const gaps: HistoryGap[] = [];
  if (from < model.history.since) gaps.push({ from, to: new Date(Math.min(model.history.since.getTime(), to.getTime())) });
  for (const gap of model.history.gaps) {
    if (gap.to > from && gap.from < to) gaps.push({ from: new Date(Math.max(gap.from.getTime(), from.getTime())), to: new Date(Math.min(gap.to.getTime(), to.getTime())) });
  }
  return { resolution, from, to, points, gaps, truncated };
}

function fakeMetricsPoint(t: number, resolution: (typeof METRIC_RESOLUTIONS)[number]): MetricsPoint {
  const wave = (period: number, amplitude: number, base: number) => Math.round(base + amplitude * Math.sin((t / period) * 2 * Math.PI));
  const byStatus = { waiting: wave(6 * HOUR, 20, 60), ready: wave(2 * HOUR, 8, 20), processing: wave(HOUR, 4, 10), failed: wave(12 * HOUR, 3, 8) };
  const inPool = byStatus.waiting + byStatus.ready + byStatus.processing + byStatus.failed;
  const perStep = (base: number) => Math.max(0, Math.round((base * resolution) / 60));
  return {
    resolution, time: new Date(t), recorderId: 'console ops@workstation 4242', exact: t % (7 * resolution * 1000) !== 0, samples: resolution / 10, inPool, byStatus, byModeStatus: null,
    eligible: byStatus.ready + 5, overdue: wave(3 * HOUR, 3, 5), expiredLeases: wave(4 * HOUR, 1, 1), failedAtMaxAttempts: 2, oldestEntryAgeSeconds: 7200,
    deadlineWithin: { hour1: wave(HOUR, 2, 4), hours6: wave(6 * HOUR, 5, 15), hours24: wave(DAY, 10, 40) },
    events: { entered: perStep(12), claimed: perStep(11), completed: perStep(10), failed: perStep(1), retried: 0, removed: 0, reset: 0 },
    eventTotals: null, sampleMs: 3, intervalMs: resolution * 1000, note: null,
  };
}

function isOverdue(e: PoolEntry, now: Date): boolean {
  return e.status !== 'processing' && e.deadlineTime !== null && e.deadlineTime < now;
}

/** The expired-lease condition; `byEntryTime` on a schema without the lease column, as the real back judges it. */
function isStuck(e: PoolEntry, now: Date, leaseSeconds: number, byEntryTime = false): boolean {
  const time = byEntryTime ? e.entryTime : e.claimedAt;
  return e.status === 'processing' && (!time || time.getTime() < now.getTime() - leaseSeconds * 1000);
}

export function computeStats(model: FakeModel, leaseSeconds: number, maxAttempts: number): PoolStats {
  const now = model.now();
  const t = now.getTime();
  const count = (test: (e: PoolEntry) => boolean) => model.entries.filter(test).length;
  const within = (hours: number) => count((e) => e.status === 'waiting' && !!e.deadlineTime && e.deadlineTime.getTime() > t && e.deadlineTime.getTime() <= t + hours * HOUR);
  const oldest = Math.min(...model.entries.map((e) => e.entryTime?.getTime() ?? Infinity));
  const byMode = Object.fromEntries(POOL_MODES.map((mode) => [mode, count((e) => e.mode === mode)])) as Record<PoolMode, number>;
  return {
    measuredAt: now,
    inPool: model.entries.length,
    byStatus: Object.fromEntries(POOL_STATUSES.map((status) => [status, count((e) => e.status === status)])) as PoolStats['byStatus'],
    eligibleNow: count((e) => e.status === 'ready' || (e.status === 'waiting' && !!e.deadlineTime && e.deadlineTime <= now)),
    overdue: count((e) => isOverdue(e, now)),
    expiredLeases: count((e) => isStuck(e, now, leaseSeconds, model.preMigration)),
    leaseBasis: model.preMigration ? 'entry-time' : 'claim-time',
    failedAtMaxAttempts: count((e) => e.status === 'failed' && e.attempts >= maxAttempts),
    oldestEntryAgeSeconds: Number.isFinite(oldest) ? Math.round((t - oldest) / 1000) : null,
    byMode: { ...byMode, none: count((e) => e.mode === null) },
    deadlineWithin: { hour1: within(1), hours6: within(6), hours24: within(24) },
    eventTotals: model.eventTotals && { ...model.eventTotals },
    unavailable: model.preMigration
      ? [
          { figure: 'byMode', reason: 'no POOL_MODE column (migration 0003-pool-lease-columns pending); run `pool-console migrate up`' },
          { figure: 'leases', reason: 'no lease columns (migration 0003-pool-lease-columns pending): expired leases are judged by entry time; run `pool-console migrate up`' },
          { figure: 'eventTotals', reason: 'no POOL_EVENT_COUNTS table (migration 0005-pool-event-counts pending); run `pool-console migrate up`' },
        ]
      : [],
  };
}

interface CleanupPool { entries: PoolEntry[]; leftovers: number[] }

/** Runs the cleanup rules in their order over `model` (a copy for a preview), changing it. */
function runCleanup(model: CleanupPool, now: Date, only: string[] | undefined, leaseSeconds: number): RuleFinding[] {
  const held = (e: PoolEntry) => e.status === 'processing' && !isStuck(e, now, leaseSeconds);
  const leave = (ids: number[]) => (model.entries = model.entries.filter((e) => !ids.includes(e.bookingId)));
  const fixes: Record<CleanupRuleId, () => number[]> = {
    'booking-finished': () => pick(model, (e) => e.bookingStatus !== 'waiting' && !held(e), (ids) => leave(ids)),
    'interpreter-assigned': () => pick(model, (e) => e.interpreterEmpCode !== null && e.bookingStatus === 'waiting' && !held(e), (ids) => leave(ids)),
    'meeting-started': () => pick(model, (e) => e.timeStart <= now && (e.status === 'waiting' || e.status === 'ready' || isStuck(e, now, leaseSeconds)),
      (_ids, rows) => rows.forEach((e) => Object.assign(e, { status: 'failed', lastError: 'meeting started before assignment', claimedBy: null, claimedAt: null }))),
    'stuck-processing': () => pick(model, (e) => isStuck(e, now, leaseSeconds) && e.timeStart > now, (_ids, rows) => rows.forEach((e) => Object.assign(e, { status: 'waiting', claimedBy: null, claimedAt: null }))),
    'missing-entry-or-deadline': () => pick(model, (e) => !e.entryTime || !e.deadlineTime,
      (_ids, rows) => rows.forEach((e) => Object.assign(e, { entryTime: e.entryTime ?? now, deadlineTime: e.deadlineTime ?? new Date(e.timeStart.getTime() - 2 * DAY) }))),
    'deadline-after-start': () => pick(model, (e) => !!e.deadlineTime && e.deadlineTime > e.timeStart, (_ids, rows) => rows.forEach((e) => (e.deadlineTime = new Date(e.timeStart.getTime() - 2 * DAY)))),
    'attempts-out-of-range': () => pick(model, (e) => e.attempts < 0 || e.attempts > 100, (_ids, rows) => rows.forEach((e) => (e.attempts = e.attempts > 100 ? 100 : 0))),
    'null-status-leftovers': () => {
      const ids = [...model.leftovers];
      model.leftovers = [];
      return ids;
    },
    'lease-on-idle-entry': () => pick(model, (e) => e.status !== 'processing' && (e.claimedBy !== null || e.claimedAt !== null) && (e.status === 'failed' || e.timeStart > now),
      (_ids, rows) => rows.forEach((e) => Object.assign(e, { claimedBy: null, claimedAt: null }))),
    'processing-without-attempt': () => pick(model, (e) => held(e) && e.attempts <= 0, (_ids, rows) => rows.forEach((e) => (e.attempts = 1))),
    'processing-without-owner': () => pick(model, (e) => held(e) && e.claimedBy === null && e.timeStart > now,
      (_ids, rows) => rows.forEach((e) => Object.assign(e, { status: 'waiting', claimedBy: null, claimedAt: null }))),
  };
  return CLEANUP_RULE_IDS.filter((id) => !only || only.includes(id)).map((id) => {
    const ids = fixes[id]().sort((a, b) => a - b);
    const [title, detects, fix] = RULE_TEXT[id];
    return { id, title, detects, fix, count: ids.length, sampleIds: ids.slice(0, 20) };
  });
}

function pick(model: CleanupPool, test: (e: PoolEntry) => boolean, change: (ids: number[], rows: PoolEntry[]) => void): number[] {
  const rows = model.entries.filter(test);
  const ids = rows.map((e) => e.bookingId);
  change(ids, rows);
  return ids;
}

function selectMigrations(model: FakeModel, direction: 'up' | 'down', to: string | undefined): FakeMigration[] {
  const list = direction === 'up' ? model.migrations.filter((m) => !m.appliedAt) : model.migrations.filter((m) => m.appliedAt).reverse();
  if (to === undefined) return direction === 'up' ? list : list.slice(0, 1);
  const end = list.findIndex((m) => m.name === to);
  if (end < 0) throw new PoolError('INVALID_INPUT', `'${to}' is not ${direction === 'up' ? 'a pending' : 'an applied'} migration. ${direction === 'up' ? 'Pending' : 'Applied'}: ${list.map((m) => m.name).join(', ') || 'none'}.`);
  return list.slice(0, end + 1);
}

function planOf(migration: FakeMigration, direction: 'up' | 'down'): MigrationPlan {
  const verb = direction === 'up' ? 'ADD' : 'DROP';
  return {
    name: migration.name,
    description: migration.description,
    steps: [{ summary: `${direction === 'up' ? 'apply' : 'revert'} ${migration.name}`, sql: `ALTER TABLE BOOKING_PLAN ${verb} /* ${migration.name} */ …, ALGORITHM=INPLACE, LOCK=NONE` }],
  };
}

function indexHealth(model: FakeModel): IndexHealth {
  const created = Boolean(model.migrations[3]!.appliedAt);
  const expected = EXPECTED_INDEXES.map(([name, columns, purpose]) => ({ name, columns, purpose, state: created ? ('present' as const) : ('missing' as const), servedBy: null, note: null }));
  const present = [
    { name: 'PRIMARY', columns: ['BOOKING_ID'], unique: true, pool: false, sizeBytes: 16_384, duplicateOf: null, prefixOf: [] },
    ...(created ? EXPECTED_INDEXES.map(([name, columns]) => ({ name, columns, unique: false, pool: true, sizeBytes: 16_384, duplicateOf: null, prefixOf: [] as string[] })) : []),
    { name: 'BOOKING_PLAN_POOL_STATUS_idx', columns: ['POOL_STATUS'], unique: false, pool: true, sizeBytes: 16_384, duplicateOf: null, prefixOf: created ? ['idx_pool_claim', 'idx_pool_processing', 'idx_pool_lease'] : [] },
  ];
  const plan = (name: string, label: string, indexUsed: string | null, verdict: 'good' | 'warn' | 'bad', reason: string, filesort: boolean) => ({
    name, label, sql: `SELECT … /* ${name} */`, indexUsed, indexes: indexUsed ? [indexUsed] : [], accessType: indexUsed ? 'range' : 'ALL',
    rowsExamined: indexUsed ? 100 : model.entries.length + 30, rowsReturned: 100, filesort, temporary: false, verdict, reason, explainedWithoutLocking: false, explain: {},
  });
  return {
    table: 'BOOKING_PLAN', checkedAt: model.now(), expected, present,
    missing: created ? [] : EXPECTED_INDEXES.map(([name]) => name), duplicates: [],
    redundant: created ? [{ index: 'BOOKING_PLAN_POOL_STATUS_idx', prefixOf: ['idx_pool_claim', 'idx_pool_processing', 'idx_pool_lease'] }] : [],
    sizes: { available: true, note: null },
    queries: created
      ? [plan('pool.claim', 'Claim a batch', 'idx_pool_claim', 'good', 'reads the index in claim order and stops at the limit', false),
          plan('pool.entries', 'Entries page', 'idx_pool_entry_time', 'good', 'keyset page served by the index', false),
          plan('pool.stats', 'Stats snapshot', 'idx_pool_claim', 'warn', 'reads every pooled row once per sample', false)]
      : [plan('pool.claim', 'Claim a batch', null, 'bad', 'full table scan and a filesort: create the missing indexes', true),
          plan('pool.entries', 'Entries page', null, 'bad', 'full table scan and a filesort', true)],
  };
}

/** The legacy export: an array of entries, `[[id, entry], …]` (a Map), or `{ entries: […] }`. */
function previewImport(model: FakeModel, snapshot: string): ResultOf<'import.preview'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(snapshot);
  } catch (error) {
    throw new PoolError('INVALID_INPUT', `The legacy export is not JSON: ${(error as Error).message}.`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { entries?: unknown })?.entries;
  if (!Array.isArray(list)) throw new PoolError('INVALID_INPUT', 'The legacy export must be an array of entries, a [[bookingId, entry], …] map, or {"entries": […]}.');
  const counts = { 'will-add': 0, 'already-pooled': 0, 'booking-missing': 0, 'booking-finished': 0, invalid: 0 };
  const entries = list.map((item, index): LegacyImportLine => {
    const pair = Array.isArray(item) ? item : null;
    const raw = ((pair ? pair[1] : item) ?? {}) as Record<string, unknown>;
    const bookingId = Number(raw.bookingId ?? pair?.[0]);
    const mode = POOL_MODES.includes(raw.mode as PoolMode) ? (raw.mode as PoolMode) : undefined;
    const deadlineText = raw.deadlineTime ?? raw.decisionWindowTime;
    const line: LegacyImportLine =
      !Number.isInteger(bookingId) || bookingId <= 0 ? { index, bookingId: 0, outcome: 'invalid', field: 'bookingId', detail: 'not a positive whole number' }
      : Number.isNaN(new Date(String(raw.startTime)).getTime()) ? { index, bookingId, outcome: 'invalid', field: 'startTime', detail: 'not a date' }
      : model.entries.some((e) => e.bookingId === bookingId) ? { index, bookingId, outcome: 'already-pooled' }
      : !model.bookings.some((b) => b.bookingId === bookingId) ? { index, bookingId, outcome: 'booking-missing' }
      : model.bookings.find((b) => b.bookingId === bookingId)!.bookingStatus !== 'waiting' ? { index, bookingId, outcome: 'booking-finished' }
      : { index, bookingId, outcome: 'will-add', mode, deadline: deadlineText ? new Date(String(deadlineText)) : new Date(new Date(String(raw.startTime)).getTime() - 2 * DAY) };
    counts[line.outcome] += 1;
    return line;
  });
  return { total: entries.length, counts, entries };
}
