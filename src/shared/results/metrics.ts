import { z } from 'zod';
import type { PoolEvent, PoolMode, PoolStatus } from '../pool-types.js';
import type { ReadSource } from './replica.js';

/* The pool's recorded history (POOL_METRICS), as the console's front and the agent read it. */

/** Seconds per row: raw samples, 1-minute and 1-hour rollups. */
export const METRIC_RESOLUTIONS = [10, 60, 3600] as const;
export type MetricResolution = (typeof METRIC_RESOLUTIONS)[number];

/** The most points a history read returns per series by default. */
export const DEFAULT_MAX_POINTS = 1500;

/**
 * One row of POOL_METRICS. A rollup row (resolution 60 or 3600) holds its bucket's last sample for
 * every count, the sum of its event deltas, the longest sample time, and `exact` only when every
 * sample in it was exact; `time` is the bucket's start.
 */
export interface MetricsPoint {
  resolution: MetricResolution;
  /** Database clock: when the sample was read (raw), or the bucket's start (rollups). */
  time: Date;
  /** Who wrote it (the recorder holding the lock at the time). */
  recorderId: string;
  /** False when the counts are an estimate (see README, History). */
  exact: boolean;
  /** Raw samples this row stands for (1 for a raw row). */
  samples: number;
  inPool: number;
  byStatus: Record<PoolStatus, number>;
  /** Null on a schema without POOL_MODE. */
  byModeStatus: Record<PoolMode | 'none', Record<PoolStatus, number>> | null;
  eligible: number;
  overdue: number;
  expiredLeases: number;
  failedAtMaxAttempts: number;
  oldestEntryAgeSeconds: number | null;
  /** Waiting entries whose deadline passes within 1 h / 6 h / 24 h. */
  deadlineWithin: { hour1: number; hours6: number; hours24: number };
  /**
   * Events since the previous row (rollups: in the bucket). Null when unknown: no counters table,
   * no previous row (the first, or the first after a gap); one event null: its counter was reset.
   */
  events: Record<PoolEvent, number | null> | null;
  /** Running totals as read (rollups: at the bucket's last sample); null without the counters table. */
  eventTotals: Record<PoolEvent, number> | null;
  /** How long the sample's statement took (rollups: the longest). */
  sampleMs: number;
  /** The recorder's interval when the row was written (raw), or the resolution (rollups). */
  intervalMs: number;
  /** Why this row is not a plain sample: the recorder backed off, or estimated. */
  note: string | null;
}

/** A span with no row: no recorder ran. Drawn as a gap, never as zeros or a line across it. */
export interface HistoryGap {
  from: Date;
  to: Date;
}

export const historyQuerySchema = z
  .object({
    from: z.coerce.date(),
    to: z.coerce.date(),
    maxPoints: z.number().int().min(10).max(10_000).default(DEFAULT_MAX_POINTS),
  })
  .refine((query) => query.from.getTime() < query.to.getTime(), { message: '`from` must be before `to`' });
export type HistoryQuery = z.input<typeof historyQuerySchema>;

export interface HistoryResult {
  resolution: MetricResolution;
  from: Date;
  to: Date;
  points: MetricsPoint[];
  gaps: HistoryGap[];
  /** True when the range held more rows than maxPoints at the coarsest resolution: the newest are returned. */
  truncated: boolean;
  /** Where the history was read, on a profile with a read replica. */
  source?: ReadSource;
}

/** A recorder's part: contending for the lock, leading (sampling and writing), following (reading), or not running. */
export type RecorderRole = 'starting' | 'leader' | 'follower' | 'stopped';

/** What a recorder says of itself (a console's `recorder.state`, the agent's log). */
export interface RecorderState {
  identity: string;
  role: RecorderRole;
  /** The lock that elects the leader (GET_LOCK name). */
  lockName: string;
  /** The server's id of this recorder's lock connection while it leads. */
  lockConnectionId: number | null;
  /** How often the leader writes a row. */
  intervalMs: number;
  /**
   * Every how many rows the pool is counted exactly: 1 while an exact count costs at most
   * `slowShare` (5 %) of the interval; doubled while it costs more, the rows between estimated
   * (see core/metrics/estimate.ts), or — without the event counters to estimate from — not written.
   */
  exactEvery: number;
  /** Why counting is backed off (null when it is not). */
  backoff: string | null;
  /** The last pass's failure (null once a pass succeeds): the UI says why no rows come. */
  lastError: { code: string; message: string } | null;
  /**
   * The last alert evaluation's failure (null or absent once one succeeds): the leader evaluates
   * the alert rules after each row, a follower the recorder-gap rule on each pass; a failure there
   * never stops the recording, and is reported here instead of in lastError.
   */
  alertError?: { code: string; message: string } | null;
}
