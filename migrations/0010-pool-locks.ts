import { LOCKS_TABLE, LOCKS_TABLE_BODY } from '../src/core/db/lock-table.js';
import { createTableMigration } from '../src/core/schema/migration-kit.js';

/*
 * Named locks as rows (owner, host, acquired, expires): on a Galera cluster, where GET_LOCK holds
 * on one node only, the migration lock and the recorder's leadership are rows here, certified
 * across the cluster. On Galera the migrator creates the table itself before its first run (its
 * own lock needs it), and this migration adopts it.
 */
export default createTableMigration(
  '0010-pool-locks',
  'Cluster-wide named locks POOL_LOCKS (name, owner, host, acquired at, expires at) for Galera',
  LOCKS_TABLE,
  LOCKS_TABLE_BODY,
  { dropWithRows: { because: 'lock rows only: a lock held now is taken again on its next renewal or run' } },
);
