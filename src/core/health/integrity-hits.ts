import type { Database } from '../db/database.js';
import { cleanupRules } from '../maintenance/cleanup-rules.js';
import type { PoolColumns } from '../schema/pool-columns.js';

/** Counting stops here per rule: the banner needs "there are some", the Maintenance page the exact count. */
export const INTEGRITY_BOUND = 1000;

export interface IntegrityHits {
  /** Rows per rule, each at most INTEGRITY_BOUND. */
  rules: { id: string; count: number; bounded: boolean }[];
}

/**
 * How many rows each cleanup rule finds now, each count stopped at INTEGRITY_BOUND: one statement,
 * so the health check stays cheap on a large pool however bad the data is.
 */
export async function integrityHits(db: Database, columns: PoolColumns, options: { now: Date; leaseSeconds: number }): Promise<IntegrityHits> {
  const rules = cleanupRules(columns);
  const [row] = await db.select<Record<string, number | string>>(
    'health.integrity',
    `SELECT ${rules.map((rule, i) => `(SELECT COUNT(*) FROM (SELECT 1 FROM BOOKING_PLAN WHERE ${rule.condition} LIMIT ${INTEGRITY_BOUND}) r${i}) AS r${i}`).join(',\n       ')}`,
    { replacements: { now: options.now, leaseTimeoutSeconds: options.leaseSeconds } },
  );
  return {
    rules: rules.map((rule, i) => {
      const count = Number(row?.[`r${i}`] ?? 0);
      return { id: rule.id, count, bounded: count >= INTEGRITY_BOUND };
    }),
  };
}
