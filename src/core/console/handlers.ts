import type { AppInfo, LogLine, OperationName, ParsedInputOf, ProgressEvent, ResultOf, StatsSample } from '../../shared/contract.js';
import type { MigrationProgress } from '../../shared/results/schema.js';
import { PoolError } from '../../shared/errors.js';
import type { AuditContext } from '../../shared/results/audit.js';
import { alertOverview, readAlertEvents } from '../alerts/alert-events.js';
import { updateAlertRule } from '../alerts/alert-rules.js';
import { isCancelled } from '../audit/cancel.js';
import { pause, pauseState, resume } from '../control/pool-control.js';
import { Database } from '../db/database.js';
import { indexHealth } from '../health/index-health.js';
import { withReplicaFindings } from '../health/replica-health.js';
import { readHistory } from '../metrics/history.js';
import { serverInfo, tableExists } from '../schema/introspect.js';
import { PoolMigrator } from '../schema/migrator.js';
import type { ConnectionSession } from './connection-session.js';
import { toConnectionProfile, type ProfileStore } from './profile-store.js';
import type { SandboxLauncher } from './sandbox-launcher.js';
import { listWorkers } from '../workers/worker-list.js';
import { releaseWorkerLeases } from '../workers/release-leases.js';
import { applyBulkAction, previewBulkAction } from '../pool/bulk-action.js';

export interface HandlerContext {
  session: ConnectionSession;
  profiles: ProfileStore;
  sandbox: SandboxLauncher | null;
  info: AppInfo;
  logs: { recent(limit: number): LogLine[] };
  progress: (event: ProgressEvent) => void;
  /** Who is asking, for the audit log. */
  actor: string;
  /** The live sampler's samples of the last hour, oldest first. */
  recentSamples: () => StatsSample[];
  /** Aborted when the caller cancels this call; long operations check it between steps/batches. */
  signal?: AbortSignal;
}

type Handlers = { [N in OperationName]: (input: ParsedInputOf<N>, context: HandlerContext) => Promise<ResultOf<N>> };

const audit = (context: HandlerContext, reason: string | undefined): AuditContext => ({ actor: context.actor, reason });

