import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Database } from '../../src/core/db/database.js';
import { MetricsRecorder } from '../../src/core/metrics/index.js';
import { DatabaseBookingPool } from '../../src/core/pool/database-booking-pool.js';
import { freshDatabase } from '../helpers/database.js';
import { insertBookings, seedQuietPool } from '../helpers/pool-database.js';

/*
 * Cost at scale: when an exact count costs more than its share of the interval, the recorder
 * counts exactly every Nth row and estimates between. A tiny share makes every count "slow"
 * here, whatever the machine, so the backoff is deterministic.
 */
const t = freshDatabase();
const GENEROUS = { timeout: 60_000, interval: 100 };
let db: Database;
let recorder: MetricsRecorder;

beforeAll(async () => {
  await seedQuietPool(t, 20);
  db = new Database(t.profile);
  recorder = new MetricsRecorder(db, { role: 'test', intervalMs: 150, slowShare: 1e-9, maintenanceEveryMs: 3_600_000 });
});
afterAll(async () => {
  await recorder?.stop();
  await db?.close();
});

interface Row {
  exact: number;
  inPool: number;
  waiting: number;
  eligible: number;
  overdue: number;
  entered: number | null;
  note: string | null;
}

async function rows(): Promise<Row[]> {
  const [found] = await t.admin.query<RowDataPacket[]>(
    `SELECT EXACT AS exact, IN_POOL AS inPool, WAITING AS waiting, ELIGIBLE AS eligible, OVERDUE AS overdue, EV_ENTERED AS entered, NOTE AS note
       FROM POOL_METRICS WHERE RESOLUTION = 10 ORDER BY SAMPLE_TIME`,
  );
  return found.map((row) => ({ ...row, exact: Number(row.exact), entered: row.entered === null ? null : Number(row.entered) }) as Row);
}

describe('a slow exact count', () => {
  it('backs off: exact every 2, 4, 8… rows, estimates between, each row saying which it is', async () => {
    recorder.start();
    await vi.waitFor(async () => expect((await rows()).length).toBeGreaterThanOrEqual(15), GENEROUS);
    const written = await rows();
    // 1 exact, then 2^level − 1 estimates before each next exact count.
    expect(written.slice(0, 15).map((row) => row.exact)).toEqual([1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
    for (const row of written.filter((r) => r.exact === 1)) expect(row.note).toMatch(/^slow count: \d+ ms, over .* counted exactly every \d+ rows/);
    for (const row of written.filter((r) => r.exact === 0)) expect(row.note).toMatch(/^estimate: the exact count of .* plus the events since/);
    // On a quiet pool an estimate is the exact count it started from.
    for (const row of written.slice(0, 15)) expect(row).toMatchObject({ inPool: 20, waiting: 20, eligible: 0, overdue: 0 });
    // The stats statement ran only for the exact rows.
    const statsRuns = db.latency.summary().find((series) => series.name === 'pool.stats')?.count ?? 0;
    expect(statsRuns).toBeLessThan(written.length);
    expect(recorder.state().exactEvery).toBeGreaterThanOrEqual(8);
  });

  it('an estimate follows the events: entries added show in the next estimated rows', async () => {
    const ids = await insertBookings(t.admin, { count: 5 });
    const pool = new DatabaseBookingPool(db);
    for (const id of ids) await pool.addToPool(id, new Date(Date.now() + 86_400_000), { mode: 'NORMAL' });

    await vi.waitFor(async () => expect((await rows()).some((row) => row.exact === 0 && row.inPool === 25)).toBe(true), GENEROUS);
    const estimated = (await rows()).find((row) => row.exact === 0 && row.inPool === 25);
    expect(estimated).toMatchObject({ waiting: 25 });
    // The five entered events are counted in the deltas of the rows since.
    const entered = (await rows()).reduce((sum, row) => sum + (row.entered ?? 0), 0);
    expect(entered).toBe(5);
  });
});
