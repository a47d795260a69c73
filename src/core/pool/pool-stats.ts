import type { Database } from '../db/database.js';
import { ALL_POOL_COLUMNS, hasColumn, readWithPoolColumns, type PoolColumns } from '../schema/pool-columns.js';
import { isMissingTableError, optionalTablePresent, tableWentMissing } from '../schema/table-presence.js';
import type { PoolStats, UnavailableFigure } from '../../shared/results/pool.js';
import { expiredLeaseSql, failedAtMaxSql, leaseBasis } from './conditions.js';
import { EVENT_COUNTS_TABLE } from './event-counts.js';
import { POOL_EVENTS, POOL_MODES, POOL_STATUSES, type PoolEvent, type PoolMode, type PoolStatus } from './pool-types.js';

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

/** Counts by status and mode; without POOL_MODE (before migration 0003), by status alone. */
function statusModeCounts(columns: PoolColumns): string {
  const byMode = hasColumn(columns, 'POOL_MODE');
  const from = byMode
    ? `SELECT POOL_MODE AS m, POOL_STATUS AS st, COUNT(*) AS n FROM BOOKING_PLAN
            WHERE (POOL_MODE IS NULL AND POOL_STATUS IS NOT NULL) OR (POOL_MODE IS NOT NULL AND POOL_STATUS IS NOT NULL)
            GROUP BY POOL_MODE, POOL_STATUS`
    : `SELECT NULL AS m, POOL_STATUS AS st, COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS IS NOT NULL GROUP BY POOL_STATUS`;
  return `
   SELECT COALESCE(SUM(n), 0) AS inPool,
          ${POOL_STATUSES.map((s) => `COALESCE(SUM(IF(st = '${s}', n, 0)), 0) AS ${s}`).join(', ')},
          ${POOL_MODES.map((m) => `COALESCE(SUM(IF(m = '${m}', n, 0)), 0) AS mode_${m}`).join(', ')},
          ${POOL_MODES.flatMap((m) => POOL_STATUSES.map((s) => `COALESCE(SUM(IF(m = '${m}' AND st = '${s}', n, 0)), 0) AS ms_${m}_${s}`)).join(', ')}
     FROM (${from}) t`;
}

/**
 * One statement, so one consistent read: every subquery sees the same snapshot. Only plain index
 * range counts, no expression per row (that cost 80% of the time on 100k entries): status × mode
 * from one GROUP BY over idx_pool_mode (the range skips the unpooled rows, mode and status NULL),
 * time-based counts as ranges on idx_pool_claim (status, deadline) and idx_pool_lease. With
 * `eventTotals`, the running event totals too; without, for a schema that lacks their table.
 * The conditions come from conditions.ts, the ones reset-stuck, retry-failed and the rules use.
 */
export function statsSql(eventTotals: boolean, columns: PoolColumns = ALL_POOL_COLUMNS): string {
  return `
SELECT c.measuredAt, c.measuredAtMs, g.*, r.*${eventTotals ? ', x.*' : ''}
  FROM (SELECT ${NOW} AS measuredAt, UTC_TIMESTAMP(3) AS measuredAtMs) c
 CROSS JOIN (${statusModeCounts(columns)}) g
 CROSS JOIN (
   SELECT ${count(`POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME <= ${NOW}`)} AS waitingDue,
          ${count(`POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME = ${NOW}`)} AS waitingDueThisSecond,
          ${count(`POOL_STATUS = 'ready' AND POOL_DEADLINE_TIME < ${NOW}`)} AS readyOverdue,
          ${count(`POOL_STATUS = 'failed' AND POOL_DEADLINE_TIME < ${NOW}`)} AS failedOverdue,
          ${[1, 6, 24].map((hours) => `${count(`POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME > ${NOW} AND POOL_DEADLINE_TIME <= ${NOW} + INTERVAL ${hours} HOUR`)} AS within${hours}h`).join(',\n          ')},
          ${count(expiredLeaseSql(columns, { seconds: ':leaseSeconds' }))} AS expiredLeases,
          ${count(failedAtMaxSql(':maxAttempts'))} AS failedAtMaxAttempts,
          TIMESTAMPDIFF(SECOND, (SELECT MIN(t) FROM (
            ${POOL_STATUSES.map((s) => `SELECT MIN(POOL_ENTRY_TIME) AS t FROM BOOKING_PLAN WHERE POOL_STATUS = '${s}'`).join('\n            UNION ALL ')}) e), ${NOW}) AS oldestEntryAgeSeconds) r${eventTotals ? EVENT_TOTALS : ''}`;
}

/** The statement the stats read on a fully migrated schema (index health explains it). */
export const STATS_SQL = statsSql(true);

/** What a schema cannot count yet, and why: the stats read and the recorded rows (which keep what their schema had) say it alike. */
export function missingFigures(has: { mode: boolean; leases: boolean; eventTotals: boolean }): UnavailableFigure[] {
  const after = (what: string) => `${what}; run \`pool-console migrate up\``;
  const figures: UnavailableFigure[] = [];
  if (!has.mode) figures.push({ figure: 'byMode', reason: after('no POOL_MODE column (migration 0003-pool-lease-columns pending)') });
  if (!has.leases) {
    figures.push({ figure: 'leases', reason: after('no lease columns (migration 0003-pool-lease-columns pending): expired leases are judged by entry time') });
  }
  if (!has.eventTotals) figures.push({ figure: 'eventTotals', reason: after('no POOL_EVENT_COUNTS table (migration 0005-pool-event-counts pending)') });
  return figures;
}

