import { AuditLog, type AuditContext, type AuditCounter } from '../audit/audit-log.js';
import { AUDIT_TABLE } from '../audit/audit-run.js';
import { isCancelled } from '../audit/cancel.js';
import { PoolError } from '../../shared/errors.js';
import { isValidReason, REASON_HINT } from '../../shared/results/audit.js';
import type { Database } from '../db/database.js';
import { applyCleanup, previewCleanup, validateIntegrity } from '../maintenance/cleanup.js';
import { applyLegacyImport, previewLegacyImport, type LegacyImportProgress } from '../maintenance/legacy-import.js';
import { listColumns, listIndexes, tableExists } from '../schema/introspect.js';
import { PoolMigrator, type MigrationPlan, type MigrationProgress } from '../schema/migrator.js';
import { forgetPoolColumns, poolColumns } from '../schema/pool-columns.js';
import { schemaReport } from '../schema/schema-report.js';
import { MIGRATIONS } from '../../../migrations/index.js';
import { readPoolStats } from './pool-stats.js';
import { galeraDdlWarning } from '../schema/galera-ddl.js';
import type { MigrationOverview, SchemaDrift } from '../../shared/results/schema.js';

export type { MigrationOverview, SchemaDrift } from '../../shared/results/schema.js';

const INDEX_MIGRATION = '0004-pool-indexes';

export interface OperatorWrite {
  /** Preview by default: nothing changes unless dryRun is false. */
  dryRun?: boolean;
  audit?: AuditContext;
  /**
   * The caller's cancel, honoured between batches (between migrations for a schema change): the
   * call fails CANCELLED, what was done stays done and its audit row says `cancelled` with the count.
   */
  signal?: AbortSignal;
}

const IMPORT_DONE = {
  done: (count: number) => `${count.toLocaleString('en-US')} ${count === 1 ? 'entry' : 'entries'} added to the pool`,
  rest: 'The rest of the file was not imported; importing the same file again adds it (entries already pooled are kept).',
};

const MIGRATIONS_DONE = {
  done: (count: number) => `${count} migration${count === 1 ? '' : 's'}`,
  rest: 'Each one done is complete and journalled; the rest were not started.',
};

/**
 * The operator's side of the pool's data: legacy import, cleanup, integrity, schema migrations.
 * Every apply is previewed by default and leaves one audit row.
 */
export class PoolMigrationManager {
  private readonly audit: AuditLog;

  constructor(private readonly db: Database) {
    this.audit = new AuditLog(db);
  }

  /** Imports a legacy memory-pool export (JSON text or parsed): preview, or apply idempotently. */
  async migrateMemoryPoolToDatabase(snapshot: unknown, options: OperatorWrite & { onProgress?: (progress: LegacyImportProgress) => void } = {}) {
    if (options.dryRun !== false) return { dryRun: true as const, ...(await previewLegacyImport(this.db, snapshot)) };
    const { signal } = options;
    const result = await this.audit.audited('import.memory-pool', { context: options.audit, parameters: {}, signal, done: IMPORT_DONE }, async (counter) => {
      const applied = await applyLegacyImport(this.db, snapshot, { counter, onProgress: options.onProgress, signal });
      return { ...applied, affectedRows: applied.added };
    });
    return { dryRun: false as const, ...result };
  }

  /** Named cleanup rules: counts and samples (preview), or set-based batched fixes (apply). */
  async cleanupInconsistentPoolStates(
    options: OperatorWrite & { rules?: string[]; leaseTimeoutSeconds?: number; onProgress?: (p: { rule: string; fixed: number }) => void } = {},
  ) {
    const { rules, leaseTimeoutSeconds } = options;
    if (options.dryRun !== false) return { dryRun: true as const, ...(await previewCleanup(this.db, { rules, leaseTimeoutSeconds })) };
    const { signal } = options;
    const result = await this.audit.audited('maintenance.cleanup', { context: options.audit, parameters: { rules: rules ?? 'all', leaseTimeoutSeconds }, signal }, async (counter) => {
      const applied = await applyCleanup(this.db, { rules, leaseTimeoutSeconds, counter, onProgress: options.onProgress, signal });
      return { ...applied, affectedRows: applied.total };
    });
    return { dryRun: false as const, ...result };
  }

  /** The cleanup rules, read-only, with a pass/fail summary. */
  async validatePoolDataIntegrity(options: { leaseTimeoutSeconds?: number } = {}) {
    return validateIntegrity(this.db, options);
  }

  /** Creates the pool's indexes through the migrations (never ad-hoc DDL); previews by default. */
  async ensurePoolIndexes(options: OperatorWrite & { onProgress?: (p: MigrationProgress) => void } = {}) {
    const migrator = new PoolMigrator(this.db);
    const pending = (await migrator.status()).pending.map((migration) => migration.name);
    if (!pending.includes(INDEX_MIGRATION)) return { dryRun: options.dryRun !== false, plans: [] };
    if (options.dryRun !== false) return { dryRun: true, plans: await migrator.plan('up', { to: INDEX_MIGRATION }) };
    const { audit, signal, onProgress } = options;
    return { dryRun: false, plans: await this.migrate('up', { to: INDEX_MIGRATION, audit, signal, onProgress }) };
  }

