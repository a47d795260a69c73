import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/core/db/database.js';
import { RecorderLock } from '../../src/core/metrics/leader-lock.js';
import { PoolMigrationManager } from '../../src/core/pool/pool-migration-manager.js';
import type { PoolMigration } from '../../src/core/schema/migration-kit.js';
import { PoolMigrator } from '../../src/core/schema/migrator.js';
import type { ConnectionProfile } from '../../src/shared/profile.js';
import { hostSchemaSql } from '../fixtures/host-schema.js';
import { GaleraCluster } from '../helpers/galera-cluster.js';
import { runCli } from '../helpers/run-cli.js';

let cluster: GaleraCluster | undefined;
let profiles: ConnectionProfile[];
let onNode1: Database;
let onNode2: Database;

beforeAll(async () => {
  cluster = await GaleraCluster.start(3);
  profiles = await cluster.createDatabase('lock_test');
  const admin = await mysql.createConnection({ ...profiles[0], multipleStatements: true });
  await admin.query(hostSchemaSql('bare'));
  await admin.end();
  onNode1 = new Database(profiles[0]!);
  onNode2 = new Database(profiles[1]!);
});
afterAll(async () => {
  await onNode1?.close();
  await onNode2?.close();
  await cluster?.stop();
});

/** A migration that takes a while without DDL, so the console on the other node meets its lock. */
function slowMigration(seconds: number): PoolMigration {
  return {
    name: '0000-slow',
    description: 'sleeps twice',
    expects: { table: 'BOOKING_PLAN' },
    planUp: async () => [
      { summary: 'sleep', sql: `DO SLEEP(${seconds})` },
      { summary: 'sleep again', sql: `DO SLEEP(${seconds})` },
    ],
    planDown: async () => [],
  };
}

describe('the cluster-wide lock on Galera', () => {
  it('GET_LOCK is per node: two sessions on two nodes both get the same name (why it is not used there)', async () => {
    const [a, b] = await Promise.all(profiles.slice(0, 2).map((profile) => mysql.createConnection(profile)));
    try {
      const [[gotA]] = await a!.query<mysql.RowDataPacket[]>("SELECT GET_LOCK('pool_console.same', 0) AS got");
      const [[gotB]] = await b!.query<mysql.RowDataPacket[]>("SELECT GET_LOCK('pool_console.same', 0) AS got");
      expect([Number(gotA?.got), Number(gotB?.got)]).toEqual([1, 1]);
    } finally {
      await a!.end();
      await b!.end();
    }
  });

  it('two consoles on two nodes: one migrates, the other is told who holds the lock, then migrates after it', async () => {
    const running = new PoolMigrator(onNode1, { migrations: [slowMigration(2)] });
    const waiting = new PoolMigrator(onNode2);
    const firstRun = running.up();
    let holder = await waiting.lockHolder();
    for (let tries = 0; !holder && tries < 200; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      holder = await waiting.lockHolder();
    }
    expect(holder).toMatchObject({ connectionId: null, owner: expect.stringContaining(`pid ${process.pid}`) });

    const refused = await waiting.up().then(() => null, (error: unknown) => error);
    expect(refused).toMatchObject({ code: 'CONFLICT' });
    expect((refused as Error).message).toContain(`Migration in progress (held by ${holder!.owner}`);
    // nothing of the refused run happened, on any node
    expect((await waiting.status()).applied).toEqual([]);

    await firstRun;
    expect(await waiting.lockHolder()).toBeNull();
    const plans = await waiting.up();
    // the lock table was there before 0010 ran (the migrator made it): 0010 adopted it
    expect(plans.find((plan) => plan.name === '0010-pool-locks')?.steps.map((step) => step.summary)).toEqual(['table POOL_LOCKS exists: adopted']);
    expect((await waiting.status()).pending).toEqual([]);
    // the Migrations page and `migrate status` say what DDL blocks on a cluster
    expect((await new PoolMigrationManager(onNode2).getMigrationStatus()).clusterWarning).toMatch(/total order isolation \(TOI\) on every node/);
    const dryRun = await runCli(profiles[0]!, ['migrate', 'up', '--dry-run']);
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stderr).toMatch(/^warning: This database is a Galera cluster: each migration step \(DDL\) runs in total order isolation/m);
  });

  it("the recorder's leadership: one leader across the nodes, the other takes over once it is released", async () => {
    const first = new RecorderLock(onNode1.profile, onNode1);
    const second = new RecorderLock(onNode2.profile, onNode2);
    expect(await first.tryAcquire()).toBe(true);
    expect(await second.tryAcquire()).toBe(false);
    expect(await first.held()).toBe(true);
    expect(await second.held()).toBe(false);
    await first.release();
    expect(await second.tryAcquire()).toBe(true);
    expect(await first.tryAcquire()).toBe(false);
    await second.release();
  });
});
