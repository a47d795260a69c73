import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Database } from '../../src/core/db/database.js';
import { chooseResolution, HISTORY_SQL, MetricsRecorder, metricsModel, pruneMetrics, readHistory, rollUp, type MetricsPoint } from '../../src/core/metrics/index.js';
import { toAttributes, toPoint, type MetricsAttributes } from '../../src/core/metrics/metrics-model.js';
import { freshDatabase } from '../helpers/database.js';
import { insertBookings, poolDirectly, seedQuietPool } from '../helpers/pool-database.js';

const t = freshDatabase();
let db: Database;

beforeAll(async () => {
  await seedQuietPool(t, 12);
  db = new Database(t.profile);
});
afterAll(async () => {
  await db?.close();
});

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** A raw row at `time` whose counts say which one it is (inPool = n), with `n` claims since the previous. */
function raw(time: number, n: number): MetricsPoint {
  return {
    resolution: 10, time: new Date(time), recorderId: 'synthetic', exact: true, samples: 1, inPool: n,
    byStatus: { waiting: n, ready: 0, processing: 0, failed: 0 }, byModeStatus: null,
    eligible: n, overdue: 0, expiredLeases: 0, failedAtMaxAttempts: 0, oldestEntryAgeSeconds: n,
    deadlineWithin: { hour1: 0, hours6: 0, hours24: n },
    events: { entered: 1, claimed: n, completed: 0, failed: 0, retried: 0, removed: 0, reset: 0 },
    eventTotals: { entered: n, claimed: n, completed: 0, failed: 0, retried: 0, removed: 0, reset: 0 },
    sampleMs: n, intervalMs: 10_000, note: null,
  };
}

/** Raw rows every 10 s over [from, to). */
function run(from: number, to: number, first = 1): MetricsPoint[] {
  return Array.from({ length: Math.ceil((to - from) / 10_000) }, (_, i) => raw(from + i * 10_000, first + i));
}

async function insert(points: MetricsPoint[]): Promise<void> {
  await metricsModel(db).bulkCreate(points.map(toAttributes));
}

async function dbNow(): Promise<Date> {
  const [[row]] = await t.admin.query<RowDataPacket[]>('SELECT UTC_TIMESTAMP(3) AS now');
  return row?.now as Date;
}

async function rows(resolution: number): Promise<{ time: number; samples: number; inPool: number; claimed: number | null; sampleMs: number }[]> {
  const [found] = await t.admin.query<RowDataPacket[]>(
    'SELECT SAMPLE_TIME AS t, SAMPLES AS s, IN_POOL AS p, EV_CLAIMED AS c, SAMPLE_MS AS ms FROM POOL_METRICS WHERE RESOLUTION = ? ORDER BY SAMPLE_TIME',
    [resolution],
  );
  return found.map((row) => ({ time: (row.t as Date).getTime(), samples: Number(row.s), inPool: Number(row.p), claimed: row.c === null ? null : Number(row.c), sampleMs: Number(row.ms) }));
}

const statementCount = (name: string) => db.latency.summary().find((series) => series.name === name)?.count ?? 0;

beforeEach(async () => {
  await t.admin.query('DELETE FROM POOL_METRICS');
});

