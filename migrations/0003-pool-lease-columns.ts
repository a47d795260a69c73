import { addColumnsMigration } from '../src/core/schema/migration-kit.js';

/**
 * What the first implementation lacked: the entry's own mode (it recomputed it on every read),
 * a claim lease (stuck detection read updated_at, which any write refreshes), the last error.
 */
export default addColumnsMigration('0003-pool-lease-columns', 'Pool mode, claim lease and last error on BOOKING_PLAN', 'BOOKING_PLAN', [
  { name: 'POOL_MODE', definition: "ENUM('BALANCE','URGENT','NORMAL','CUSTOM') NULL DEFAULT NULL" },
  { name: 'POOL_CLAIMED_BY', definition: 'VARCHAR(128) NULL DEFAULT NULL' },
  { name: 'POOL_CLAIMED_AT', definition: 'DATETIME NULL DEFAULT NULL' },
  { name: 'POOL_LAST_ERROR', definition: 'VARCHAR(1000) NULL DEFAULT NULL' },
]);
