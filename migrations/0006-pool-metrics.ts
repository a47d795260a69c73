import { createTableMigration } from '../src/core/schema/migration-kit.js';

/*
 * The pool's history (issue 10): one row per sample of the recorder (the one console or agent
 * holding the recorder lock), raw every 10 s, rolled up into 1-minute and 1-hour rows. The primary
 * key (resolution, time) is the history read's range and makes each rollup bucket one row. Counts
 * per status are columns (charted and exported one by one); the mode × status matrix is a JSON
 * object (20 figures, read as a whole), as are the running event totals the next deltas start
 * from. JSON is native on MySQL 8 and a checked LONGTEXT on MariaDB 10.6: both accept it.
 * Written out as it was when this migration was made: a migration must not change with the code.
 */
export default createTableMigration(
  '0006-pool-metrics',
  'Pool history POOL_METRICS (10-second samples, 1-minute and 1-hour rollups)',
  'POOL_METRICS',
  `
  RESOLUTION SMALLINT UNSIGNED NOT NULL,
  SAMPLE_TIME DATETIME(3) NOT NULL,
  RECORDER_ID VARCHAR(128) NOT NULL,
  EXACT TINYINT(1) NOT NULL DEFAULT 1,
  SAMPLES INT UNSIGNED NOT NULL DEFAULT 1,
  IN_POOL INT UNSIGNED NOT NULL,
  WAITING INT UNSIGNED NOT NULL,
  READY INT UNSIGNED NOT NULL,
  PROCESSING INT UNSIGNED NOT NULL,
  FAILED INT UNSIGNED NOT NULL,
  BY_MODE_STATUS JSON NULL,
  ELIGIBLE INT UNSIGNED NOT NULL,
  OVERDUE INT UNSIGNED NOT NULL,
  EXPIRED_LEASES INT UNSIGNED NOT NULL,
  FAILED_AT_MAX INT UNSIGNED NOT NULL,
  OLDEST_ENTRY_AGE_S INT UNSIGNED NULL,
  DUE_1H INT UNSIGNED NOT NULL,
  DUE_6H INT UNSIGNED NOT NULL,
  DUE_24H INT UNSIGNED NOT NULL,
  EV_ENTERED BIGINT UNSIGNED NULL,
  EV_CLAIMED BIGINT UNSIGNED NULL,
  EV_COMPLETED BIGINT UNSIGNED NULL,
  EV_FAILED BIGINT UNSIGNED NULL,
  EV_RETRIED BIGINT UNSIGNED NULL,
  EV_REMOVED BIGINT UNSIGNED NULL,
  EV_RESET BIGINT UNSIGNED NULL,
  EVENT_TOTALS JSON NULL,
  SAMPLE_MS INT UNSIGNED NOT NULL,
  INTERVAL_MS INT UNSIGNED NOT NULL,
  NOTE VARCHAR(255) NULL,
  PRIMARY KEY (RESOLUTION, SAMPLE_TIME)
`,
  {
    // Sampled figures, not an operator's record: a revert of this feature may take them along.
    dropWithRows: { because: 'sampled pool history, no operator record: the charts start again from empty' },
  },
);
