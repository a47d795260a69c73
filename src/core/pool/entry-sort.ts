import type { PoolEntry } from '../../shared/pool-types.js';
import type { EntryCursor, EntrySort, SortOrder } from '../../shared/results/pool.js';

/*
 * The entry list's orders as SQL: each is a keyset on (sort key, BOOKING_ID), both in the same
 * direction, so a page continues exactly after the previous one's last entry (no gaps, no repeats)
 * and an index on the key (InnoDB appends the primary key) can be read in order, forwards or back.
 */

/** The column (or expression) each sort orders by. Attempts read NULL as 0, as everywhere (entry-columns.ts). */
export const SORT_KEYS: Readonly<Record<EntrySort, string>> = {
  entryTime: 'POOL_ENTRY_TIME',
  deadline: 'POOL_DEADLINE_TIME',
  attempts: 'COALESCE(POOL_PROCESSING_ATTEMPTS, 0)',
};

/**
 * Entries a sort cannot place: a pooled row with no entry time or no deadline is invalid data
 * (the cleanup rule "missing times" finds them), listed by no order rather than at an arbitrary end.
 */
export function sortableWhere(sort: EntrySort): string[] {
  return sort === 'deadline' ? ['POOL_ENTRY_TIME IS NOT NULL', 'POOL_DEADLINE_TIME IS NOT NULL'] : ['POOL_ENTRY_TIME IS NOT NULL'];
}

/** After the cursor in this order; replacements :afterKey, :afterId. */
export function keysetSql(sort: EntrySort, order: SortOrder): string {
  const key = SORT_KEYS[sort];
  const beyond = order === 'asc' ? '>' : '<';
  return `(${key} ${beyond} :afterKey OR (${key} = :afterKey AND BOOKING_ID ${beyond} :afterId))`;
}

export function orderBySql(sort: EntrySort, order: SortOrder): string {
  const direction = order === 'asc' ? 'ASC' : 'DESC';
  return `ORDER BY ${SORT_KEYS[sort]} ${direction}, BOOKING_ID ${direction}`;
}


/** The cursor after `entry` in this sort. */
export function cursorAfter(entry: PoolEntry, sort: EntrySort): EntryCursor | null {
  if (sort === 'attempts') return { attempts: entry.attempts, bookingId: entry.bookingId };
  const key = sort === 'deadline' ? entry.deadlineTime : entry.entryTime;
  return key ? { [sort]: key, bookingId: entry.bookingId } : null;
}