  /**
   * Runs migrations up or down under a journal row (see AuditLog.audited). Its count is
   * migrations applied or reverted, not rows or DDL steps: a step's DDL commits implicitly and
   * cannot share a transaction with anything, but each migration's bookkeeping row can, so the
   * count is raised with that row and always equals what POOL_CONSOLE_MIGRATIONS says was done.
   * A migration killed between its DDL and its bookkeeping row is not counted, and is not
   * recorded as applied either: its re-run adopts what the killed one created.
   *
   * Where there is no audit table to journal in, the run cannot be journalled: up from nothing
   * runs the audit table's migration first, then journals the rest; a down that reverts the audit
   * table (which it only does while the table is empty) leaves no row, as before.
   */
  async migrate(direction: 'up' | 'down', options: { to?: string; audit?: AuditContext; onProgress?: (p: MigrationProgress) => void; signal?: AbortSignal } = {}) {
    if (!isValidReason(options.audit?.reason)) {
      throw new PoolError('INVALID_INPUT', `A reason is required for migrations.${direction}: ${REASON_HINT} Nothing was changed.`, { field: 'reason' });
    }
    const { signal } = options;
    const run = (to: string | undefined, counter?: AuditCounter) => {
      const migrator = new PoolMigrator(this.db, { onProgress: options.onProgress, counter, signal });
      return direction === 'up' ? migrator.up({ to }) : migrator.down({ to });
    };
    const selection = await new PoolMigrator(this.db).selection(direction, { to: options.to });
    const first = MIGRATIONS[0]!.name;
    const before: MigrationPlan[] = [];
    if (direction === 'down' && selection.includes(first)) return run(options.to);
    if (direction === 'up' && selection[0] === first && !(await tableExists(this.db, AUDIT_TABLE))) {
      before.push(...(await run(first)));
      if (selection.length === 1) return before;
    }
    try {
      const journalled = await this.audit.audited(`migrations.${direction}`, { context: options.audit, parameters: { to: options.to ?? null }, signal, done: MIGRATIONS_DONE }, (counter) =>
        run(options.to, counter),
      );
      return [...before, ...journalled];
    } catch (error) {
      // Cancelled right after the unjournalled audit-table migration: say that one was done.
      if (before.length === 0 || !isCancelled(error) || error.details?.auditId !== undefined) throw error;
      throw new PoolError('CANCELLED', `Cancelled after ${first} (it creates the audit table, so it has no audit row); the rest were not started.`, { done: before.length }, { cause: error });
    }
  }

  /** Applied and pending migrations, schema drift, the lock holder and counts by status. */
  async getMigrationStatus(): Promise<MigrationOverview> {
    const migrator = new PoolMigrator(this.db);
    const [status, lockHolder, report, clusterWarning] = await Promise.all([migrator.status(), migrator.lockHolder(), schemaReport(this.db), galeraDdlWarning(this.db)]);
    const expectedColumns = new Set(MIGRATIONS.flatMap((m) => m.expects.columns ?? []).map((c) => c.name.toLowerCase()));
    const expectedIndexes = new Set(MIGRATIONS.flatMap((m) => m.expects.indexes ?? []).map((i) => i.name.toLowerCase()));
    const columns = report.bookingPlan ? await listColumns(this.db, 'BOOKING_PLAN') : [];
    const indexes = report.bookingPlan ? await listIndexes(this.db, 'BOOKING_PLAN') : [];
    const drift: SchemaDrift = {
      missingColumns: report.columns.filter((c) => !c.present).map((c) => c.name),
      missingIndexes: report.indexes.filter((i) => !i.servedBy).map((i) => i.name),
      missingTables: report.tables.filter((t) => !t.present).map((t) => t.name),
      unexpectedColumns: columns.filter((c) => /^POOL_/i.test(c.name) && !expectedColumns.has(c.name.toLowerCase())).map((c) => c.name),
      unexpectedIndexes: indexes
        .filter((i) => i.columns.some((c) => /^POOL_/i.test(c)) && !expectedIndexes.has(i.name.toLowerCase()))
        .map((i) => ({ name: i.name, columns: i.columns })),
    };
    // Counted whenever the four pool columns are there: the lease, mode and error columns are not needed for it.
    forgetPoolColumns(this.db);
    const pool = await poolColumns(this.db);
    const countable = pool.table && pool.missingCore.length === 0;
    const countsByStatus = countable ? (await readPoolStats(this.db, { leaseSeconds: 3600, maxAttempts: 3 })).byStatus : null;
    const countsNote = countable
      ? null
      : !pool.table
        ? 'Not counted: table BOOKING_PLAN is missing.'
        : `Not counted: BOOKING_PLAN lacks the pool column${pool.missingCore.length === 1 ? '' : 's'} ${pool.missingCore.join(', ')}. Run the pending migrations first.`;
    return { ...status, lockHolder, drift, countsByStatus, countsNote, ...(clusterWarning ? { clusterWarning } : {}) };
  }
}
