import { addIndexesMigration } from '../src/core/schema/migration-kit.js';

/**
 * The Entries search by owner and by room: without these, a search for one owner (a few hundred
 * bookings among a million) reads the whole pool or the whole table (seconds on 1M bookings, see
 * docs/BENCHMARKS.md "Entries search"). Each leads with the searched column, then the entry time
 * (the pooled rows of one owner or room are one range: `POOL_ENTRY_TIME IS NOT NULL`), then the
 * status, so the bounded total (up to 10,001 entries of a big room) is counted from the index
 * alone. Added to the host's table like 0004: ALGORITHM=INPLACE, LOCK=NONE, and adopted when an
 * index under any name already starts with these columns.
 */
export default addIndexesMigration('0011-search-indexes', 'Entries search indexes on BOOKING_PLAN (owner, room)', 'BOOKING_PLAN', [
  { name: 'idx_pool_owner', columns: ['OWNER_EMP_CODE', 'POOL_ENTRY_TIME', 'POOL_STATUS'], purpose: 'Entries search by owner, in entry order' },
  { name: 'idx_pool_room', columns: ['MEETING_ROOM', 'POOL_ENTRY_TIME', 'POOL_STATUS'], purpose: 'Entries search by room, in entry order' },
]);
