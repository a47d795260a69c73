import { createTableMigration } from '../src/core/schema/migration-kit.js';

/*
 * Running totals of pool events, for the Overview's throughput (entered / claimed / completed /
 * failed per minute) and its drain projection: the stats' counts only show net changes. Each
 * event has 16 rows (shards): a claim adds to a random one, so concurrent claimers seldom wait on
 * each other's counter. The events and shards are written out here, as they were when this
 * migration was made: a migration must not change with the code after it.
 */
const EVENTS = ['entered', 'claimed', 'completed', 'failed', 'retried', 'removed', 'reset'];
const SHARDS = 16;
const ROWS = EVENTS.flatMap((event) => Array.from({ length: SHARDS }, (_, shard) => `('${event}', ${shard}, 0)`));

export default createTableMigration(
  '0005-pool-event-counts',
  'Event counters POOL_EVENT_COUNTS (entered, claimed, completed, failed, retried, removed, reset)',
  'POOL_EVENT_COUNTS',
  `
  EVENT VARCHAR(16) NOT NULL,
  SHARD TINYINT UNSIGNED NOT NULL,
  TOTAL BIGINT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (EVENT, SHARD)
`,
  {
    seed: {
      summary: `seed POOL_EVENT_COUNTS: ${EVENTS.length} events × ${SHARDS} shards at 0 (rows already there are kept)`,
      sql: `INSERT INTO POOL_EVENT_COUNTS (EVENT, SHARD, TOTAL) VALUES ${ROWS.join(', ')} ON DUPLICATE KEY UPDATE TOTAL = TOTAL`,
    },
    // Unlike the audit history, counters are worth nothing without the console that reads them.
    dropWithRows: { because: 'running event totals, no history: the throughput chart starts again from zero' },
  },
);
