import { MIGRATIONS } from '../../../migrations/index.js';
import { PoolError } from '../../shared/errors.js';
import type { HealthReason, SystemStatus } from '../../shared/results/health.js';
import type { PoolStats } from '../../shared/results/pool.js';
import { firingAlerts } from '../alerts/alert-events.js';
import { pauseState } from '../control/pool-control.js';
import type { Database } from '../db/database.js';
import { describeExpiredLease } from '../pool/conditions.js';
import { readPoolStats } from '../pool/pool-stats.js';
import { expectedTables } from '../schema/migration-kit.js';
import { PoolMigrator } from '../schema/migrator.js';
import { noPoolColumns, poolColumns } from '../schema/pool-columns.js';
import { schemaReport } from '../schema/schema-report.js';
import { galeraFindings } from './galera-health.js';
import * as why from './health-reasons.js';
import { indexHealth } from './index-health.js';
import { integrityHits } from './integrity-hits.js';

export type { HealthReason, SystemStatus } from '../../shared/results/health.js';

export interface PoolHealthOptions {
  /** A processing entry whose lease is older than this has an expired lease (default 3600 s). */
  leaseSeconds: number;
  /** Failed entries with this many attempts are failed for good (default 3). */
  maxAttempts: number;
  /** Explain the hot queries too (slower; the CLI and the banner do, the sampler would not). */
  plans?: boolean;
}

/** The verdict from the reasons: down if any reason is, degraded if any, healthy otherwise. */
export function judge(findings: HealthReason[], checkedAt: Date, stats?: PoolStats): SystemStatus {
  const state = findings.some((f) => f.severity === 'down') ? 'down' : findings.length > 0 ? 'degraded' : 'healthy';
  return { state, reasons: findings.map((f) => f.message), findings, checkedAt, ...(stats ? { stats } : {}) };
}

/** A classified failure as the reason it is: down for an outage, "check incomplete" otherwise; bugs are thrown. */
function asReason(error: unknown): HealthReason {
  if (!(error instanceof PoolError)) throw error;
  return why.downReasonFor(error.code, error.message) ?? why.checkIncomplete(error.message);
}

/** Objects an applied migration expects that are not there: drift, not a pending migration. */
async function driftOf(db: Database, applied: Set<string>): Promise<string[]> {
  const report = await schemaReport(db);
  const missing: string[] = [];
  for (const migration of MIGRATIONS.filter((m) => applied.has(m.name))) {
    const { expects } = migration;
    for (const column of expects.columns ?? []) if (!report.columns.find((c) => c.name === column.name)?.present) missing.push(column.name);
    for (const index of expects.indexes ?? []) if (!report.indexes.find((i) => i.name === index.name)?.servedBy) missing.push(index.name);
    for (const table of expectedTables(expects)) if (!report.tables.find((t) => t.name === table)?.present) missing.push(table);
  }
  return missing;
}

/**
 * The pool's health: down | degraded | healthy, with reasons. The one model behind the Overview
 * banner, `system.status`, `pool-console status` and Maintenance. Down whenever the database cannot
 * be used (never an empty, healthy pool); degraded when it works but needs an operator.
 */
export async function readPoolHealth(db: Database, options: PoolHealthOptions): Promise<SystemStatus> {
  let checkedAt: Date;
  try {
    const [clock] = await db.select<{ now: Date }>('status.clock', 'SELECT UTC_TIMESTAMP() AS now');
    checkedAt = clock?.now ?? new Date();
  } catch (error) {
    return judge([asReason(error)], new Date());
  }

  const findings: HealthReason[] = [];
  let stats: PoolStats | undefined;
  try {
    const columns = await poolColumns(db);
    if (!columns.table) {
      return judge([why.reason('no-table', 'down', `Table BOOKING_PLAN not found in database '${db.profile.database}': connect to the booking application's database.`)], checkedAt);
    }
    findings.push(...(await galeraFindings(db)));
    const migrations = await new PoolMigrator(db).status();
    if (columns.missingCore.length > 0) findings.push(asReason(noPoolColumns(db.profile.database, columns.missingCore)));
    if (migrations.pending.length > 0) findings.push(why.migrationsPending(migrations.pending.map((m) => m.name)));
    // A pause needs only POOL_CONTROL: an operator's switch, shown whatever else the schema lacks.
    const control = await pauseState(db);
    for (const pause of control.pauses) findings.push(why.paused(pause, control.measuredAt));
    // Alerts need only their own tables (migration 0009): one cheap read, the newest event per rule.
    for (const event of await firingAlerts(db)) findings.push(why.alertFiring(event));
    if (columns.missingCore.length > 0) return judge(findings, checkedAt);

    const drift = await driftOf(db, new Set(migrations.applied.map((m) => m.name)));
    if (drift.length > 0) findings.push(why.schemaDrift(drift));

    stats = await readPoolStats(db, { leaseSeconds: options.leaseSeconds, maxAttempts: options.maxAttempts });
    if (stats.expiredLeases > 0) findings.push(why.expiredLeases(stats.expiredLeases, describeExpiredLease(stats.leaseBasis, options.leaseSeconds)));
    if (stats.failedAtMaxAttempts > 0) findings.push(why.failedAtMax(stats.failedAtMaxAttempts, options.maxAttempts));
    if (stats.overdue > 0) findings.push(why.deadlineRisk(stats.overdue));

    const hits = await integrityHits(db, columns, { now: checkedAt, leaseSeconds: options.leaseSeconds });
    if (hits.rules.some((rule) => rule.count > 0)) findings.push(why.integrityFindings(hits.rules));

    if (options.plans ?? true) {
      const health = await indexHealth(db, { leaseSeconds: options.leaseSeconds, maxAttempts: options.maxAttempts });
      // Plans that cannot run before the migrations are the pending migrations' reason, not another.
      for (const plan of health.queries.filter((q) => q.verdict === 'bad' && q.explain !== null)) findings.push(why.slowPlan(plan.label, plan.reason));
    }
  } catch (error) {
    findings.push(asReason(error));
  }
  return judge(findings, checkedAt, stats);
}