/** One handler per contract operation; the table in shared/contract.ts says what each takes. */
export const HANDLERS: Handlers = {
  'app.info': async (_input, { info }) => info,
  'app.logs': async ({ limit }, { logs }) => logs.recent(limit),

  'profiles.list': async (_input, { profiles }) => profiles.list(),
  'profiles.save': async ({ profile, password }, { profiles }) => profiles.save(profile, password),
  'profiles.delete': async ({ name }, { profiles }) => ({ deleted: await profiles.delete(name) }),
  'profiles.setPassword': async ({ name, password }, { profiles }) => profiles.setPassword(name, password),

  'connection.test': async (input, { profiles }) => {
    const profile = 'profile' in input
      ? (await profiles.connectionProfile(input.profile)).connection
      : toConnectionProfile(input.draft, input.password ?? '');
    const db = new Database(profile, { poolMax: 1 });
    try {
      const started = performance.now();
      const info = await serverInfo(db);
      const roundTripMs = performance.now() - started;
      return { serverVersion: info.version, flavour: info.flavour, roundTripMs, bookingPlan: await tableExists(db, 'BOOKING_PLAN') };
    } finally {
      await db.close();
    }
  },
  'connection.connect': async (input, context) => {
    if ('profile' in input) {
      const { saved, connection } = await context.profiles.connectionProfile(input.profile);
      return context.session.connect(saved, connection);
    }
    if (!context.sandbox) throw new PoolError('UNREACHABLE', 'The local sandbox is not available in this console.');
    const sandbox = await context.sandbox.open((message) => context.progress({ operation: 'connection', message }));
    return context.session.connect(sandbox.saved, sandbox.profile, { sandbox: true });
  },
  'connection.disconnect': async (_input, { session }) => session.disconnect(),
  'connection.current': async (_input, { session }) => session.state,

  'pool.stats': async (input, { session }) => session.readFromReplica((pool) => pool.getPoolStats(input)),
  'pool.latency': async (_input, { session }) => session.latency.summary(),
  'stats.recent': async (_input, { recentSamples }) => recentSamples(),
  'history.read': async (input, { session }) => session.readFromReplica((_pool, db) => readHistory(db, input)),

  'alerts.overview': async (_input, { session }) => alertOverview(session.require().db),
  'alerts.events': async (input, { session }) => readAlertEvents(session.require().db, input),
  'alerts.rules.update': async ({ reason, ...change }, context) => updateAlertRule(context.session.require().db, { ...change, reason, actor: context.actor }),

  'pool.pauseState': async (_input, { session }) => pauseState(session.require().db),
  'pool.pause': async (input, context) => pause(context.session.require().db, { ...input, actor: context.actor }),
  'pool.resume': async (input, context) => resume(context.session.require().db, { ...input, actor: context.actor }),

  'workers.list': async (input, { session }) => listWorkers(session.require().db, input),
  'workers.release.preview': async ({ ownerId }, { session }) => (await releaseWorkerLeases(session.require().db, { ownerId, dryRun: true })).preview,
  'workers.release': async ({ ownerId, reason, force }, context) =>
    releaseWorkerLeases(context.session.require().db, { ownerId, reason, force, actor: context.actor }),
  'recorder.state': async (_input, { session }) => session.recorderState(),

  'entries.list': async (input, { session }) => session.readFromReplica((pool) => pool.getAllPoolEntries(input)),
  'entries.detail': async ({ bookingId }, { session }) => session.require().entries.detail(bookingId),
  'entries.retry': async ({ bookingId, reason }, context) => context.session.require().entries.retry(bookingId, audit(context, reason)),
  'entries.reset': async ({ bookingId, reason }, context) => context.session.require().entries.reset(bookingId, audit(context, reason)),
  'entries.remove': async ({ bookingId, reason }, context) => context.session.require().entries.remove(bookingId, audit(context, reason)),
  'entries.bulk.preview': async (input, { session }) => previewBulkAction(session.require().db, input),
  'entries.bulk.apply': async ({ reason, ...input }, context) =>
    cancellable(context, 'bulk', (signal) => applyBulkAction(context.session.require().db, input, {
      audit: audit(context, reason),
      // no total: the cap bounds the run, it does not say how many will change
      onBatch: (done) => context.progress({ operation: 'bulk', message: `${input.action}: ${done} entries changed (at most ${input.cap} this run)`, done }),
      signal,
    })),

  'maintenance.cleanup.preview': async (input, { session }) => {
    const preview = await session.require().manager.cleanupInconsistentPoolStates({ ...input, dryRun: true });
    if (!preview.dryRun) throw new PoolError('INTERNAL', 'a cleanup preview changed data');
    return preview;
  },
  'maintenance.cleanup.apply': async ({ confirm, reason, ...rules }, context) => {
    const active = context.session.require();
    if (confirm !== active.db.profile.database) {
      throw new PoolError('INVALID_INPUT', `To apply the cleanup, confirm with the database's name '${active.db.profile.database}'. Nothing was changed.`);
    }
    const applied = await cancellable(context, 'cleanup', (signal) => active.manager.cleanupInconsistentPoolStates({
      ...rules,
      dryRun: false,
      audit: audit(context, reason),
      onProgress: ({ rule, fixed }) => context.progress({ operation: 'cleanup', message: `${rule}: ${fixed} fixed`, done: fixed }),
      signal,
    }));
    if (applied.dryRun) throw new PoolError('INTERNAL', 'a cleanup apply did not run');
    return applied;
  },
  'maintenance.validate': async (_input, { session }) => session.require().manager.validatePoolDataIntegrity(),
  'maintenance.retryFailed': async ({ reason, ...options }, context) =>
    cancellable(context, 'retry', (signal) => context.session.require().pool.retryFailedEntries({
      ...options,
      audit: audit(context, reason),
      onBatch: (done) => context.progress({ operation: 'retry', message: `${done} failed entries retried`, done }),
      signal,
    })),
  'maintenance.retryFailed.preview': async (input, { session }) => session.require().pool.previewRetryFailed(input),
  'maintenance.resetStuck.preview': async (input, { session }) => session.require().pool.previewResetStuck(input),
  'maintenance.resetStuck': async ({ reason, olderThanSeconds }, context) =>
    cancellable(context, 'reset', (signal) => context.session.require().pool.resetStuckProcessing({
      olderThanSeconds,
      audit: audit(context, reason),
      onBatch: (done) => context.progress({ operation: 'reset', message: `${done} leases reset`, done }),
      signal,
    })),

  'migrations.status': async (_input, { session }) => session.require().manager.getMigrationStatus(),
  'migrations.plan': async ({ direction, to }, { session }) => {
    return new PoolMigrator(session.require().db).plan(direction, { to });
  },
  'migrations.up': async ({ to, reason }, context) => migrate(context, 'up', to, reason),
  'migrations.down': async ({ to, reason }, context) => migrate(context, 'down', to, reason),
  'migrations.lockHolder': async (_input, { session }) => {
    return new PoolMigrator(session.require().db).lockHolder();
  },

  'indexes.health': async (_input, { session }) => indexHealth(session.require().db),
  'indexes.ensure.preview': async (_input, { session }) => (await session.require().manager.ensurePoolIndexes({ dryRun: true })).plans,
  'indexes.ensure.apply': async ({ reason }, context) =>
    (await cancellable(context, 'migrations', (signal) => context.session.require().manager.ensurePoolIndexes({
      dryRun: false,
      audit: audit(context, reason),
      onProgress: migrationProgress(context),
      signal,
    }))).plans,

  'import.preview': async ({ snapshot }, { session }) => {
    const preview = await session.require().manager.migrateMemoryPoolToDatabase(snapshot, { dryRun: true });
    if (!preview.dryRun) throw new PoolError('INTERNAL', 'an import preview changed data');
    return preview;
  },
  'import.apply': async ({ snapshot, reason }, context) => {
    const applied = await cancellable(context, 'import', (signal) => context.session.require().manager.migrateMemoryPoolToDatabase(snapshot, {
      dryRun: false,
      audit: audit(context, reason),
      onProgress: (p) => context.progress({ operation: 'import', message: `batch ${p.batch} of ${p.batches}`, done: p.processed, total: p.total }),
      signal,
    }));
    if (applied.dryRun) throw new PoolError('INTERNAL', 'an import apply did not run');
    return applied;
  },

  'audit.list': async (input, { session }) => session.require().pool.audit.list(input),

  // within the status deadline whatever the database does (connection-session.ts)
  'system.status': async (_input, { session }) => session.systemStatus(async (active) => withReplicaFindings(await active.startup.getSystemStatus(), active.replica?.report ?? null)),
  'system.validate': async (_input, { session }) => session.require().startup.validatePoolSystem(),
};

async function migrate(context: HandlerContext, direction: 'up' | 'down', to: string | undefined, reason: string | undefined) {
  return cancellable(context, 'migrations', (signal) =>
    context.session.require().manager.migrate(direction, { to, audit: audit(context, reason), onProgress: migrationProgress(context), signal }),
  );
}

function migrationProgress(context: HandlerContext) {
  return (p: MigrationProgress) =>
    context.progress({ operation: 'migrations', message: `${p.direction} ${p.migration}: ${p.summary}`, done: p.position, total: p.total });
}

/**
 * Runs a long write with the caller's cancel (honoured between batches or migrations). A cancelled
 * run's last progress event is its CANCELLED message (what it did, its audit row); the call fails with it.
 */
async function cancellable<T>(context: HandlerContext, operation: ProgressEvent['operation'], work: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  try {
    return await work(context.signal);
  } catch (error) {
    // The message ("Cancelled after 2,000 of the matching rows; audit #17 …") carries the count; no `done`,
    // as the progress events' own `done` counts other things for some operations (entries read, migration position).
    if (isCancelled(error)) context.progress({ operation, message: error.message });
    throw error;
  }
}
