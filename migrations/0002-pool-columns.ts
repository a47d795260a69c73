import { addColumnsMigration } from '../src/core/schema/migration-kit.js';

/** The summary's four pool columns, exactly as DOMAIN.md names them; adopted where the host has them. */
export default addColumnsMigration('0002-pool-columns', 'Pool columns on BOOKING_PLAN (status, entry time, deadline, attempts)', 'BOOKING_PLAN', [
  { name: 'POOL_STATUS', definition: "ENUM('waiting','ready','processing','failed') NULL DEFAULT NULL" },
  { name: 'POOL_ENTRY_TIME', definition: 'DATETIME NULL DEFAULT NULL' },
  { name: 'POOL_DEADLINE_TIME', definition: 'DATETIME NULL DEFAULT NULL' },
  // The host has both NOT NULL and NULL-able versions; whichever exists is kept, new ones get the original.
  { name: 'POOL_PROCESSING_ATTEMPTS', definition: 'INT NOT NULL DEFAULT 0' },
]);
