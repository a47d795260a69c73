import type { ParsedEntryMatch } from '../../shared/entry-match.js';
import { hasColumn, noPoolColumns, type PoolColumnName, type PoolColumns } from '../schema/pool-columns.js';
import { overdueSql } from './conditions.js';

/*
 * A parsed EntryMatch as SQL: conditions to AND (named placeholders only, never interpolated values)
 * and their replacements. The entry list, search and bulk actions all build their WHERE here.
 */

export interface MatchSql {
  where: string[];
  replacements: Record<string, unknown>;
}

/** The later columns a filter field reads: on a schema without one, the filter is refused, not ignored. */
const FIELD_COLUMNS: Partial<Record<keyof ParsedEntryMatch, PoolColumnName>> = {
  mode: 'POOL_MODE',
  claimedBy: 'POOL_CLAIMED_BY',
  lastErrorContains: 'POOL_LAST_ERROR',
};

/** A LIKE pattern that matches `text` anywhere, with %, _ and \ taken literally. */
export const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Throws NO_POOL_COLUMNS naming the columns the filter needs that this schema lacks. */
export function requireMatchColumns(match: ParsedEntryMatch, columns: PoolColumns, database: string): void {
  const missing = Object.entries(FIELD_COLUMNS)
    .filter(([field]) => match[field as keyof ParsedEntryMatch] !== undefined)
    .map(([, column]) => column as PoolColumnName)
    .filter((column) => !hasColumn(columns, column));
  if (missing.length > 0) throw noPoolColumns(database, missing);
}

/** Pooled rows (POOL_STATUS not NULL) matching every field given. Placeholders are prefixed `m_`. */
export function entryMatchSql(match: ParsedEntryMatch): MatchSql {
  const where = ['POOL_STATUS IS NOT NULL'];
  const replacements: Record<string, unknown> = {};
  const add = (condition: string, values: Record<string, unknown> = {}) => {
    where.push(condition);
    Object.assign(replacements, values);
  };
  if (match.status) add('POOL_STATUS = :m_status', { m_status: match.status });
  if (match.mode) add('POOL_MODE = :m_mode', { m_mode: match.mode });
  if (match.overdue) add(overdueSql());
  if (match.bookingId !== undefined) add('BOOKING_ID = :m_bookingId', { m_bookingId: match.bookingId });
  if (match.bookingIds) add('BOOKING_ID IN (:m_bookingIds)', { m_bookingIds: match.bookingIds });
  if (match.ownerEmpCode) add('OWNER_EMP_CODE = :m_owner', { m_owner: match.ownerEmpCode });
  if (match.ownerGroup) add('OWNER_GROUP = :m_group', { m_group: match.ownerGroup });
  if (match.room) add('MEETING_ROOM = :m_room', { m_room: match.room });
  if (match.meetingType) add('MEETING_TYPE = :m_meetingType', { m_meetingType: match.meetingType });
  if (match.claimedBy) add('POOL_CLAIMED_BY = :m_claimedBy', { m_claimedBy: match.claimedBy });
  if (match.deadlineFrom) add('POOL_DEADLINE_TIME >= :m_deadlineFrom', { m_deadlineFrom: match.deadlineFrom });
  if (match.deadlineTo) add('POOL_DEADLINE_TIME < :m_deadlineTo', { m_deadlineTo: match.deadlineTo });
  if (match.meetingFrom) add('TIME_START >= :m_meetingFrom', { m_meetingFrom: match.meetingFrom });
  if (match.meetingTo) add('TIME_START < :m_meetingTo', { m_meetingTo: match.meetingTo });
  if (match.attemptsMin !== undefined) add('COALESCE(POOL_PROCESSING_ATTEMPTS, 0) >= :m_attemptsMin', { m_attemptsMin: match.attemptsMin });
  if (match.attemptsMax !== undefined) add('COALESCE(POOL_PROCESSING_ATTEMPTS, 0) <= :m_attemptsMax', { m_attemptsMax: match.attemptsMax });
  if (match.lastErrorContains) add('LOWER(POOL_LAST_ERROR) LIKE LOWER(:m_lastError)', { m_lastError: containsPattern(match.lastErrorContains) });
  return { where, replacements };
}
