import type { Database } from '../db/database.js';
import { readPoolStatsDetail } from '../pool/pool-stats.js';
import { POOL_EVENTS, type PoolEvent } from '../pool/pool-types.js';
import type { MetricsPoint } from '../../shared/results/metrics.js';

export interface SampleOptions {
  recorderId: string;
  /** The interval in force, written with the row (the history read judges gaps by it). */
  intervalMs: number;
  leaseSeconds: number;
  maxAttempts: number;
  /** The newest raw row before this one: the event deltas are counted from its totals. */
  previous: MetricsPoint | null;
  /** Set when the sample must say why it is not plain (the recorder backed off). */
  note?: string | null;
  clock?: () => number;
}

/**
 * One raw POOL_METRICS row from one stats snapshot: the same statement and the same condition
 * definitions as the stats, the Overview and the health banner (pool-stats.ts, conditions.ts),
 * so the history shows what the pages showed at that instant.
 */
export async function sampleMetrics(db: Database, options: SampleOptions): Promise<MetricsPoint> {
  const clock = options.clock ?? Date.now;
  const started = clock();
  const { stats, byModeStatus, measuredAtMs } = await readPoolStatsDetail(db, { leaseSeconds: options.leaseSeconds, maxAttempts: options.maxAttempts });
  const sampleMs = clock() - started;
  // Across a gap (no recorder ran) the deltas would lump hours into one row: unknown instead.
  const previous = options.previous && !isGap(options.previous, measuredAtMs) ? options.previous : null;
  return {
    resolution: 10,
    time: measuredAtMs,
    recorderId: options.recorderId,
    exact: true,
    samples: 1,
    inPool: stats.inPool,
    byStatus: stats.byStatus,
    byModeStatus,
    eligible: stats.eligibleNow,
    overdue: stats.overdue,
    expiredLeases: stats.expiredLeases,
    failedAtMaxAttempts: stats.failedAtMaxAttempts,
    oldestEntryAgeSeconds: stats.oldestEntryAgeSeconds,
    deadlineWithin: stats.deadlineWithin,
    events: eventDeltas(stats.eventTotals, previous),
    eventTotals: stats.eventTotals,
    sampleMs,
    intervalMs: options.intervalMs,
    note: options.note ?? null,
  };
}

/** Whether a row at `time` follows `previous` after a gap: more than twice the previous row's span. */
export function isGap(previous: MetricsPoint, time: Date): boolean {
  return time.getTime() - previous.time.getTime() > 2 * Math.max(previous.resolution * 1000, previous.intervalMs);
}

/**
 * Events since the previous row: the difference of the running totals. Null for an event whose
 * total went down (the counters were reset or their table recreated), and null altogether when
 * there is nothing to count from (no counters table, or no previous row).
 */
export function eventDeltas(totals: Record<PoolEvent, number> | null, previous: MetricsPoint | null): Record<PoolEvent, number | null> | null {
  const before = previous?.eventTotals;
  if (!totals || !before) return null;
  return Object.fromEntries(
    POOL_EVENTS.map((event) => {
      const was = before[event];
      const difference = typeof was === 'number' ? totals[event] - was : null;
      return [event, difference !== null && difference >= 0 ? difference : null];
    }),
  ) as Record<PoolEvent, number | null>;
}
