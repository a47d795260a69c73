import type { Database } from '../db/database.js';
import { isMissingTableError, optionalTablePresent, tableWentMissing } from '../schema/table-presence.js';
import type { PoolStats } from '../../shared/results/pool.js';
import { EVENT_COUNTS_TABLE } from './event-counts.js';
import { POOL_EVENTS, POOL_MODES, POOL_STATUSES, type PoolEvent, type PoolMode } from './pool-types.js';

export type { PoolStats } from '../../shared/results/pool.js';

type StatsRow = Record<string, number | string | Date | null>;

const count = (where: string) => `(SELECT COUNT(*) FROM BOOKING_PLAN WHERE ${where})`;
const NOW = 'UTC_TIMESTAMP()';

/**
 * The event totals, one column per event (ev_<event>): the 16 shards of each summed by one read of
 * the counters' primary key (EVENT, SHARD) in order, a hundred-odd rows whatever the pool's size.
 */
const EVENT_TOTALS = `
 CROSS JOIN (
   SELECT ${POOL_EVENTS.map((e) => `COALESCE(SUM(IF(ev = '${e}', n, 0)), 0) AS ev_${e}`).join(', ')}
     FROM (SELECT EVENT AS ev, SUM(TOTAL) AS n FROM ${EVENT_COUNTS_TABLE} GROUP BY EVENT) s) x`;

/**
 * One statement, so one consistent read: every subquery sees the same snapshot. Only plain index
 * range counts, no expression per row (that cost 80% of the time on 100k entries): status × mode
 * from one GROUP BY over idx_pool_mode (the range skips the unpooled rows, mode and status NULL),
 * time-based counts as ranges on idx_pool_claim (status, deadline) and idx_pool_lease. With
 * `eventTotals`, the running event totals too; without, for a schema that lacks their table.
 */
export function statsSql(eventTotals: boolean): string {
  return `
SELECT c.measuredAt, g.*, r.*${eventTotals ? ', x.*' : ''}
  FROM (SELECT ${NOW} AS measuredAt) c
 CROSS JOIN (
   SELECT COALESCE(SUM(n), 0) AS inPool,
          ${POOL_STATUSES.map((s) => `COALESCE(SUM(IF(st = '${s}', n, 0)), 0) AS ${s}`).join(', ')},
          ${POOL_MODES.map((m) => `COALESCE(SUM(IF(m = '${m}', n, 0)), 0) AS mode_${m}`).join(', ')}
     FROM (SELECT POOL_MODE AS m, POOL_STATUS AS st, COUNT(*) AS n FROM BOOKING_PLAN
            WHERE (POOL_MODE IS NULL AND POOL_STATUS IS NOT NULL) OR (POOL_MODE IS NOT NULL AND POOL_STATUS IS NOT NULL)
            GROUP BY POOL_MODE, POOL_STATUS) t) g
 CROSS JOIN (
   SELECT ${count(`POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME <= ${NOW}`)} AS waitingDue,
          ${count(`POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME = ${NOW}`)} AS waitingDueThisSecond,
          ${count(`POOL_STATUS = 'ready' AND POOL_DEADLINE_TIME < ${NOW}`)} AS readyOverdue,
          ${count(`POOL_STATUS = 'failed' AND POOL_DEADLINE_TIME < ${NOW}`)} AS failedOverdue,
          ${[1, 6, 24].map((hours) => `${count(`POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME > ${NOW} AND POOL_DEADLINE_TIME <= ${NOW} + INTERVAL ${hours} HOUR`)} AS within${hours}h`).join(',\n          ')},
          ${count(`POOL_STATUS = 'processing' AND (POOL_CLAIMED_AT IS NULL OR POOL_CLAIMED_AT < ${NOW} - INTERVAL :leaseSeconds SECOND)`)} AS expiredLeases,
          ${count(`POOL_STATUS = 'failed' AND COALESCE(POOL_PROCESSING_ATTEMPTS, 0) >= :maxAttempts`)} AS failedAtMaxAttempts,
          TIMESTAMPDIFF(SECOND, (SELECT MIN(t) FROM (
            ${POOL_STATUSES.map((s) => `SELECT MIN(POOL_ENTRY_TIME) AS t FROM BOOKING_PLAN WHERE POOL_STATUS = '${s}'`).join('\n            UNION ALL ')}) e), ${NOW}) AS oldestEntryAgeSeconds) r${eventTotals ? EVENT_TOTALS : ''}`;
}

/** The statement the stats read on a schema with the event counters (index health explains it). */
export const STATS_SQL = statsSql(true);

/**
 * The stats snapshot. Whether the counters' table is there is remembered per Database (see
 * table-presence.ts); should it have been dropped since, the statement is run again without it.
 */
async function readStatsRow(db: Database, options: { leaseSeconds: number; maxAttempts: number }): Promise<{ row: StatsRow | undefined; eventTotals: boolean }> {
  const eventTotals = await optionalTablePresent(db, EVENT_COUNTS_TABLE);
  try {
    const [row] = await db.select<StatsRow>('pool.stats', statsSql(eventTotals), { replacements: options });
    return { row, eventTotals };
  } catch (error) {
    if (!eventTotals || !isMissingTableError(error, EVENT_COUNTS_TABLE)) throw error;
    tableWentMissing(db, EVENT_COUNTS_TABLE);
    const [row] = await db.select<StatsRow>('pool.stats', statsSql(false), { replacements: options });
    return { row, eventTotals: false };
  }
}

export async function readPoolStats(db: Database, options: { leaseSeconds: number; maxAttempts: number }): Promise<PoolStats> {
  const { row, eventTotals } = await readStatsRow(db, options);
  if (!row) throw new Error('the stats query returned no row');
  const n = (key: string) => Number(row[key] ?? 0);
  const byMode = Object.fromEntries(POOL_MODES.map((mode) => [mode, n(`mode_${mode}`)])) as Record<PoolMode, number>;
  const withMode = POOL_MODES.reduce((sum, mode) => sum + byMode[mode], 0);
  return {
    measuredAt: row.measuredAt as Date,
    inPool: n('inPool'),
    byStatus: { waiting: n('waiting'), ready: n('ready'), processing: n('processing'), failed: n('failed') },
    eligibleNow: n('ready') + n('waitingDue'),
    // Overdue: the deadline has passed (strictly) and nobody is processing the entry.
    overdue: n('waitingDue') - n('waitingDueThisSecond') + n('readyOverdue') + n('failedOverdue'),
    expiredLeases: n('expiredLeases'),
    failedAtMaxAttempts: n('failedAtMaxAttempts'),
    oldestEntryAgeSeconds: row.oldestEntryAgeSeconds === null ? null : n('oldestEntryAgeSeconds'),
    byMode: { ...byMode, none: n('inPool') - withMode },
    deadlineWithin: { hour1: n('within1h'), hours6: n('within6h'), hours24: n('within24h') },
    eventTotals: eventTotals ? (Object.fromEntries(POOL_EVENTS.map((event) => [event, n(`ev_${event}`)])) as Record<PoolEvent, number>) : null,
  };
}
