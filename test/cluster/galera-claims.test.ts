import mysql, { type RowDataPacket } from 'mysql2/promise';
import { Database } from '../../src/core/db/database.js';
import { whenCommitted } from '../../src/core/db/when-committed.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GaleraCluster } from '../helpers/galera-cluster.js';
import { claimUntilEmpty, clusterPool, fillPool, type ClusterPool } from '../helpers/galera-pool.js';

const CLAIMERS = 8;
const ENTRIES = Number(process.env.POOL_GALERA_TEST_ENTRIES ?? 20_000);

let cluster: GaleraCluster | undefined;
let pool: ClusterPool;

beforeAll(async () => {
  cluster = await GaleraCluster.start(3);
  pool = await clusterPool(cluster);
});
afterAll(async () => {
  await pool?.admin.end();
  await cluster?.stop();
});

describe('claims on a 3-node Galera cluster', () => {
  it(`${CLAIMERS} claimers spread over the nodes claim ${ENTRIES} entries: each exactly once, none lost`, async () => {
    const ids = await fillPool(pool.admin, ENTRIES);
    let outcome = await claimUntilEmpty(pool.profiles, CLAIMERS, 20);
    console.log(`galera claims: ${ids.length} entries, ${outcome.calls} calls, ${outcome.failures.length} failed calls, ${Math.round(outcome.ms)} ms`);

    // Each booking told to exactly one claimer: no double claims.
    expect([...outcome.wins.entries()].filter(([, owners]) => owners.length > 1)).toEqual([]);
    // A call that failed after its retries rolled back, so what it held is eligible again: a
    // second round claims it, and then every booking has been won.
    if (outcome.failures.length > 0) {
      const again = await claimUntilEmpty(pool.profiles, CLAIMERS, 20);
      for (const [id, owners] of again.wins) outcome.wins.set(id, [...(outcome.wins.get(id) ?? []), ...owners]);
      outcome = { ...outcome, failures: [...outcome.failures, ...again.failures] };
    }
    expect([...outcome.wins.entries()].filter(([, owners]) => owners.length > 1)).toEqual([]);
    expect([...outcome.wins.keys()].sort((a, b) => a - b)).toEqual(ids);

    // The database agrees: processing, by the owner that was told, once; nothing processing unreported.
    const [rows] = await pool.admin.query<RowDataPacket[]>(
      'SELECT BOOKING_ID AS id, POOL_STATUS AS status, POOL_CLAIMED_BY AS owner, POOL_PROCESSING_ATTEMPTS AS attempts FROM BOOKING_PLAN WHERE POOL_STATUS IS NOT NULL',
    );
    expect(rows).toHaveLength(ids.length);
    const wrong = rows.filter((row) => row.status !== 'processing' || row.attempts !== 1 || outcome.wins.get(Number(row.id))?.[0] !== row.owner);
    expect(wrong).toEqual([]);
    const [[counted]] = await pool.admin.query<RowDataPacket[]>("SELECT COALESCE(SUM(TOTAL), 0) AS n FROM POOL_EVENT_COUNTS WHERE EVENT = 'claimed'");
    expect(Number(counted?.n)).toBe(ids.length);
  });

  it('a transaction that loses certification to another node is retried whole, and its after-commit work runs once', async () => {
    await pool.admin.query("INSERT INTO POOL_EVENT_COUNTS (EVENT, SHARD, TOTAL) VALUES ('entered', 99, 0)");
    const db = new Database(pool.profiles[0]!);
    const other = await mysql.createConnection(pool.profiles[1]!);
    try {
      let attempts = 0;
      let counted = 0;
      await db.transaction(async (transaction) => {
        attempts += 1;
        await db.execute('test.bump', "UPDATE POOL_EVENT_COUNTS SET TOTAL = TOTAL + 1 WHERE EVENT = 'entered' AND SHARD = 99", { transaction });
        whenCommitted(transaction, () => (counted += 1));
        // the same row changed and committed on node 2 meanwhile: certified first, so this one loses
        if (attempts === 1) await other.query("UPDATE POOL_EVENT_COUNTS SET TOTAL = TOTAL + 10 WHERE EVENT = 'entered' AND SHARD = 99");
      });
      expect(attempts).toBe(2);
      expect(counted).toBe(1);
      const [[row]] = await pool.admin.query<RowDataPacket[]>("SELECT TOTAL AS total FROM POOL_EVENT_COUNTS WHERE EVENT = 'entered' AND SHARD = 99");
      expect(Number(row?.total)).toBe(11);
    } finally {
      await other.end();
      await db.close();
    }
  });
});
