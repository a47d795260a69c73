import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../migrations/index.js';
import { Database } from '../../src/core/db/database.js';
import { DEMO_NOTE, DEMO_RECORDER_ID } from '../../src/core/metrics/demo-history.js';
import { readHistory } from '../../src/core/metrics/index.js';
import { DatabaseBookingPool } from '../../src/core/pool/database-booking-pool.js';
import { startSandbox, type Sandbox } from '../../src/core/sandbox/sandbox.js';
import { PoolMigrator } from '../../src/core/schema/migrator.js';
import type { ErrorEnvelope } from '../../src/shared/errors.js';
import type { ConnectionProfile } from '../../src/shared/profile.js';
import { makeTempDir } from '../helpers/temp-dirs.js';

// a real server of its own, initialised, migrated and seeded with 50,000 bookings
const SLOW = 180_000;

interface Counts {
  bookings: number;
  maxId: number;
  pooled: number;
  byStatus: Record<string, number>;
  modes: number;
}

async function counts(profile: ConnectionProfile): Promise<Counts> {
  const connection = await mysql.createConnection({ ...profile, connectTimeout: 5_000 });
  try {
    const [[totals]] = await connection.query<RowDataPacket[]>(
      'SELECT COUNT(*) AS bookings, MAX(BOOKING_ID) AS maxId, COUNT(POOL_STATUS) AS pooled, COUNT(DISTINCT POOL_MODE) AS modes FROM BOOKING_PLAN',
    );
    const [statuses] = await connection.query<RowDataPacket[]>(
      'SELECT POOL_STATUS AS status, COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS IS NOT NULL GROUP BY POOL_STATUS',
    );
    return {
      bookings: Number(totals!.bookings),
      maxId: Number(totals!.maxId),
      pooled: Number(totals!.pooled),
      modes: Number(totals!.modes),
      byStatus: Object.fromEntries(statuses.map((row) => [String(row.status), Number(row.n)])),
    };
  } finally {
    await connection.end();
  }
}

async function readState(baseDir: string): Promise<{ port?: number; seeded?: { bookings: number; pooled: number } }> {
  return JSON.parse(await fs.readFile(path.join(baseDir, 'sandbox.json'), 'utf8'));
}

