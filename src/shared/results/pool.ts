import { z } from 'zod';
import { checkMatchRanges, entryMatchShape } from '../entry-match.js';
import type { ReadSource } from './replica.js';
import { bookingIdSchema, type PoolEntry, type PoolEvent, type PoolMode, type PoolStatus } from '../pool-types.js';

/* What the pool repository returns, and the entry list's filter: the contract names them. */

/** The most entries one page or claim returns. */
export const MAX_PAGE = 1000;

export const pageLimitSchema = z.number().int().min(1).max(MAX_PAGE).default(100);

/** The entry list's filter: which entries (entry-match.ts, shared with search and bulk actions), then the page. */
export const entryFilterSchema = z
  .object({
    ...entryMatchShape,
    /** Keyset cursor: the last entry of the previous page. */
    after: z.object({ entryTime: z.coerce.date(), bookingId: bookingIdSchema }).optional(),
    limit: pageLimitSchema,
  })
  .superRefine(checkMatchRanges);
export type EntryFilter = z.input<typeof entryFilterSchema>;

/** The entry list counts matching entries exactly up to this many; beyond it, its total says "at least". */
export const ENTRY_COUNT_BOUND = 10_000;

/** How many entries match a filter (whatever the page): exact, or `count` is the bound and there are more. */
export interface EntryTotal {
  count: number;
  exact: boolean;
}

/**
 * A figure the schema cannot give yet (before our migrations: no POOL_MODE, lease or error
 * column, no event counters): named with the reason, so the UI shows "—, after migrations", never 0.
 */
export interface UnavailableFigure {
  figure: string;
  reason: string;
}

/** What an expired lease is judged by: the claim time, or (no lease column yet) the entry time. */
export type LeaseBasis = 'claim-time' | 'entry-time';

export interface EntryPage {
  entries: PoolEntry[];
  /** Columns shown empty because the schema lacks them (mode, lease, last error before migration 0003). */
  unavailable?: UnavailableFigure[];
  /** Pass as `after` for the next page; null on the last page. */
  next: { entryTime: Date; bookingId: number } | null;
  /** Every entry the filter matches, not only this page's; counted no further than ENTRY_COUNT_BOUND. */
  total: EntryTotal;
  /** Where the page was read, on a profile with a read replica. */
  source?: ReadSource;
}

export type AddOutcome = 'added' | 'already-pooled';

export interface PoolStats {
  /** The database's clock when the snapshot was read. */
  measuredAt: Date;
  inPool: number;
  byStatus: Record<PoolStatus, number>;
  eligibleNow: number;
  /** Deadline passed and not being processed. */
  overdue: number;
  /** Processing with a lease older than the lease time (or none): a worker probably died. */
  expiredLeases: number;
  /** What expiredLeases was judged by: the claim time, or the entry time on a schema without the lease column. */
  leaseBasis: LeaseBasis;
  failedAtMaxAttempts: number;
  oldestEntryAgeSeconds: number | null;
  byMode: Record<PoolMode | 'none', number>;
  /** Waiting entries whose deadline passes within the next 1 h, 6 h, 24 h. */
  deadlineWithin: { hour1: number; hours6: number; hours24: number };
  /**
   * Every event counted since POOL_EVENT_COUNTS was created (running totals: rates are the
   * differences between two snapshots). Null when the table is missing: a schema migrated by an
   * older console (migration 0005 pending).
   */
  eventTotals: Record<PoolEvent, number> | null;
  /** Figures this schema cannot give yet, each with why (empty on a fully migrated schema). */
  unavailable: UnavailableFigure[];
  /** Where the snapshot was read, on a profile with a read replica. */
  source?: ReadSource;
}
