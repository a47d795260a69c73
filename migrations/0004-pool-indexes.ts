import { addIndexesMigration } from '../src/core/schema/migration-kit.js';

/**
 * The summary's five indexes plus what the pool's own queries need. An index is created only when
 * no index (under any name, e.g. the host ORM's BOOKING_PLAN_POOL_*_idx) already starts with its
 * columns: idx_pool_claim covers idx_pool_ready and idx_pool_status, so on a fresh table those two
 * are recorded as served by it rather than created as redundant copies.
 */
export default addIndexesMigration('0004-pool-indexes', 'Pool indexes on BOOKING_PLAN', 'BOOKING_PLAN', [
  { name: 'idx_pool_claim', columns: ['POOL_STATUS', 'POOL_DEADLINE_TIME', 'POOL_ENTRY_TIME'], purpose: 'ready page and claim order without a filesort' },
  { name: 'idx_pool_ready', columns: ['POOL_STATUS', 'POOL_DEADLINE_TIME'], purpose: 'ready queries (summary)' },
  { name: 'idx_pool_processing', columns: ['POOL_STATUS', 'POOL_ENTRY_TIME'], purpose: 'entries by status in entry order (summary)' },
  { name: 'idx_pool_lease', columns: ['POOL_STATUS', 'POOL_CLAIMED_AT'], purpose: 'stuck-lease scan' },
  { name: 'idx_pool_mode', columns: ['POOL_MODE', 'POOL_STATUS'], purpose: 'counts and filters by mode' },
  { name: 'idx_pool_status', columns: ['POOL_STATUS'], purpose: 'status queries (summary)' },
  { name: 'idx_pool_entry_time', columns: ['POOL_ENTRY_TIME'], purpose: 'all entries in entry order (summary)' },
  { name: 'idx_pool_deadline', columns: ['POOL_DEADLINE_TIME'], purpose: 'deadline queries across statuses (summary)' },
]);