describe('the local sandbox', () => {
  let baseDir: string;
  let sandbox: Sandbox | undefined;
  const errors: ErrorEnvelope[] = [];
  let firstPort = 0;
  let countsAtStop: Counts;

  beforeAll(async () => {
    baseDir = await makeTempDir();
  });

  afterAll(async () => {
    // the server first: deleting its datadir under it would leave it running
    await sandbox?.stop();
    if (baseDir) await fs.rm(baseDir, { recursive: true, force: true });
  });

  it('first start: creates, migrates and seeds the demo database, then the simulator moves the pool', { timeout: SLOW }, async () => {
    const steps: string[] = [];
    sandbox = await startSandbox({ baseDir, onProgress: (step) => steps.push(step), onError: (error) => errors.push(error) });

    expect(sandbox.created).toBe(true);
    expect(sandbox.database).toBe('pool_sandbox');
    expect(sandbox.profile).toMatchObject({ host: '127.0.0.1', port: sandbox.server.port, database: 'pool_sandbox' });
    expect(steps).toEqual(
      expect.arrayContaining(['starting the database server', 'creating the demo database', 'creating the demo schema', 'running the migrations', 'seeding 50,000 bookings, 5,000 of them pooled', 'starting the simulator (3 workers)']),
    );
    expect(steps.indexOf('creating the demo schema')).toBeLessThan(steps.indexOf('running the migrations'));
    expect(steps.indexOf('running the migrations')).toBeLessThan(steps.indexOf('seeding 50,000 bookings, 5,000 of them pooled'));
    firstPort = sandbox.server.port;
    expect(await readState(baseDir)).toMatchObject({ port: firstPort, seeded: { bookings: 50_000, pooled: 5_000 } });

    const db = new Database(sandbox.profile, { poolMax: 2 });
    try {
      await db.ping();
      const status = await new PoolMigrator(db).status();
      expect(status.pending).toEqual([]);
      expect(status.applied.map((migration) => migration.name)).toEqual(MIGRATIONS.map((migration) => migration.name));

      // the simulator has been running since the start returned: a few bookings more, a few pooled less or more
      const seeded = await counts(sandbox.profile);
      expect(seeded.bookings).toBeGreaterThanOrEqual(50_000);
      expect(seeded.bookings).toBeLessThan(50_100);
      expect(seeded.pooled).toBeGreaterThan(4_900);
      expect(seeded.pooled).toBeLessThan(5_100);
      expect(Object.keys(seeded.byStatus).sort()).toEqual(['failed', 'processing', 'ready', 'waiting']);
      expect(seeded.modes).toBe(4);

      // a few hours of history marked as demo, so the Overview's charts have something to show
      expect(steps).toContain('seeding 6 hours of demo history');
      const history = await readHistory(db, { from: new Date(Date.now() - 7 * 3_600_000), to: new Date(Date.now() + 60_000) });
      const demo = history.points.filter((point) => point.recorderId === DEMO_RECORDER_ID && point.note === DEMO_NOTE);
      expect(demo.length).toBeGreaterThanOrEqual(6 * 60 - 1);
      expect(demo[demo.length - 1]!.time.getTime() - demo[0]!.time.getTime()).toBeGreaterThanOrEqual(5.9 * 3_600_000);

      // the live charts' source changes within seconds: the feeder enters, the workers claim and finish
      const pool = new DatabaseBookingPool(db);
      const before = await pool.getPoolStats();
      await expect
        .poll(
          async () => {
            const now = await pool.getPoolStats();
            return now.inPool !== before.inPool || JSON.stringify(now.byStatus) !== JSON.stringify(before.byStatus);
          },
          { timeout: 15_000, interval: 500 },
        )
        .toBe(true);
      await expect.poll(() => sandbox!.activity().simulation?.entered ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);
      await expect.poll(() => sandbox!.activity().simulation?.completed ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);
      expect(sandbox.activity().keeper.rounds).toBeGreaterThanOrEqual(1);
    } finally {
      await db.close();
    }
    expect(errors).toEqual([]);
  });

  it('refuses a second sandbox on the same folder while one runs', async () => {
    await expect(startSandbox({ baseDir })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(sandbox!.server.running).toBe(true);
  });

  it('stop() stops the simulator and the server', { timeout: SLOW }, async () => {
    countsAtStop = await counts(sandbox!.profile);
    const server = sandbox!.server;
    await sandbox!.stop();
    await sandbox!.stop(); // twice is harmless
    sandbox = undefined;
    expect(server.running).toBe(false);
  });

  it('a later start keeps the data and the port, and does not seed again', { timeout: SLOW }, async () => {
    const steps: string[] = [];
    sandbox = await startSandbox({ baseDir, onProgress: (step) => steps.push(step), onError: (error) => errors.push(error) });
    expect(sandbox.created).toBe(false);
    expect(sandbox.server.port).toBe(firstPort);
    expect(steps.some((step) => /seeding|creating/.test(step))).toBe(false);

    const after = await counts(sandbox.profile);
    // nothing but the simulator's feeder (one a second) added bookings; a reseed would add 50,000
    expect(after.bookings).toBeGreaterThanOrEqual(countsAtStop.bookings);
    expect(after.bookings).toBeLessThan(countsAtStop.bookings + 100);
    expect(after.maxId).toBeGreaterThanOrEqual(countsAtStop.maxId);
    expect(Math.abs(after.pooled - countsAtStop.pooled)).toBeLessThan(100);
    expect(errors).toEqual([]);
  });

  it('moves to a new port when the remembered one is taken by another program, and remembers that', { timeout: SLOW }, async () => {
    await sandbox!.stop();
    sandbox = undefined;
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(firstPort, '127.0.0.1', resolve));
    try {
      const steps: string[] = [];
      sandbox = await startSandbox({ baseDir, onProgress: (step) => steps.push(step) });
      expect(sandbox.created).toBe(false);
      expect(sandbox.server.port).not.toBe(firstPort);
      expect(steps).toContain(`port ${firstPort} is taken by another program: moving the sandbox to a new port`);
      expect((await readState(baseDir)).port).toBe(sandbox.server.port);
      expect((await counts(sandbox.profile)).bookings).toBeGreaterThanOrEqual(countsAtStop.bookings);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });
});