/**
 * The stats snapshot's row. Whether the counters' table is there is remembered per Database (see
 * table-presence.ts); should it have been dropped since, the statement is run again without it.
 */
async function readStatsRow(
  db: Database,
  columns: PoolColumns,
  options: { leaseSeconds: number; maxAttempts: number },
): Promise<{ row: StatsRow | undefined; eventTotals: boolean }> {
  const eventTotals = await optionalTablePresent(db, EVENT_COUNTS_TABLE);
  try {
    const [row] = await db.select<StatsRow>('pool.stats', statsSql(eventTotals, columns), { replacements: options });
    return { row, eventTotals };
  } catch (error) {
    if (!eventTotals || !isMissingTableError(error, EVENT_COUNTS_TABLE)) throw error;
    tableWentMissing(db, EVENT_COUNTS_TABLE);
    const [row] = await db.select<StatsRow>('pool.stats', statsSql(false, columns), { replacements: options });
    return { row, eventTotals: false };
  }
}

/** One consistent snapshot; on a schema without the pool columns, NO_POOL_COLUMNS (never INTERNAL). */
export async function readPoolStats(db: Database, options: { leaseSeconds: number; maxAttempts: number }): Promise<PoolStats> {
  return (await readPoolStatsDetail(db, options)).stats;
}

/** Counts per mode (or none) × status; null on a schema without POOL_MODE (before migration 0003). */
export type ModeStatusCounts = Record<PoolMode | 'none', Record<PoolStatus, number>>;

/**
 * The same snapshot with what only the recorder (POOL_METRICS) keeps: the mode × status matrix
 * and the database clock to the millisecond (measuredAt is whole seconds).
 */
export async function readPoolStatsDetail(
  db: Database,
  options: { leaseSeconds: number; maxAttempts: number },
): Promise<{ stats: PoolStats; byModeStatus: ModeStatusCounts | null; measuredAtMs: Date }> {
  const { columns, row, eventTotals } = await readWithPoolColumns(db, async (columns) => ({ columns, ...(await readStatsRow(db, columns, options)) }));
  if (!row) throw new Error('the stats query returned no row');
  const n = (key: string) => Number(row[key] ?? 0);
  const stats = toPoolStats(row, n, columns, eventTotals);
  return { stats, byModeStatus: hasColumn(columns, 'POOL_MODE') ? modeStatusCounts(n, stats) : null, measuredAtMs: row.measuredAtMs as Date };
}

function modeStatusCounts(n: (key: string) => number, stats: PoolStats): ModeStatusCounts {
  const matrix = Object.fromEntries(POOL_MODES.map((mode) => [mode, Object.fromEntries(POOL_STATUSES.map((status) => [status, n(`ms_${mode}_${status}`)]))])) as ModeStatusCounts;
  // No mode: what the statuses hold beyond the four modes.
  matrix.none = Object.fromEntries(POOL_STATUSES.map((status) => [status, stats.byStatus[status] - POOL_MODES.reduce((sum, mode) => sum + matrix[mode][status], 0)])) as Record<PoolStatus, number>;
  return matrix;
}

function toPoolStats(row: StatsRow, n: (key: string) => number, columns: PoolColumns, eventTotals: boolean): PoolStats {
  const byMode = Object.fromEntries(POOL_MODES.map((mode) => [mode, n(`mode_${mode}`)])) as Record<PoolMode, number>;
  const withMode = POOL_MODES.reduce((sum, mode) => sum + byMode[mode], 0);
  return {
    measuredAt: row.measuredAt as Date,
    inPool: n('inPool'),
    byStatus: { waiting: n('waiting'), ready: n('ready'), processing: n('processing'), failed: n('failed') },
    // eligibleSql() split into two index ranges: ready, plus waiting with the deadline passed.
    eligibleNow: n('ready') + n('waitingDue'),
    // overdueSql(): the deadline has passed (strictly) and nobody is processing the entry.
    overdue: n('waitingDue') - n('waitingDueThisSecond') + n('readyOverdue') + n('failedOverdue'),
    expiredLeases: n('expiredLeases'),
    leaseBasis: leaseBasis(columns),
    failedAtMaxAttempts: n('failedAtMaxAttempts'),
    oldestEntryAgeSeconds: row.oldestEntryAgeSeconds === null ? null : n('oldestEntryAgeSeconds'),
    byMode: { ...byMode, none: n('inPool') - withMode },
    deadlineWithin: { hour1: n('within1h'), hours6: n('within6h'), hours24: n('within24h') },
    eventTotals: eventTotals ? (Object.fromEntries(POOL_EVENTS.map((event) => [event, n(`ev_${event}`)])) as Record<PoolEvent, number>) : null,
    unavailable: missingFigures({ mode: hasColumn(columns, 'POOL_MODE'), leases: hasColumn(columns, 'POOL_CLAIMED_AT'), eventTotals }),
  };
}
