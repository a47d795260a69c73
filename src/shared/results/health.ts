import type { ErrorCode } from '../errors.js';
import type { PoolStats } from './pool.js';

/* What index health, the hot-query plans and the start-up manager return. */

export type Verdict = 'good' | 'warn' | 'bad';

/** A statement the pool runs often enough that its plan matters; the repository's own SQL text. */
export interface HotQuery {
  name: string;
  label: string;
  sql: string;
  replacements: Record<string, unknown>;
  /** The most rows it returns or changes: its LIMIT, or 1 for the stats aggregate. */
  rowsReturned: number;
  /** A page whose ORDER BY must come from the index: a sort would read every matching row. */
  ordered: boolean;
  /** Expected index names (MIGRATIONS) whose columns should serve it; any present index starting with them will do. */
  servedBy: string[];
  /** Appended to `sql` by the repository; EXPLAINed without it if the server refuses. */
  lockingClause?: string;
  /**
   * Small tables of a fixed size it reads whole through their own key (the event counters: 7
   * events × 16 shards): such a read is the plan, not a missing index, so it is not judged.
   */
  readsWhole?: { table: string; key: string }[];
}

/** One read of a base table in a plan. */
export interface PlanTable {
  table: string;
  accessType: string;
  key: string | null;
  /** The optimizer's estimate of rows read per scan (MariaDB `rows`, MySQL `rows_examined_per_scan`). */
  rows: number | null;
}

/** What a plan says, whichever server wrote it. */
export interface PlanFacts {
  tables: PlanTable[];
  filesort: boolean;
  temporary: boolean;
  /** Optimizer notes such as "Impossible WHERE", from plans that read no table. */
  messages: string[];
}

export interface HotQueryPlan {
  name: string;
  label: string;
  sql: string;
  /** The index of the (first) base-table read, null when none is used. */
  indexUsed: string | null;
  /** Every index the plan reads, in plan order (the stats statement reads several). */
  indexes: string[];
  /** The worst access type among the base-table reads. */
  accessType: string | null;
  /** The optimizer's estimate, summed over base-table reads. An ordered page without a sort stops at its LIMIT. */
  rowsExamined: number | null;
  rowsReturned: number;
  filesort: boolean;
  temporary: boolean;
  verdict: Verdict;
  reason: string;
  /** The server refused EXPLAIN of the locking read, so the same read without FOR UPDATE was explained. */
  explainedWithoutLocking: boolean;
  explain: unknown;
}

export interface ExpectedIndexHealth {
  name: string;
  columns: string[];
  purpose: string;
  /** present: under its own name; served: another index starts with its columns; missing: neither. */
  state: 'present' | 'served' | 'missing';
  servedBy: string | null;
  note: string | null;
}

export interface PresentIndexHealth {
  name: string;
  columns: string[];
  unique: boolean;
  /** Touches a POOL_ column: only these are judged for duplicates and redundancy. */
  pool: boolean;
  /** Pages × page size from InnoDB's persistent statistics; null when they cannot be read. */
  sizeBytes: number | null;
  /** Another index with exactly the same columns, which this one copies. */
  duplicateOf: string | null;
  /** Wider indexes that start with all of this one's columns, and so serve every query it serves. */
  prefixOf: string[];
}

export interface IndexHealth {
  table: string;
  /** The database's clock when the report was read. */
  checkedAt: Date;
  expected: ExpectedIndexHealth[];
  present: PresentIndexHealth[];
  missing: string[];
  duplicates: { index: string; sameAs: string }[];
  redundant: { index: string; prefixOf: string[] }[];
  sizes: { available: boolean; note: string | null };
  queries: HotQueryPlan[];
}

export interface IntegritySummary {
  passed: boolean;
  rules: { id: string; count: number }[];
}

/** What start-up (initializePoolSystem) did. */
export interface StartupReport {
  actor: string;
  leaseTimeoutSeconds: number;
  /** Processing entries whose lease had expired, put back to waiting. */
  stuckReset: number;
  integrity: IntegritySummary;
}

/** One check of validatePoolSystem. */
export interface SystemCheck {
  check: string;
  ok: boolean;
  detail: string;
  /** The error's code when the check could not run. */
  code?: ErrorCode;
}


export type SystemState = 'healthy' | 'degraded' | 'down';

/** Why the pool is down: the console cannot use the database at all. */
export const DOWN_REASON_CODES = ['unreachable', 'not-responding', 'auth-refused', 'no-database', 'no-table', 'no-pool-columns'] as const;
/** Why the pool is degraded: it works, but something needs an operator. */
export const DEGRADED_REASON_CODES = [
  'migrations-pending', 'schema-drift', 'expired-leases', 'failed-at-max', 'integrity', 'deadline-risk', 'slow-plan', 'check-incomplete', 'paused', 'alert-firing',
  // the profile's read replica (replica-health.ts): reads still work, from the primary
  'replica-unreachable', 'replica-stopped', 'replica-error', 'replica-lag', 'replica-lag-unknown',
  'galera-node',
] as const;
export type HealthReasonCode = (typeof DOWN_REASON_CODES)[number] | (typeof DEGRADED_REASON_CODES)[number];

/** One reason, rendered the same by the banner, the CLI and Maintenance: a stable code, a message, the count. */
export interface HealthReason {
  code: HealthReasonCode;
  severity: 'down' | 'degraded';
  message: string;
  count?: number;
  /** Names that belong to the reason: pending migrations, missing columns, rule ids. */
  items?: string[];
}

export interface SystemStatus {
  state: SystemState;
  /** The findings' messages, in order (kept for callers that show lines). */
  reasons: string[];
  /** Each reason with its code, severity and count; `reasons` are their messages. */
  findings: HealthReason[];
  /** The database's clock; the workstation's only when the database cannot be asked. */
  checkedAt: Date;
  stats?: PoolStats;
}
