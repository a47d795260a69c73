import { createTableMigration } from '../src/core/schema/migration-kit.js';

/*
 * The library's workers, one row per owner id (the POOL_CLAIMED_BY they claim under): where they
 * run, their heartbeat (database clock) and interval, and running counts of what they did. The
 * Workers list judges alive / late / dead by the heartbeat's age against the worker's own interval.
 */
export default createTableMigration(
  '0008-pool-workers',
  'Worker heartbeats POOL_WORKERS (owner, host, pid, version, heartbeat, claims, completes, fails, last error)',
  'POOL_WORKERS',
  `
  OWNER_ID VARCHAR(128) NOT NULL PRIMARY KEY,
  HOST VARCHAR(255) NOT NULL,
  PID INT UNSIGNED NULL,
  VERSION VARCHAR(64) NULL,
  STARTED_AT DATETIME(3) NOT NULL,
  HEARTBEAT_AT DATETIME(3) NOT NULL,
  HEARTBEAT_INTERVAL_MS INT UNSIGNED NOT NULL,
  STOPPED_AT DATETIME(3) NULL,
  CLAIMS BIGINT UNSIGNED NOT NULL DEFAULT 0,
  COMPLETES BIGINT UNSIGNED NOT NULL DEFAULT 0,
  FAILS BIGINT UNSIGNED NOT NULL DEFAULT 0,
  CLAIMS_PER_MINUTE INT UNSIGNED NULL,
  LAST_ERROR VARCHAR(1000) NULL,
  LAST_ERROR_AT DATETIME(3) NULL,
  KEY idx_workers_heartbeat (HEARTBEAT_AT)
`,
  {
    dropWithRows: { because: 'worker heartbeats and running counts, no history: running workers register again on their next heartbeat' },
  },
);
