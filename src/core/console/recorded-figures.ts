import type { Database } from '../db/database.js';
import { METRICS_TABLE, readLatest, type MetricsRecorder } from '../metrics/index.js';
import { missingFigures } from '../pool/pool-stats.js';
import { POOL_MODES, POOL_STATUSES, type PoolMode } from '../pool/pool-types.js';
import { isMissingTableError, optionalTablePresent, tableWentMissing } from '../schema/table-presence.js';
import type { MetricsPoint } from '../../shared/results/metrics.js';
import type { ReadSource } from '../../shared/results/replica.js';
import type { DatabaseBookingPool } from '../pool/database-booking-pool.js';
import type { PoolStats } from '../../shared/results/pool.js';

/** The pool's figures for one live sample, and where they come from. */
export interface LiveFigures {
  stats: PoolStats;
  /** The row's time (database clock), or the direct count's. */
  recordedAt: Date;
  /** Who wrote the row; null for a direct count. */
  recorder: string | null;
  exact: boolean;
}

/** Runs a read where the profile's replica router says, attaching where it ran. */
export type ReadVia = <T extends object>(work: (pool: DatabaseBookingPool, db: Database) => Promise<T>) => Promise<T & { source?: ReadSource }>;

/** A row not followed by a newer one within this many of its intervals is stale: its recorder stopped writing. */
export const STALE_INTERVALS = 3;
/** Beyond those intervals: a leader's pass late on a busy machine is not a stopped recorder. */
const LATE_SLACK_MS = 10_000;
/** How far the console's clock may be from the database's before a row's age by the local clock is believed. */
const CLOCK_SLACK_MS = 60_000;

/**
 * The live figures as the recorders keep them: the newest POOL_METRICS row, whoever wrote it, by
 * one read of the primary key's end (no count over BOOKING_PLAN), so N consoles cost about what
 * one does. The pool is counted directly only when there is no fresh row to read: POOL_METRICS
 * missing (migration 0006 pending), empty (the first row is not written yet), or stale (no
 * recorder has written for STALE_INTERVALS intervals: the leader cannot write); the sample then
 * says so (`recorder` null).
 */
export class RecordedFigures {
  /** The newest row time seen, and when (local clock) it was first seen. */
  private seen: { time: number; since: number } | null = null;

  constructor(
    private readonly db: Database,
    /** Runs a read on the replica when the profile has one fit to read (ConnectionSession.readFromReplica). */
    private readonly readVia: ReadVia,
    private readonly recorder: MetricsRecorder,
    private readonly clock: () => number = Date.now,
  ) {}

  async read(): Promise<LiveFigures> {
    const { row, source } = await this.newestRow();
    if (row && !this.isStale(row)) return { stats: { ...statsFromRow(row), ...(source ? { source } : {}) }, recordedAt: row.time, recorder: row.recorderId, exact: row.exact };
    const stats = await this.readVia((pool) => pool.getPoolStats());
    return { stats, recordedAt: stats.measuredAt, recorder: null, exact: true };
  }

  private async newestRow(): Promise<{ row: MetricsPoint | null; source?: ReadSource }> {
    // the leader reads it too, rather than show the row it holds: a sample that touched the
    // database says the database answered (a cached row would look live through an outage)
    if (!(await optionalTablePresent(this.db, METRICS_TABLE))) return { row: null };
    try {
      // from the replica when fit: its newest row is as old as its lag (the staleness check still applies)
      return await this.readVia(async (_pool, db) => ({ row: await readLatest(db) }));
    } catch (error) {
      if (!isMissingTableError(error, METRICS_TABLE)) throw error;
      tableWentMissing(this.db, METRICS_TABLE); // dropped since (a migration down)
      return { row: null };
    }
  }

  private isStale(row: MetricsPoint): boolean {
    const now = this.clock();
    const time = row.time.getTime();
    if (!this.seen || this.seen.time !== time) this.seen = { time, since: now };
    const limit = STALE_INTERVALS * Math.max(row.intervalMs, this.recorder.state().intervalMs) + LATE_SLACK_MS;
    // unchanged for that long as this console watched, or already that old when first read
    return now - this.seen.since > limit || now - time > limit + CLOCK_SLACK_MS;
  }
}

/** A POOL_METRICS row in the shape the live stream has always sent (PoolStats). */
export function statsFromRow(row: MetricsPoint): PoolStats {
  let byMode: Record<PoolMode | 'none', number>;
  if (row.byModeStatus) {
    const matrix = row.byModeStatus;
    byMode = Object.fromEntries([...POOL_MODES, 'none' as const].map((mode) => [mode, POOL_STATUSES.reduce((sum, status) => sum + (matrix[mode]?.[status] ?? 0), 0)])) as Record<PoolMode | 'none', number>;
  } else {
    byMode = { ...(Object.fromEntries(POOL_MODES.map((mode) => [mode, 0])) as Record<PoolMode, number>), none: row.inPool };
  }
  // a row without the mode matrix was recorded on a schema without POOL_MODE, hence without the lease columns too
  const unavailable = missingFigures({ mode: row.byModeStatus !== null, leases: row.byModeStatus !== null, eventTotals: row.eventTotals !== null });
  return {
    measuredAt: row.time,
    inPool: row.inPool,
    byStatus: { ...row.byStatus },
    eligibleNow: row.eligible,
    overdue: row.overdue,
    expiredLeases: row.expiredLeases,
    // migration 0003 adds POOL_MODE and the lease columns together
    leaseBasis: row.byModeStatus ? 'claim-time' : 'entry-time',
    failedAtMaxAttempts: row.failedAtMaxAttempts,
    oldestEntryAgeSeconds: row.oldestEntryAgeSeconds,
    byMode,
    deadlineWithin: { ...row.deadlineWithin },
    eventTotals: row.eventTotals ? { ...row.eventTotals } : null,
    unavailable,
  };
}
