import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/core/db/database.js';
import { readGaleraHealth } from '../../src/core/health/galera-health.js';
import { readPoolHealth } from '../../src/core/health/pool-health.js';
import { GaleraCluster } from '../helpers/galera-cluster.js';
import { clusterPool, type ClusterPool } from '../helpers/galera-pool.js';
import { runCli } from '../helpers/run-cli.js';

let cluster: GaleraCluster | undefined;
let pool: ClusterPool;
let dbs: Database[] = [];
const HEALTH = { leaseSeconds: 3600, maxAttempts: 3, plans: false };

beforeAll(async () => {
  cluster = await GaleraCluster.start(3);
  pool = await clusterPool(cluster);
  dbs = pool.profiles.map((profile) => new Database(profile));
});
afterAll(async () => {
  await Promise.all(dbs.map((db) => db.close()));
  await pool?.admin.end();
  await cluster?.stop();
});

const galeraReason = async (db: Database) => (await readPoolHealth(db, HEALTH)).findings.find((finding) => finding.code === 'galera-node');

describe('Galera node health', () => {
  it('a Synced node of 3 is healthy, with its figures', async () => {
    const health = await readGaleraHealth(dbs[0]!, { sampleMs: 200 });
    expect(health).toMatchObject({ clusterSize: 3, clusterStatus: 'Primary', state: 'Synced', ready: true, recvQueue: expect.any(Number), problems: [] });
    expect(health!.certFailuresPerMinute).toEqual(expect.any(Number));
    expect(await galeraReason(dbs[0]!)).toBeUndefined();
  });

  it('a node taken out of sync (desynced) degrades the health model; back in sync, it is healthy again', async () => {
    const admin = await mysql.createConnection(pool.profiles[1]!);
    try {
      await admin.query('SET GLOBAL wsrep_desync = ON');
      expect((await readGaleraHealth(dbs[1]!))?.state).toBe('Donor/Desynced');
      expect((await galeraReason(dbs[1]!))?.message).toMatch(/node state Donor\/Desynced, not Synced/);
      await admin.query('SET GLOBAL wsrep_desync = OFF');
      await cluster!.node(2).waitSynced(3);
      expect(await galeraReason(dbs[1]!)).toBeUndefined();
    } finally {
      await admin.end();
    }
  });

  it('a node stopped: the others report the smaller cluster, the stopped one is down; started again, all are healthy', async () => {
    await readGaleraHealth(dbs[0]!); // seen at 3
    await cluster!.node(3).stop();
    await cluster!.node(1).waitSynced(2);
    expect((await galeraReason(dbs[0]!))?.message).toMatch(/cluster size 2, was 3: a node left the cluster/);
    const stopped = await readPoolHealth(dbs[2]!, HEALTH);
    expect(stopped.state).toBe('down');

    await cluster!.node(3).start();
    await cluster!.node(3).waitSynced(3);
    await cluster!.node(1).waitSynced(3);
    expect(await galeraReason(dbs[0]!)).toBeUndefined();
    expect(await galeraReason(dbs[2]!)).toBeUndefined();
    expect((await readGaleraHealth(dbs[2]!))).toMatchObject({ clusterSize: 3, state: 'Synced' });
  });

  it('`pool-console doctor` prints the node figures', async () => {
    const run = await runCli(pool.profiles[0]!, ['doctor']);
    expect(run.stdout).toMatch(/galera node\n {2}cluster size +3 \(Primary\)\n {2}node state +Synced\n {2}flow control paused +[\d.]+ %\n {2}receive queue +\d+\n {2}cert failures +[\d.]+ a minute/);
    expect(run.code, run.stderr).toBe(0);
  });
});
