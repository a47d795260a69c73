import type { Database } from '../db/database.js';
import { EVENT_COUNTS_TABLE } from '../pool/event-counts.js';
import { POOL_EVENTS, type PoolEvent } from '../pool/pool-types.js';
import type { MetricsPoint } from '../../shared/results/metrics.js';
import { eventDeltas, isGap } from './sample.js';

/**
 * The cheap read behind an estimate: the running event totals (a hundred-odd rows of the
 * counters' primary key, whatever the pool's size) and the database clock. Exported so index
 * health can explain it.
 */
export const ESTIMATE_SQL = `SELECT UTC_TIMESTAMP(3) AS now, e.EVENT AS event, SUM(e.TOTAL) AS total
  FROM ${EVENT_COUNTS_TABLE} e GROUP BY e.EVENT`;

export interface EstimateOptions {
  recorderId: string;
  intervalMs: number;
  /** The last exact row: the estimate starts from its counts. It must carry event totals. */
  lastExact: MetricsPoint;
  /** The newest row (exact or estimated): this row's event deltas count from it. */
  previous: MetricsPoint;
  note: string;
  clock?: () => number;
}

const clamp = (value: number, low: number, high: number) => Math.min(Math.max(value, low), Math.max(low, high));

/**
 * A row estimated from the last exact row plus the events counted since (no pool count runs):
 * in the pool = last + entered − completed − removed; processing = last + claimed − completed −
 * failed − reset; failed = last − retried (whether a worker's failure went back to waiting or to
 * failed is not counted, so it is counted as waiting); claims are taken from ready first; the
 * rest is waiting. Eligible = last − claimed. Figures that move with the clock alone (overdue,
 * deadline risk, expired leases, failed at max attempts, by mode) are the last exact ones; the
 * oldest entry has aged by the time passed. Marked `exact: false`; the recorder recounts exactly
 * every Nth row. Null when the counters table is missing (nothing to estimate from).
 */
export async function estimateMetrics(db: Database, options: EstimateOptions): Promise<MetricsPoint | null> {
  const clock = options.clock ?? Date.now;
  const since = options.lastExact.eventTotals;
  if (!since) return null;
  const started = clock();
  const rows = await db.select<{ now: Date; event: string; total: number | string }>('metrics.estimate', ESTIMATE_SQL);
  const sampleMs = clock() - started;
  const now = rows[0]?.now;
  if (!now) return null;
  const totals = Object.fromEntries(POOL_EVENTS.map((event) => [event, Number(rows.find((row) => row.event === event)?.total ?? 0)])) as Record<PoolEvent, number>;
  const d = (event: PoolEvent) => Math.max(0, totals[event] - since[event]);
  const last = options.lastExact;

  const inPool = Math.max(0, last.inPool + d('entered') - d('completed') - d('removed'));
  const processing = clamp(last.byStatus.processing + d('claimed') - d('completed') - d('failed') - d('reset'), 0, inPool);
  const failed = clamp(last.byStatus.failed - d('retried'), 0, inPool - processing);
  const ready = clamp(last.byStatus.ready - d('claimed'), 0, inPool - processing - failed);
  const waiting = inPool - processing - failed - ready;
  const agedSeconds = Math.max(0, Math.round((now.getTime() - last.time.getTime()) / 1000));
  return {
    ...last,
    time: now,
    recorderId: options.recorderId,
    exact: false,
    samples: 1,
    inPool,
    byStatus: { waiting, ready, processing, failed },
    eligible: Math.max(0, last.eligible - d('claimed')),
    oldestEntryAgeSeconds: last.oldestEntryAgeSeconds === null ? null : last.oldestEntryAgeSeconds + agedSeconds,
    events: eventDeltas(totals, isGap(options.previous, now) ? null : options.previous),
    eventTotals: totals,
    sampleMs,
    intervalMs: options.intervalMs,
    note: options.note,
  };
}
