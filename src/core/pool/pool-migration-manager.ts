import { AuditLog, type AuditContext } from '../audit/audit-log.js';
import type { Database } from '../db/database.js';
import { applyCleanup, previewCleanup, validateIntegrity } from '../maintenance/cleanup.js';
import { applyLegacyImport, previewLegacyImport, type LegacyImportProgress } from '../maintenance/legacy-import.js';
import { listColumns, listIndexes, tableExists } from '../schema/introspect.js';
import { PoolMigrator, type MigrationProgress } from '../schema/migrator.js';
import { forgetPoolColumns, poolColumns } from '../schema/pool-columns.js';
import { schemaReport } from '../schema/schema-report.js';
import { MIGRATIONS } from '../../../migrations/index.js';
import { readPoolStats } from './pool-stats.js';
import type { MigrationOverview, SchemaDrift } from '../../shared/results/schema.js';

export type { MigrationOverview, SchemaDrift } from '../../shared/results/schema.js';

const INDEX_MIGRATION = '0004-pool-indexes';

export interface OperatorWrite {
  /** Preview by default: nothing changes unless dryRun is false. */
  dryRun?: boolean;
  audit?: AuditContext;
}

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
    const result = await this.audit.audited('import.memory-pool', { context: options.audit, parameters: {} }, async (progress) => {
      const applied = await applyLegacyImport(this.db, snapshot, { progress, onProgress: options.onProgress });
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
    const result = await this.audit.audited('maintenance.cleanup', { context: options.audit, parameters: { rules: rules ?? 'all', leaseTimeoutSeconds } }, async (progress) => {
      const applied = await applyCleanup(this.db, { rules, leaseTimeoutSeconds, progress, onProgress: options.onProgress });
      return { ...applied, affectedRows: applied.total };
    });
    return { dryRun: false as const, ...result };
  }

  /** The cleanup rules, read-only, with a pass/fail summary. */
  async validatePoolDataIntegrity(options: { leaseTimeoutSeconds?: number } = {}) {
    return validateIntegrity(this.db, options);
  }

  /** Creates the pool's indexes through the migrations (never ad-hoc DDL); previews by default. */
  async ensurePoolIndexes(options: OperatorWrite = {}) {
    const migrator = new PoolMigrator(this.db);
    const pending = (await migrator.status()).pending.map((migration) => migration.name);
    if (!pending.includes(INDEX_MIGRATION)) return { dryRun: options.dryRun !== false, plans: [] };
    if (options.dryRun !== false) return { dryRun: true, plans: await migrator.plan('up', { to: INDEX_MIGRATION }) };
    return { dryRun: false, plans: await this.migrate('up', { to: INDEX_MIGRATION, audit: options.audit }) };
  }

  /** Runs migrations up or down, recorded in the audit log whenever the audit table exists afterwards. */
  async migrate(direction: 'up' | 'down', options: { to?: string; audit?: AuditContext; onProgress?: (p: MigrationProgress) => void } = {}) {
    const migrator = new PoolMigrator(this.db, { onProgress: options.onProgress });
    const record = async (outcome: 'ok' | 'error', affectedRows: number, reason?: string) => {
      if (!(await tableExists(this.db, 'POOL_AUDIT_LOG'))) return;
      await this.audit.record({ action: `migrations.${direction}`, context: options.audit, parameters: { to: options.to ?? null }, affectedRows, outcome, reason });
    };
    try {
      const plans = direction === 'up' ? await migrator.up({ to: options.to }) : await migrator.down({ to: options.to });
      await record('ok', plans.length, options.audit?.reason ?? plans.map((plan) => plan.name).join(', '));
      return plans;
    } catch (error) {
      await record('error', 0, `failed: ${error instanceof Error ? error.message : String(error)}`).catch(() => undefined);
      throw error;
    }
  }

  /** Applied and pending migrations, schema drift, the lock holder and counts by status. */
  async getMigrationStatus(): Promise<MigrationOverview> {
    const migrator = new PoolMigrator(this.db);
    const [status, lockHolder, report] = await Promise.all([migrator.status(), migrator.lockHolder(), schemaReport(this.db)]);
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
    return { ...status, lockHolder, drift, countsByStatus, countsNote };
  }
}
