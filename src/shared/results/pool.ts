import { z } from 'zod';
import { checkMatchRanges, entryMatchShape } from '../entry-match.js';
import type { ReadSource } from './replica.js';
import { bookingIdSchema, type PoolEntry, type PoolEvent, type PoolMode, type PoolStatus } from '../pool-types.js';

/* What the pool repository returns, and the entry list's filter: the contract names them. */

/** The most entries one page or claim returns. */
export const MAX_PAGE = 1000;

export const pageLimitSchema = z.number().int().min(1).max(MAX_PAGE).default(100);

/** The orders the entry list pages in; each a keyset on (its key, booking id). */
export const ENTRY_SORTS = ['entryTime', 'deadline', 'attempts'] as const;
export type EntrySort = (typeof ENTRY_SORTS)[number];
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/**
 * Where a page ends: the sort key of its last entry (the field named like the sort) and its
 * booking id. Pass a page's `next` back as `after` with the same sort and order.
 */
export const entryCursorSchema = z
  .object({
    entryTime: z.coerce.date().optional(),
    deadline: z.coerce.date().optional(),
    attempts: z.number().int().min(0).optional(),
    bookingId: bookingIdSchema,
  })
  .strict();
export type EntryCursor = z.output<typeof entryCursorSchema>;

/** The entry list's filter: which entries (entry-match.ts, shared with search and bulk actions), then the order and page. */
export const entryFilterSchema = z
  .object({
    ...entryMatchShape,
    sort: z.enum(ENTRY_SORTS).default('entryTime'),
    order: z.enum(SORT_ORDERS).default('asc'),
    /** Keyset cursor: the previous page's `next`. */
    after: entryCursorSchema.optional(),
    limit: pageLimitSchema,
  })
  .superRefine((filter, ctx) => {
    checkMatchRanges(filter, ctx);
    if (filter.after && filter.after[filter.sort] === undefined) {
      ctx.addIssue({ code: 'custom', path: ['after'], message: `the cursor is not one of a page sorted by ${filter.sort}: pass the previous page's next with the same sort` });
    }
  });
export type EntryFilter = z.input<typeof entryFilterSchema>;
export type ParsedEntryFilter = z.output<typeof entryFilterSchema>;

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
  /** Pass as `after` (same sort and order) for the next page; null on the last page. */
  next: EntryCursor | null;
  /** Every entry the filter matches, not only this page's; counted no further than ENTRY_COUNT_BOUND. */
  total: EntryTotal;
  /**
   * Set when no index serves the filter: the page searched at most this many entries after its
   * cursor (so it may hold fewer matches than the limit, even none, with a next page), and the
   * total counts the matches among the first this-many entries only (exact when they were all).
   */
  window?: number;
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
