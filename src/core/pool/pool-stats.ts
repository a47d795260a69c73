import type { Database } from '../db/database.js';
import type { PoolStats } from '../../shared/results/pool.js';
import { POOL_MODES, type PoolMode } from './pool-types.js';

export type { PoolStats } from '../../shared/results/pool.js';

type StatsRow = Record<string, number | string | Date | null>;

/**
 * One statement, so one consistent read: every subquery sees the same snapshot. Each part is
 * served by an index alone (status+deadline+entry, status+lease, mode+status); only failed rows,
 * few by nature, are read from the table for their attempts.
 */
export const STATS_SQL = `
SELECT c.measuredAt, a.*, b.expiredLeases, d.failedAtMaxAttempts, m.*
  FROM (SELECT UTC_TIMESTAMP() AS measuredAt) c
 CROSS JOIN (
   SELECT COUNT(*) AS inPool,
          COALESCE(SUM(POOL_STATUS = 'waiting'), 0) AS waiting,
          COALESCE(SUM(POOL_STATUS = 'ready'), 0) AS ready,
          COALESCE(SUM(POOL_STATUS = 'processing'), 0) AS processing,
          COALESCE(SUM(POOL_STATUS = 'failed'), 0) AS failed,
          COALESCE(SUM(POOL_STATUS = 'ready' OR (POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME <= UTC_TIMESTAMP())), 0) AS eligibleNow,
          COALESCE(SUM(POOL_STATUS IN ('waiting', 'ready', 'failed') AND POOL_DEADLINE_TIME < UTC_TIMESTAMP()), 0) AS overdue,
          COALESCE(SUM(POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME > UTC_TIMESTAMP() AND POOL_DEADLINE_TIME <= UTC_TIMESTAMP() + INTERVAL 1 HOUR), 0) AS hour1,
          COALESCE(SUM(POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME > UTC_TIMESTAMP() AND POOL_DEADLINE_TIME <= UTC_TIMESTAMP() + INTERVAL 6 HOUR), 0) AS hours6,
          COALESCE(SUM(POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME > UTC_TIMESTAMP() AND POOL_DEADLINE_TIME <= UTC_TIMESTAMP() + INTERVAL 24 HOUR), 0) AS hours24,
          TIMESTAMPDIFF(SECOND, MIN(POOL_ENTRY_TIME), UTC_TIMESTAMP()) AS oldestEntryAgeSeconds
     FROM BOOKING_PLAN WHERE POOL_STATUS IS NOT NULL) a
 CROSS JOIN (
   SELECT COUNT(*) AS expiredLeases FROM BOOKING_PLAN
    WHERE POOL_STATUS = 'processing' AND (POOL_CLAIMED_AT IS NULL OR POOL_CLAIMED_AT < UTC_TIMESTAMP() - INTERVAL :leaseSeconds SECOND)) b
 CROSS JOIN (
   SELECT COUNT(*) AS failedAtMaxAttempts FROM BOOKING_PLAN
    WHERE POOL_STATUS = 'failed' AND COALESCE(POOL_PROCESSING_ATTEMPTS, 0) >= :maxAttempts) d
 CROSS JOIN (
   SELECT ${POOL_MODES.map((mode) => `COALESCE(SUM(POOL_MODE = '${mode}'), 0) AS mode_${mode}`).join(', ')}
     FROM BOOKING_PLAN WHERE POOL_MODE IS NOT NULL AND POOL_STATUS IS NOT NULL) m`;

export async function readPoolStats(db: Database, options: { leaseSeconds: number; maxAttempts: number }): Promise<PoolStats> {
  const [row] = await db.select<StatsRow>('pool.stats', STATS_SQL, { replacements: options });
  if (!row) throw new Error('the stats query returned no row');
  const n = (key: string) => Number(row[key] ?? 0);
  const byMode = Object.fromEntries(POOL_MODES.map((mode) => [mode, n(`mode_${mode}`)])) as Record<PoolMode, number>;
  const withMode = POOL_MODES.reduce((sum, mode) => sum + byMode[mode], 0);
  return {
    measuredAt: row.measuredAt as Date,
    inPool: n('inPool'),
    byStatus: { waiting: n('waiting'), ready: n('ready'), processing: n('processing'), failed: n('failed') },
    eligibleNow: n('eligibleNow'),
    overdue: n('overdue'),
    expiredLeases: n('expiredLeases'),
    failedAtMaxAttempts: n('failedAtMaxAttempts'),
    oldestEntryAgeSeconds: row.oldestEntryAgeSeconds === null ? null : n('oldestEntryAgeSeconds'),
    byMode: { ...byMode, none: n('inPool') - withMode },
    deadlineWithin: { hour1: n('hour1'), hours6: n('hours6'), hours24: n('hours24') },
  };
}
