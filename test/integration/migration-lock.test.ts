import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/core/db/database.js';
import type { PoolMigration } from '../../src/core/schema/migration-kit.js';
import { PoolMigrator } from '../../src/core/schema/migrator.js';
import { hostSchemaSql } from '../fixtures/host-schema.js';
import { freshDatabase } from '../helpers/database.js';

const fresh = freshDatabase();
let first: Database;
let second: Database;

beforeAll(async () => {
  await fresh.admin.query(hostSchemaSql('bare'));
  first = new Database(fresh.profile);
  second = new Database(fresh.profile);
});
afterAll(async () => {
  await first.close();
  await second.close();
});

/** A migration that takes a while, so that a second migrator meets the first one's lock. */
function slowMigration(name: string, seconds: number): PoolMigration {
  return {
    name,
    description: 'sleeps twice',
    expects: { table: 'BOOKING_PLAN' },
    planUp: async () => [
      { summary: 'sleep', sql: `DO SLEEP(${seconds})` },
      { summary: 'sleep again', sql: `DO SLEEP(${seconds})` },
    ],
    planDown: async () => [],
  };
}

async function waitForHolder(migrator: PoolMigrator) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const holder = await migrator.lockHolder();
    if (holder) return holder;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the first migrator never took the lock');
}

describe('migration lock', () => {
  it('lets one of two concurrent migrators run and tells the other who holds the lock', async () => {
    const running = new PoolMigrator(first, { migrations: [slowMigration('0000-slow-a', 0.75)] });
    const waiting = new PoolMigrator(second);
    const firstRun = running.up();
    const holder = await waitForHolder(waiting);

    const refused = await waiting.up().then(() => null, (error: unknown) => error);
    expect(refused).toMatchObject({ code: 'CONFLICT' });
    expect((refused as Error).message).toMatch(/Migration in progress \(held by .+connection \d+\)/);
    expect((refused as Error).message).toContain(`connection ${holder.connectionId}`);
    expect((await waiting.status()).applied).toEqual([]);

    await firstRun;
    expect(await waiting.lockHolder()).toBeNull();
    await waiting.up();
    expect((await waiting.status()).pending).toEqual([]);
  });

  it('releases the lock when the holding connection dies, and the run stops at its next step', async () => {
    const running = new PoolMigrator(first, { migrations: [slowMigration('0000-slow-b', 1)] });
    const observer = new PoolMigrator(second);
    const run = running.up().then(() => null, (error: unknown) => error);
    const holder = await waitForHolder(observer);

    await fresh.admin.query(`KILL ${holder.connectionId}`);
    for (let attempt = 0; attempt < 100 && (await observer.lockHolder()); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await observer.lockHolder()).toBeNull();
    const stopped = await run;
    expect(stopped).toMatchObject({ code: 'CONFLICT' });
    expect((stopped as Error).message).toMatch(/lock was lost/);
    expect((await running.status()).applied.map((m) => m.name)).not.toContain('0000-slow-b');
  });
});