describe('a sampled row', () => {
  it('equals a direct count of a quiet pool', async () => {
    const ids = await insertBookings(t.admin, { count: 14 });
    await poolDirectly(t.admin, ids.slice(0, 3), { status: 'waiting', deadlineHoursFromNow: -2, mode: 'BALANCE' });
    await poolDirectly(t.admin, ids.slice(3, 5), { status: 'waiting', deadlineHoursFromNow: 0.5, mode: 'URGENT' });
    await poolDirectly(t.admin, ids.slice(5, 7), { status: 'ready', deadlineHoursFromNow: -1, mode: 'NORMAL' });
    await poolDirectly(t.admin, ids.slice(7, 9), { status: 'processing', claimedBy: 'w', claimedSecondsAgo: 7200, attempts: 1 });
    await poolDirectly(t.admin, ids.slice(9, 10), { status: 'processing', claimedBy: 'w', claimedSecondsAgo: 5, attempts: 1 });
    await poolDirectly(t.admin, ids.slice(10, 13), { status: 'failed', deadlineHoursFromNow: -3, attempts: 3, mode: 'CUSTOM' });
    await t.admin.query('UPDATE BOOKING_PLAN SET POOL_MODE = NULL WHERE BOOKING_ID = ?', [ids[13]]);
    await poolDirectly(t.admin, ids.slice(13, 14), { status: 'waiting', deadlineHoursFromNow: 5 });
    await t.admin.query('UPDATE BOOKING_PLAN SET POOL_MODE = NULL WHERE BOOKING_ID = ?', [ids[13]]);

    const recorder = new MetricsRecorder(db, { role: 'test', intervalMs: 60_000, leaseSeconds: 3600, maxAttempts: 3 });
    try {
      recorder.start();
      await vi.waitFor(() => expect(recorder.latest()).not.toBeNull(), { timeout: 30_000, interval: 50 });
    } finally {
      await recorder.stop();
    }
    // Read back from the table, not from memory: what was written is what is compared.
    const [stored] = await metricsModel(db).findAll({ where: { resolution: 10 }, raw: true });
    const row = toPoint(stored as unknown as MetricsAttributes);

    const count = async (where: string) => {
      const [[found]] = await t.admin.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE ${where}`);
      return Number(found?.n);
    };
    const byModeStatus: Record<string, Record<string, number>> = {};
    for (const mode of ['BALANCE', 'URGENT', 'NORMAL', 'CUSTOM', 'none']) {
      byModeStatus[mode] = {};
      for (const status of ['waiting', 'ready', 'processing', 'failed']) {
        byModeStatus[mode][status] = await count(`POOL_STATUS = '${status}' AND ${mode === 'none' ? 'POOL_MODE IS NULL' : `POOL_MODE = '${mode}'`}`);
      }
    }
    const within = (hours: number) => count(`POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME > UTC_TIMESTAMP() AND POOL_DEADLINE_TIME <= UTC_TIMESTAMP() + INTERVAL ${hours} HOUR`);
    expect(row).toMatchObject({
      resolution: 10,
      recorderId: recorder.identity,
      exact: true,
      inPool: await count('POOL_STATUS IS NOT NULL'),
      byStatus: {
        waiting: await count(`POOL_STATUS = 'waiting'`),
        ready: await count(`POOL_STATUS = 'ready'`),
        processing: await count(`POOL_STATUS = 'processing'`),
        failed: await count(`POOL_STATUS = 'failed'`),
      },
      byModeStatus,
      eligible: await count(`POOL_STATUS = 'ready' OR (POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME <= UTC_TIMESTAMP())`),
      overdue: await count(`POOL_STATUS IN ('waiting', 'ready', 'failed') AND POOL_DEADLINE_TIME < UTC_TIMESTAMP()`),
      expiredLeases: await count(`POOL_STATUS = 'processing' AND (POOL_CLAIMED_AT IS NULL OR POOL_CLAIMED_AT < UTC_TIMESTAMP() - INTERVAL 3600 SECOND)`),
      failedAtMaxAttempts: await count(`POOL_STATUS = 'failed' AND POOL_PROCESSING_ATTEMPTS >= 3`),
      deadlineWithin: { hour1: await within(1), hours6: await within(6), hours24: await within(24) },
      eventTotals: { entered: 0, claimed: 0, completed: 0, failed: 0, retried: 0, removed: 0, reset: 0 },
      // the first row has no previous row to count events from
      events: null,
    });
    // Not agreement on zero: the seeded rows make each figure count something.
    expect(row).toMatchObject({ eligible: 5, overdue: 8, expiredLeases: 2, failedAtMaxAttempts: 3, deadlineWithin: { hour1: 2, hours6: 3 } });
    expect(row.byModeStatus).toMatchObject({ NORMAL: { waiting: 12, ready: 2, processing: 3 }, CUSTOM: { failed: 3 }, none: { waiting: 1 } });
    expect(row.oldestEntryAgeSeconds).toBeGreaterThanOrEqual(3600);
  });
});

describe('rollups and pruning', () => {
  it('rolls 10-second rows into minutes and minutes into hours: last counts, summed events, longest sample', async () => {
    const now = await dbNow();
    const base = Math.floor((now.getTime() - 3 * HOUR) / HOUR) * HOUR;
    // Two minutes at the start of one hour, one minute in the next, nothing between.
    await insert([...run(base, base + 2 * MINUTE), ...run(base + HOUR, base + HOUR + MINUTE, 100)]);

    let passes = 0;
    while ((await rollUp(db, now)).more) passes += 1;
    expect(passes).toBeLessThan(10);

    expect(await rows(60)).toEqual([
      { time: base, samples: 6, inPool: 6, claimed: 1 + 2 + 3 + 4 + 5 + 6, sampleMs: 6 },
      { time: base + MINUTE, samples: 6, inPool: 12, claimed: 7 + 8 + 9 + 10 + 11 + 12, sampleMs: 12 },
      { time: base + HOUR, samples: 6, inPool: 105, claimed: 100 + 101 + 102 + 103 + 104 + 105, sampleMs: 105 },
    ]);
    expect(await rows(3600)).toEqual([
      { time: base, samples: 12, inPool: 12, claimed: 78, sampleMs: 12 },
      { time: base + HOUR, samples: 6, inPool: 105, claimed: 615, sampleMs: 105 },
    ]);

    // Again: nothing new, nothing doubled.
    expect(await rollUp(db, now)).toEqual({ written: {}, more: false });
    expect((await rows(60)).length).toBe(3);
  });

  it('leaves the bucket under way alone until the clock has passed it', async () => {
    const now = await dbNow();
    const minute = Math.floor(now.getTime() / MINUTE) * MINUTE;
    await insert(run(minute - MINUTE, minute + 10_000));
    await rollUp(db, new Date(minute + 20_000));
    expect((await rows(60)).map((row) => row.time)).toEqual([minute - MINUTE]);
    await rollUp(db, new Date(minute + MINUTE));
    expect((await rows(60)).map((row) => row.time)).toEqual([minute - MINUTE, minute]);
  });

  it('prunes rows past their retention, oldest first, in batches of at most the batch size', async () => {
    const now = await dbNow();
    const base = Math.floor((now.getTime() - 3 * HOUR) / HOUR) * HOUR;
    await insert([...run(base, base + 3 * MINUTE), ...run(now.getTime() - MINUTE, now.getTime())]);
    while ((await rollUp(db, now)).more);
    const minutes = (await rows(60)).length;

    const deletesBefore = statementCount('metrics.prune');
    // Raw rows kept 1 h: the 18 from three hours ago go, in batches of 5 (5 + 5 + 5 + 3); the last minute's 6 stay.
    const deleted = await pruneMetrics(db, now, { 10: 3600, 60: 14 * 86_400, 3600: 400 * 86_400 }, 5);
    expect(deleted).toEqual({ 10: 18 });
    expect(statementCount('metrics.prune') - deletesBefore).toBe(4);
    expect((await rows(10)).length).toBe(6);
    expect((await rows(60)).length).toBe(minutes);

    // Minutes kept 2 h: the three old ones go, the hour stays.
    expect(await pruneMetrics(db, now, { 10: 3600, 60: 2 * 3600, 3600: 400 * 86_400 }, 5)).toEqual({ 60: 3 });
    expect((await rows(3600)).map((row) => row.time)).toEqual([base]);
  });

  it('a recorder with short retention keeps only its newest raw rows', async () => {
    const recorder = new MetricsRecorder(db, { role: 'test', intervalMs: 200, retention: { 10: 1 }, maintenanceEveryMs: 0 });
    await insert(run(Date.now() - 10 * MINUTE, Date.now() - 9 * MINUTE));
    try {
      recorder.start();
      await vi.waitFor(async () => {
        const kept = await rows(10);
        // the synthetic rows (inPool 1 to 6) are gone, the recorder's own recent ones (the whole pool) remain
        expect(kept.filter((row) => row.inPool <= 6)).toEqual([]);
        expect(kept.length).toBeGreaterThan(0);
      }, { timeout: 30_000, interval: 100 });
    } finally {
      await recorder.stop();
    }
  });
});

describe('the history read', () => {
  it('chooses the resolution from the range: raw up to about 4 h, minutes up to about a day, hours beyond', () => {
    expect(chooseResolution(15 * MINUTE)).toBe(10);
    expect(chooseResolution(4 * HOUR)).toBe(10);
    expect(chooseResolution(6 * HOUR)).toBe(60);
    expect(chooseResolution(24 * HOUR)).toBe(60);
    expect(chooseResolution(7 * 24 * HOUR)).toBe(3600);
    expect(HISTORY_SQL).toMatch(/WHERE RESOLUTION = :resolution AND SAMPLE_TIME >= :from AND SAMPLE_TIME < :to/);
  });

  it('returns the rows in order and a gap where no recorder ran, with no point inside it', async () => {
    const now = await dbNow();
    const to = now.getTime();
    const from = to - 3 * HOUR;
    // The recorder ran for the first 30 minutes and the last 30 minutes of the range.
    await insert([...run(from, from + 30 * MINUTE), ...run(to - 30 * MINUTE, to)]);

    const history = await readHistory(db, { from: new Date(from), to: new Date(to) });
    expect(history.resolution).toBe(10);
    expect(history.truncated).toBe(false);
    expect(history.points.length).toBe(360);
    const times = history.points.map((point) => point.time.getTime());
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(history.gaps).toEqual([{ from: new Date(from + 30 * MINUTE), to: new Date(to - 30 * MINUTE) }]);
    const [gap] = history.gaps;
    expect(times.some((time) => time > gap!.from.getTime() && time < gap!.to.getTime())).toBe(false);
  });

  it('at minute resolution too, and a range before any recorder is one gap, never zeros', async () => {
    const now = await dbNow();
    const hour = Math.floor(now.getTime() / HOUR) * HOUR;
    const from = hour - 20 * HOUR;
    await insert([...run(hour - 20 * HOUR, hour - 18 * HOUR), ...run(hour - 6 * HOUR, hour - 5 * HOUR)]);
    while ((await rollUp(db, now)).more);

    const history = await readHistory(db, { from: new Date(from), to: new Date(hour - 4 * HOUR) });
    expect(history.resolution).toBe(60);
    expect(history.points.length).toBe(120 + 60);
    expect(history.gaps).toEqual([
      { from: new Date(hour - 18 * HOUR), to: new Date(hour - 6 * HOUR) },
      { from: new Date(hour - 5 * HOUR), to: new Date(hour - 4 * HOUR) },
    ]);

    const before = await readHistory(db, { from: new Date(from - 10 * HOUR), to: new Date(from - 2 * HOUR) });
    expect(before.points).toEqual([]);
    expect(before.gaps).toEqual([{ from: new Date(from - 10 * HOUR), to: new Date(from - 2 * HOUR) }]);
  });

  it('refuses a range that ends before it starts', async () => {
    await expect(readHistory(db, { from: new Date(2), to: new Date(1) })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('before migration 0006', () => {
  it('a recorder says the table is missing and runs no pool count', async () => {
    await t.admin.query('DROP TABLE POOL_METRICS');
    // a Database of its own: table presence is remembered per Database
    const bare = new Database(t.profile);
    const recorder = new MetricsRecorder(bare, { role: 'test', intervalMs: 200 });
    try {
      recorder.start();
      await vi.waitFor(() => expect(recorder.state().lastError).toMatchObject({ code: 'NO_TABLE', message: expect.stringMatching(/POOL_METRICS.*0006-pool-metrics.*migrate up/) }), {
        timeout: 30_000,
        interval: 50,
      });
      expect(bare.latency.summary().find((series) => series.name === 'pool.stats')).toBeUndefined();
      expect(recorder.latest()).toBeNull();
    } finally {
      await recorder.stop();
      await bare.close();
    }
  });
});
