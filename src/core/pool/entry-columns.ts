import type { PoolEntry } from './pool-types.js';

/** The columns a pool list shows, under the names PoolEntry uses; the table keeps its own names. */
export const ENTRY_COLUMNS = `
  BOOKING_ID AS bookingId, MEETING_TYPE AS meetingType, TIME_START AS timeStart,
  BOOKING_STATUS AS bookingStatus, INTERPRETER_EMP_CODE AS interpreterEmpCode,
  POOL_STATUS AS status, POOL_MODE AS mode, POOL_ENTRY_TIME AS entryTime,
  POOL_DEADLINE_TIME AS deadlineTime, COALESCE(POOL_PROCESSING_ATTEMPTS, 0) AS attempts,
  POOL_CLAIMED_BY AS claimedBy, POOL_CLAIMED_AT AS claimedAt, POOL_LAST_ERROR AS lastError`;

/** Pool columns back to "not in the pool". */
export const LEAVE_POOL_ASSIGNMENTS = `
  POOL_STATUS = NULL, POOL_ENTRY_TIME = NULL, POOL_DEADLINE_TIME = NULL, POOL_PROCESSING_ATTEMPTS = 0,
  POOL_MODE = NULL, POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL, POOL_LAST_ERROR = NULL`;

/** Eligible for a claim by the database's clock: `ready`, or `waiting` with the deadline passed. */
export const ELIGIBLE = `(POOL_STATUS = 'ready' OR (POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME <= UTC_TIMESTAMP()))`;

export function toEntry(row: PoolEntry): PoolEntry {
  return { ...row, bookingId: Number(row.bookingId), attempts: Number(row.attempts) };
}

/** Oldest deadline first, then entry time, then booking id: the order claims and ready pages use. */
export function claimOrder(a: PoolEntry, b: PoolEntry): number {
  const time = (date: Date | null) => (date ? date.getTime() : Number.NEGATIVE_INFINITY);
  return time(a.deadlineTime) - time(b.deadlineTime) || time(a.entryTime) - time(b.entryTime) || a.bookingId - b.bookingId;
}
