import { ALL_POOL_COLUMNS, columnOrNull, hasColumn, LATER_POOL_COLUMNS, type PoolColumns } from '../schema/pool-columns.js';
import { eligibleSql } from './conditions.js';
import type { PoolEntry } from './pool-types.js';

/**
 * The columns a pool list shows, under the names PoolEntry uses; the table keeps its own names.
 * A column the schema lacks (before migration 0003) reads as NULL.
 */
export function entryColumnsSql(columns: PoolColumns): string {
  const c = (name: Parameters<typeof columnOrNull>[1]) => columnOrNull(columns, name);
  return `
  BOOKING_ID AS bookingId, MEETING_TYPE AS meetingType, TIME_START AS timeStart,
  BOOKING_STATUS AS bookingStatus, INTERPRETER_EMP_CODE AS interpreterEmpCode,
  POOL_STATUS AS status, ${c('POOL_MODE')} AS mode, POOL_ENTRY_TIME AS entryTime,
  POOL_DEADLINE_TIME AS deadlineTime, COALESCE(POOL_PROCESSING_ATTEMPTS, 0) AS attempts,
  ${c('POOL_CLAIMED_BY')} AS claimedBy, ${c('POOL_CLAIMED_AT')} AS claimedAt, ${c('POOL_LAST_ERROR')} AS lastError`;
}

/** The list columns on a fully migrated schema. */
export const ENTRY_COLUMNS = entryColumnsSql(ALL_POOL_COLUMNS);

/** Pool columns back to "not in the pool", for the columns the schema has. */
export function leavePoolAssignments(columns: PoolColumns): string {
  const later = LATER_POOL_COLUMNS.filter((name) => hasColumn(columns, name)).map((name) => `${name} = NULL`);
  return ['POOL_STATUS = NULL', 'POOL_ENTRY_TIME = NULL', 'POOL_DEADLINE_TIME = NULL', 'POOL_PROCESSING_ATTEMPTS = 0', ...later].join(', ');
}

/** Pool columns back to "not in the pool". */
export const LEAVE_POOL_ASSIGNMENTS = leavePoolAssignments(ALL_POOL_COLUMNS);

/** Eligible for a claim by the database's clock (see conditions.ts). */
export const ELIGIBLE = eligibleSql();

export function toEntry(row: PoolEntry): PoolEntry {
  return { ...row, bookingId: Number(row.bookingId), attempts: Number(row.attempts) };
}

/** Oldest deadline first, then entry time, then booking id: the order claims and ready pages use. */
export function claimOrder(a: PoolEntry, b: PoolEntry): number {
  const time = (date: Date | null) => (date ? date.getTime() : Number.NEGATIVE_INFINITY);
  return time(a.deadlineTime) - time(b.deadlineTime) || time(a.entryTime) - time(b.entryTime) || a.bookingId - b.bookingId;
}
