import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Database } from '../../src/core/db/database.js';
import { MetricsRecorder } from '../../src/core/metrics/index.js';
import { freshDatabase } from '../helpers/database.js';
import { seedQuietPool } from '../helpers/pool-database.js';

/*
 * One recorder at a time: two recorders, each with its own Database (as two consoles have), on
 * one database. Short intervals; every wait polls with a generous deadline (busy machines).
 */
const t = freshDatabase();
const INTERVAL_MS = 500;
const GENEROUS = { timeout: 30_000, interval: 100 };
let dbA: Database;
let dbB: Database;
let a: MetricsRecorder;
let b: MetricsRecorder;

beforeAll(async () => {
  await seedQuietPool(t, 30);
  dbA = new Database(t.profile);
  dbB = new Database(t.profile);
  a = new MetricsRecorder(dbA, { role: 'test-a', intervalMs: INTERVAL_MS });
  b = new MetricsRecorder(dbB, { role: 'test-b', intervalMs: INTERVAL_MS });
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await Promise.all([dbA?.close(), dbB?.close()]);
});

async function rowsBy(): Promise<Map<string, number>> {
  const [rows] = await t.admin.query<RowDataPacket[]>('SELECT RECORDER_ID AS id, COUNT(*) AS n FROM POOL_METRICS WHERE RESOLUTION = 10 GROUP BY RECORDER_ID');
  return new Map(rows.map((row) => [String(row.id), Number(row.n)]));
}

const statsQueries = (db: Database) => db.latency.summary().find((series) => series.name === 'pool.stats')?.count ?? 0;

describe('two recorders on one database', () => {
  it('elects one leader: only it writes rows, the other reads them and issues no stats query', async () => {
    a.start();
    await vi.waitFor(() => expect(a.state().role).toBe('leader'), GENEROUS);
    b.start();
    await vi.waitFor(() => expect(b.state().role).toBe('follower'), GENEROUS);

    // Several of the leader's rows, and the follower has read one of them.
    await vi.waitFor(async () => expect((await rowsBy()).get(a.identity) ?? 0).toBeGreaterThanOrEqual(6), GENEROUS);
    await vi.waitFor(() => expect(b.latest()?.recorderId).toBe(a.identity), GENEROUS);

    const written = await rowsBy();
    expect([...written.keys()]).toEqual([a.identity]);
    expect(b.state()).toMatchObject({ role: 'follower', lockConnectionId: null, lastError: null });
    expect(a.state()).toMatchObject({ role: 'leader', lastError: null });
    // The leader ran the stats statement for each exact row (on a busy machine it may back off to
    // estimates between: see recorder-estimate.test.ts); the follower never did.
    const [[exact]] = await t.admin.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM POOL_METRICS WHERE EXACT = 1 AND RECORDER_ID = ?', [a.identity]);
    expect(Number(exact?.n)).toBeGreaterThan(0);
    expect(statsQueries(dbA)).toBeGreaterThanOrEqual(Number(exact?.n));
    expect(statsQueries(dbB)).toBe(0);
    expect(dbB.latency.summary().find((series) => series.name === 'metrics.latest')?.count).toBeGreaterThan(0);
  });

  it('the follower shows each new row through onRow, in order', async () => {
    const seen: Date[] = [];
    const unsubscribe = b.onRow((row) => seen.push(row.time));
    try {
      await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(3), GENEROUS);
    } finally {
      unsubscribe();
    }
    const times = seen.map((time) => time.getTime());
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(new Set(times).size).toBe(times.length);
  });

  it('when the leader\'s lock connection is killed, the other takes over and writes, and the old leader stops writing', async () => {
    const lockConnection = a.state().lockConnectionId;
    expect(lockConnection).not.toBeNull();
    await t.admin.query(`KILL ${Number(lockConnection)}`);

    await vi.waitFor(() => expect(b.state().role).toBe('leader'), GENEROUS);
    await vi.waitFor(async () => expect((await rowsBy()).get(b.identity) ?? 0).toBeGreaterThanOrEqual(3), GENEROUS);
    expect(a.state().role).toBe('follower');

    // From B's first row on, every row is B's: A noticed it lost the lock and wrote no more.
    const [[firstOfB]] = await t.admin.query<RowDataPacket[]>('SELECT MIN(SAMPLE_TIME) AS t FROM POOL_METRICS WHERE RECORDER_ID = ?', [b.identity]);
    const [[laterOfA]] = await t.admin.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM POOL_METRICS WHERE RECORDER_ID = ? AND SAMPLE_TIME > ?', [a.identity, firstOfB?.t]);
    expect(Number(laterOfA?.n)).toBe(0);
    // And A, now a follower, reads B's rows without sampling.
    const statsBefore = statsQueries(dbA);
    await vi.waitFor(() => expect(a.latest()?.recorderId).toBe(b.identity), GENEROUS);
    expect(statsQueries(dbA)).toBe(statsBefore);
  });

  it('a leader that stops gives the lock up, and the other leads', async () => {
    expect(b.state().role).toBe('leader');
    await b.stop();
    expect(b.state().role).toBe('stopped');
    await vi.waitFor(() => expect(a.state().role).toBe('leader'), GENEROUS);
    const before = (await rowsBy()).get(a.identity) ?? 0;
    await vi.waitFor(async () => expect((await rowsBy()).get(a.identity) ?? 0).toBeGreaterThan(before), GENEROUS);
  });
});
