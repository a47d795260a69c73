import type { ParsedEntryMatch } from '../../shared/entry-match.js';
import type { ParsedEntryFilter } from '../../shared/results/pool.js';
import { entryMatchSql } from './entry-match.js';
import { keysetSql, orderBySql, SORT_KEYS, sortableWhere } from './entry-sort.js';

/*
 * Which filters an index serves, and the bounded window the others search. A filter on a column no
 * index leads with (group, meeting type, lease owner, meeting time, attempts, last error) cannot
 * skip rows: it reads pooled rows in the list's order until it has a page, through the whole pool
 * when few match (seconds on 100,000 entries, docs/BENCHMARKS.md "Search"). So, unless an indexed
 * field already narrows the rows, each page searches a window of at most SCAN_BOUND entries after
 * its cursor, in the list's order; "Load more" searches the next window. Its total counts the
 * first window only: exact when that window held every entry, else "at least".
 */

/** The most entries one page of an unindexed filter reads (and its total counts). */
export const SCAN_BOUND = 2000;

/** Fields an index narrows to a few rows (primary key, idx_pool_owner, idx_pool_room): the page reads only those. */
const SELECTIVE: readonly (keyof ParsedEntryMatch)[] = ['bookingId', 'bookingIds', 'ownerEmpCode', 'room'];
/** Fields no index serves: read row by row. Every other field is an index range of the pool (status, mode, overdue, deadline). */
export const UNINDEXED: readonly (keyof ParsedEntryMatch)[] = ['ownerGroup', 'meetingType', 'claimedBy', 'meetingFrom', 'meetingTo', 'attemptsMin', 'attemptsMax', 'lastErrorContains'];

const given = (f: ParsedEntryMatch, field: keyof ParsedEntryMatch) => f[field] !== undefined && f[field] !== false;

/** Whether this filter's pages search bounded windows (an unindexed field, nothing selective). */
export function searchesWindows(f: ParsedEntryMatch): boolean {
  return UNINDEXED.some((field) => given(f, field)) && !SELECTIVE.some((field) => given(f, field));
}

function only(f: ParsedEntryFilter, keep: (field: keyof ParsedEntryMatch) => boolean): ParsedEntryMatch {
  return Object.fromEntries(Object.entries(f).filter(([field]) => keep(field as keyof ParsedEntryMatch))) as ParsedEntryMatch;
}

export interface WindowStatements {
  /** Rows of the window that match, in order; replacements include :scan and :limit. */
  page: { sql: string; replacements: Record<string, unknown> };
  /** From the list's start: how many rows the first window holds (`scanned`) and how many of them match (`n`). */
  count: { sql: string; replacements: Record<string, unknown> };
  /** The window's last row (key `k`, `bookingId`), where the next window starts; none when the window was not full. */
  windowEnd: { sql: string; replacements: Record<string, unknown> };
}

/**
 * The statements of a windowed page. The window (ids only, through the sort's index and the
 * indexed fields' conditions) is a derived table; the unindexed conditions filter its rows.
 */
export function windowStatements(f: ParsedEntryFilter, columnsSql: string, scan: number = SCAN_BOUND): WindowStatements {
  const ranged = entryMatchSql(only(f, (field) => !UNINDEXED.includes(field)));
  const unindexed = entryMatchSql(only(f, (field) => UNINDEXED.includes(field)));
  // The window reads the sort key's index alone where it can (no row read per id): only the
  // key's own NOT NULL (which already leaves out bookings not in the pool) and the indexed fields.
  // The pooled check and the other sortable check go with the unindexed ones, on the joined row.
  const keyNotNull = `${SORT_KEYS[f.sort === 'deadline' ? 'deadline' : 'entryTime']} IS NOT NULL`;
  const checks = [ranged.where[0]!, ...sortableWhere(f.sort).filter((condition) => condition !== keyNotNull), ...unindexed.where.slice(1)];
  const order = orderBySql(f.sort, f.order);
  const inner = [...ranged.where.slice(1), keyNotNull];
  const keyset = f.after ? [keysetSql(f.sort, f.order)] : [];
  const windowSql = (where: string[]) => `SELECT BOOKING_ID AS scanId FROM BOOKING_PLAN WHERE ${where.join(' AND ')} ${order} LIMIT :scan`;
  const joined = (where: string[]) => `(${windowSql(where)}) AS scan_window JOIN BOOKING_PLAN ON BOOKING_PLAN.BOOKING_ID = scan_window.scanId`;
  const replacements = { ...ranged.replacements, ...unindexed.replacements, scan };
  const cursor = f.after ? { afterKey: f.after[f.sort], afterId: f.after.bookingId } : {};
  return {
    page: {
      sql: `SELECT ${columnsSql} FROM ${joined([...inner, ...keyset])} WHERE ${checks.join(' AND ')} ${order} LIMIT :limit`,
      replacements: { ...replacements, ...cursor, limit: f.limit + 1 },
    },
    count: {
      sql: `SELECT COUNT(*) AS scanned, COALESCE(SUM(${checks.join(' AND ')}), 0) AS n FROM ${joined(inner)}`,
      replacements,
    },
    windowEnd: {
      sql: `SELECT BOOKING_ID AS bookingId, ${SORT_KEYS[f.sort]} AS k FROM BOOKING_PLAN WHERE ${[...inner, ...keyset].join(' AND ')} ${order} LIMIT 1 OFFSET :last`,
      replacements: { ...ranged.replacements, ...cursor, last: scan - 1 },
    },
  };
}
