import { describeEntryMatch, type ParsedEntryMatch } from '../../src/shared/entry-match.js';
import type { PoolEntry } from '../../src/shared/pool-types.js';
import type { BulkAction, BulkPreview, ParsedBulkInput } from '../../src/shared/results/bulk.js';
import type { EntryDetail } from '../../src/shared/contract.js';

/* The fake's bulk actions: the real conditions (core/pool/bulk-action.ts) over the in-memory entries. */

type Booking = NonNullable<EntryDetail['booking']>;

/** Whether `e` (of `booking`) matches every field of the filter, as entryMatchSql does (plus the list's entry time). */
export function fakeMatches(e: PoolEntry, booking: Booking | undefined, m: ParsedEntryMatch, now: Date): boolean {
  const t = (date: Date | null) => date?.getTime() ?? Number.NaN;
  const checks = [
    e.entryTime !== null,
    !m.status || e.status === m.status,
    !m.mode || e.mode === m.mode,
    !m.overdue || (e.status !== 'processing' && t(e.deadlineTime) < now.getTime()),
    m.bookingId === undefined || e.bookingId === m.bookingId,
    !m.bookingIds || m.bookingIds.includes(e.bookingId),
    !m.ownerEmpCode || booking?.ownerEmpCode === m.ownerEmpCode,
    !m.ownerGroup || booking?.ownerGroup === m.ownerGroup,
    !m.room || booking?.meetingRoom === m.room,
    !m.meetingType || e.meetingType === m.meetingType,
    !m.claimedBy || e.claimedBy === m.claimedBy,
    !m.deadlineFrom || t(e.deadlineTime) >= m.deadlineFrom.getTime(),
    !m.deadlineTo || t(e.deadlineTime) < m.deadlineTo.getTime(),
    !m.meetingFrom || t(e.timeStart) >= m.meetingFrom.getTime(),
    !m.meetingTo || t(e.timeStart) < m.meetingTo.getTime(),
    m.attemptsMin === undefined || e.attempts >= m.attemptsMin,
    m.attemptsMax === undefined || e.attempts <= m.attemptsMax,
    !m.lastErrorContains || (e.lastError ?? '').toLowerCase().includes(m.lastErrorContains.toLowerCase()),
  ];
  return checks.every(Boolean);
}

export function fakeLiveLease(e: PoolEntry, now: Date, leaseSeconds: number): boolean {
  return e.status === 'processing' && e.claimedAt !== null && now.getTime() - e.claimedAt.getTime() <= leaseSeconds * 1000;
}

const APPLIES: Record<BulkAction, (e: PoolEntry, input: ParsedBulkInput, now: Date) => boolean> = {
  retry: (e) => e.status === 'failed',
  'make-ready': (e) => e.status === 'waiting' || e.status === 'failed',
  'reset-lease': (e, input, now) => e.status === 'processing' && !fakeLiveLease(e, now, input.leaseSeconds),
  remove: () => true,
  'set-deadline': (e, input) => e.status !== 'processing' && e.deadlineTime?.getTime() !== input.deadline?.getTime(),
};

/** The matching entries and, of those, the ones the action changes, in booking id order. */
export function fakeBulkRows(entries: PoolEntry[], booking: (id: number) => Booking | undefined, input: ParsedBulkInput, now: Date) {
  const matching = entries.filter((e) => fakeMatches(e, booking(e.bookingId), input.match, now));
  const applicable = matching
    .filter((e) => !fakeLiveLease(e, now, input.leaseSeconds) && APPLIES[input.action](e, input, now))
    .sort((a, b) => a.bookingId - b.bookingId);
  return { matching, applicable, live: matching.filter((e) => fakeLiveLease(e, now, input.leaseSeconds)) };
}

export function fakeBulkPreview(entries: PoolEntry[], booking: (id: number) => Booking | undefined, input: ParsedBulkInput, now: Date): BulkPreview {
  const { matching, applicable, live } = fakeBulkRows(entries, booking, input, now);
  const filter = describeEntryMatch(input.match);
  return {
    action: input.action, measuredAt: now, filter,
    condition: `${filter}: the fake's ${input.action}; entries under a live lease (processing, claimed within the last ${input.leaseSeconds} s) are skipped`,
    matching: { count: matching.length, exact: true }, applicable: { count: applicable.length, exact: true },
    willChange: Math.min(applicable.length, input.cap), skippedLiveLease: { count: live.length, exact: true },
    cap: input.cap, leaseSeconds: input.leaseSeconds, sample: applicable.slice(0, 20),
  };
}

/** Applies the action to one entry in place; `remove` is done by the caller (it leaves the list). */
export function fakeBulkChange(e: PoolEntry, input: ParsedBulkInput): void {
  if (input.action === 'retry' || input.action === 'reset-lease') Object.assign(e, { status: 'waiting', claimedBy: null, claimedAt: null });
  if (input.action === 'make-ready') Object.assign(e, { status: 'ready', claimedBy: null, claimedAt: null });
  if (input.action === 'set-deadline') e.deadlineTime = input.deadline ?? null;
}
