import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/core/db/database.js';
import { DatabaseBookingPool } from '../../src/core/pool/database-booking-pool.js';
import { PoolStartupManager } from '../../src/core/pool/pool-startup-manager.js';
import { PoolMigrator } from '../../src/core/schema/migrator.js';
import { PoolError } from '../../src/shared/errors.js';
import { hostSchemaSql } from '../fixtures/host-schema.js';
import { privateServer } from '../helpers/database.js';
import { insertBookings, poolDirectly } from '../helpers/pool-database.js';

// A server of this file's own: stopping the shared one would fail every other file running beside it.
const own = privateServer();
let db: Database;
let pool: DatabaseBookingPool;
let manager: PoolStartupManager;

beforeAll(async () => {
  await own.database.admin.query(hostSchemaSql('bare'));
  db = new Database(own.database.profile, { connectTimeoutMs: 2000 });
  await new PoolMigrator(db).up();
  pool = new DatabaseBookingPool(db);
  manager = new PoolStartupManager(db);
  const ids = await insertBookings(own.database.admin, { count: 12 });
  await poolDirectly(own.database.admin, ids.slice(0, 8), { status: 'waiting', deadlineHoursFromNow: -1 });
  await poolDirectly(own.database.admin, ids.slice(8), { status: 'ready', deadlineHoursFromNow: 24 });
});

afterAll(async () => {
  await db?.close();
});

/** The classified error a call fails with; fails the test if it returns anything at all. */
async function failure(call: Promise<unknown>): Promise<PoolError> {
  const outcome = await call.then((value) => ({ value }), (error: unknown) => ({ error }));
  if (!('error' in outcome)) throw new Error(`expected a failure during the outage, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(PoolError);
  return outcome.error as PoolError;
}

describe('a database outage', () => {
  it('is an error, never an empty pool, and status says down; the next call after the restart works', async () => {
    expect((await pool.getPoolStats()).inPool).toBe(12);
    expect((await manager.getSystemStatus()).state).not.toBe('down');

    await own.server.stop();

    for (const call of [() => pool.getPoolStats(), () => pool.getReadyForAssignment(), () => pool.getAllPoolEntries()]) {
      const error = await failure(call());
      expect(error.code).toBe('UNREACHABLE');
      expect(error.message).toMatch(/^Cannot reach 127\.0\.0\.1:\d+/);
    }

    const status = await manager.getSystemStatus();
    expect(status.state).toBe('down');
    expect(status.reasons).toEqual([expect.stringMatching(/^Cannot reach 127\.0\.0\.1:\d+/)]);
    expect(status.stats).toBeUndefined();

    const checks = await manager.validatePoolSystem();
    expect(checks[0]).toMatchObject({ check: 'database.reachable', ok: false, code: 'UNREACHABLE' });
    expect(checks.every((check) => !check.ok)).toBe(true);

    expect((await failure(manager.initializePoolSystem())).code).toBe('UNREACHABLE');

    await own.server.start();

    expect((await pool.getPoolStats()).inPool).toBe(12);
    expect((await pool.getReadyForAssignment()).map((entry) => entry.status).sort()).toEqual([...Array(8).fill('waiting'), 'ready', 'ready', 'ready', 'ready'].sort());
    const after = await manager.getSystemStatus();
    expect(['healthy', 'degraded']).toContain(after.state);
    expect(after.stats?.inPool).toBe(12);
    expect((await manager.validatePoolSystem())[0]).toMatchObject({ check: 'database.reachable', ok: true });
  }, 90_000);
});
