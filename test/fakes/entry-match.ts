import type { EntryMatch } from '../../src/shared/entry-match.js';
import type { PoolEntry } from '../../src/shared/pool-types.js';
import type { EntryCursor, EntrySort, SortOrder } from '../../src/shared/results/pool.js';

/* The entry match, sort and keyset of entries.list over the fake's model, as the real SQL reads them. */

interface Owner {
  ownerEmpCode: string;
  ownerGroup: string;
  meetingRoom: string;
}

const time = (value: unknown) => (value === undefined ? undefined : new Date(value as Date | string | number).getTime());

/** Whether the entry (with its booking's owner fields) matches every field given. */
export function matchesEntry(e: PoolEntry, booking: Owner | undefined, m: EntryMatch, overdue: (e: PoolEntry) => boolean): boolean {
  const within = (value: Date | null, from: unknown, to: unknown) =>
    (from === undefined || (value !== null && value.getTime() >= time(from)!)) && (to === undefined || (value !== null && value.getTime() < time(to)!));
  return (
    (!m.status || e.status === m.status) &&
    (!m.mode || e.mode === m.mode) &&
    (!m.overdue || overdue(e)) &&
    (m.bookingId === undefined || e.bookingId === m.bookingId) &&
    (!m.bookingIds || m.bookingIds.includes(e.bookingId)) &&
    (!m.ownerEmpCode || booking?.ownerEmpCode === m.ownerEmpCode.trim()) &&
    (!m.ownerGroup || booking?.ownerGroup === m.ownerGroup) &&
    (!m.room || booking?.meetingRoom === m.room.trim()) &&
    (!m.meetingType || e.meetingType === m.meetingType) &&
    (!m.claimedBy || e.claimedBy === m.claimedBy.trim()) &&
    within(e.deadlineTime, m.deadlineFrom, m.deadlineTo) &&
    within(e.timeStart, m.meetingFrom, m.meetingTo) &&
    (m.attemptsMin === undefined || e.attempts >= m.attemptsMin) &&
    (m.attemptsMax === undefined || e.attempts <= m.attemptsMax) &&
    (!m.lastErrorContains || (e.lastError ?? '').toLowerCase().includes(m.lastErrorContains.trim().toLowerCase()))
  );
}

const keyOf = (e: PoolEntry, sort: EntrySort): number | null =>
  sort === 'attempts' ? e.attempts : sort === 'deadline' ? (e.deadlineTime?.getTime() ?? null) : (e.entryTime?.getTime() ?? null);

/** Entries a sort can place, in its order, after the cursor; and the cursor after an entry. */
export function sortEntries(entries: PoolEntry[], sort: EntrySort, order: SortOrder, after: EntryCursor | undefined): PoolEntry[] {
  const sign = order === 'asc' ? 1 : -1;
  const compare = (a: PoolEntry, b: PoolEntry) => sign * (keyOf(a, sort)! - keyOf(b, sort)! || a.bookingId - b.bookingId);
  const afterKey = after?.[sort];
  const cursor = after && afterKey !== undefined ? { key: sort === 'attempts' ? Number(afterKey) : time(afterKey)!, id: after.bookingId } : null;
  return entries
    .filter((e) => e.entryTime !== null && keyOf(e, sort) !== null)
    .filter((e) => !cursor || sign * (keyOf(e, sort)! - cursor.key || e.bookingId - cursor.id) > 0)
    .sort(compare);
}

export function cursorAfter(e: PoolEntry, sort: EntrySort): EntryCursor {
  return sort === 'attempts' ? { attempts: e.attempts, bookingId: e.bookingId } : { [sort]: sort === 'deadline' ? e.deadlineTime! : e.entryTime!, bookingId: e.bookingId };
}
