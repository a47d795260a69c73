import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_NOTE, DEMO_RECORDER_ID, seedDemoHistory, type DemoHistoryResult } from '../../src/core/metrics/demo-history.js';
import { MetricsRecorder, readHistory, readLatest } from '../../src/core/metrics/index.js';
import { seedDemoData } from '../../src/core/simulator/index.js';
import { POOL_STATUSES } from '../../src/shared/pool-types.js';
import { poolDatabase } from '../helpers/pool-database.js';

/*
 * The sandbox's demo history (issue 10, item 6), seeded as startSandbox does on first creation,
 * on a migrated database with demo bookings of its own (sandbox.test.ts checks the sandbox runs it).
 */
const t = poolDatabase('host-orm');
const HOURS = 6;
let seeded: DemoHistoryResult;
let recorder: MetricsRecorder | undefined;

beforeAll(async () => {
  await seedDemoData(t.db, { bookings: 3000, pooled: 600, seed: 3 });
  seeded = await seedDemoHistory(t.db, { hours: HOURS });
});
afterAll(async () => {
  await recorder?.stop();
});

describe('demo history for a new sandbox', () => {
  it('writes a row every 10 s over the hours, every one marked demo, ending at the pool as it is', async () => {
    expect(seeded.rows).toBe(HOURS * 360 + 1);
    expect(seeded.to!.getTime() - seeded.from!.getTime()).toBe(HOURS * 3_600_000);
    const [[raw]] = await t.admin.query<RowDataPacket[]>(
      'SELECT COUNT(*) AS n, SUM(RECORDER_ID = ? AND NOTE = ?) AS demo, TIMESTAMPDIFF(SECOND, MIN(SAMPLE_TIME), MAX(SAMPLE_TIME)) AS span FROM POOL_METRICS WHERE RESOLUTION = 10',
      [DEMO_RECORDER_ID, DEMO_NOTE],
    );
    expect(Number(raw!.n)).toBe(seeded.rows);
    expect(Number(raw!.demo)).toBe(seeded.rows);
    expect(Number(raw!.span)).toBe(HOURS * 3600);

    // the newest demo row is the pool's real count at the seeding
    const newest = await readLatest(t.db);
    const stats = await t.pool.getPoolStats();
    expect(newest!.byStatus).toEqual(stats.byStatus);
    expect(newest!.inPool).toBe(stats.inPool);
    expect(newest!.inPool).toBeGreaterThanOrEqual(600);
  });

  it('is rolled up like recorded rows: minutes and hours, also marked demo', async () => {
    const [rollups] = await t.admin.query<RowDataPacket[]>(
      'SELECT RESOLUTION AS r, COUNT(*) AS n, SUM(RECORDER_ID = ?) AS demo, SUM(NOTE = ?) AS noted FROM POOL_METRICS WHERE RESOLUTION > 10 GROUP BY RESOLUTION ORDER BY RESOLUTION',
      [DEMO_RECORDER_ID, DEMO_NOTE],
    );
    const byResolution = new Map(rollups.map((row) => [Number(row.r), { n: Number(row.n), demo: Number(row.demo), noted: Number(row.noted) }]));
    // every complete minute and hour bucket (the one under way is the recorder's to finish)
    expect(byResolution.get(60)!.n).toBeGreaterThanOrEqual(HOURS * 60 - 1);
    expect(byResolution.get(3600)!.n).toBeGreaterThanOrEqual(HOURS - 1);
    for (const { n, demo, noted } of byResolution.values()) expect([demo, noted]).toEqual([n, n]);
  });

  it('readHistory returns it without gaps, and the rows add up', async () => {
    const sixHours = await readHistory(t.db, { from: seeded.from!, to: new Date(seeded.to!.getTime() + 1000) });
    expect(sixHours.resolution).toBe(60);
    expect(sixHours.gaps).toEqual([]);
    expect(sixHours.points.length).toBeGreaterThanOrEqual(HOURS * 60 - 1);

    const lastHour = await readHistory(t.db, { from: new Date(seeded.to!.getTime() - 3_600_000), to: new Date(seeded.to!.getTime() + 1000) });
    expect(lastHour.resolution).toBe(10);
    expect(lastHour.gaps).toEqual([]);
    expect(lastHour.points).toHaveLength(361);
    for (const point of [...sixHours.points, ...lastHour.points]) {
      expect(point.recorderId).toBe(DEMO_RECORDER_ID);
      expect(POOL_STATUSES.reduce((sum, status) => sum + point.byStatus[status], 0)).toBe(point.inPool);
      for (const status of POOL_STATUSES) expect(Object.values(point.byModeStatus!).reduce((sum, counts) => sum + counts[status], 0)).toBe(point.byStatus[status]);
      expect(point.eligible).toBeLessThanOrEqual(point.byStatus.ready + point.byStatus.waiting);
      expect(point.expiredLeases).toBeLessThanOrEqual(point.byStatus.processing);
    }
  });

  it('shows something worth a chart: throughput, an incident with stuck leases, the operator\'s reset', async () => {
    const all = await readHistory(t.db, { from: seeded.from!, to: new Date(seeded.to!.getTime() + 1000), maxPoints: 10_000 });
    expect(all.resolution).toBe(10);
    const completed = all.points.map((point) => point.events?.completed ?? 0);
    expect(completed.reduce((a, b) => a + b, 0)).toBeGreaterThan(HOURS * 3600 * 0.5);
    const newest = all.points[all.points.length - 1]!;
    expect(Math.max(...all.points.map((point) => point.expiredLeases))).toBeGreaterThanOrEqual(newest.expiredLeases + 30);
    expect(all.points.filter((point) => (point.events?.reset ?? 0) > 0)).toHaveLength(1);
    // the figures move, they are not one flat line
    expect(new Set(all.points.map((point) => point.byStatus.waiting)).size).toBeGreaterThan(10);
  });

  it('is never written over real history, and the recorder carries on after it', async () => {
    expect(await seedDemoHistory(t.db, { hours: 1 })).toEqual({ rows: 0, from: null, to: null });
    recorder = new MetricsRecorder(t.db, { role: 'test', intervalMs: 500 });
    recorder.start();
    await vi.waitFor(() => expect(recorder!.latest()?.recorderId).toBe(recorder!.identity), { timeout: 30_000, interval: 100 });
    const latest = recorder.latest()!;
    // the recorder's rows count events from its own totals, never across the demo's seam
    expect(latest.time.getTime()).toBeGreaterThan(seeded.to!.getTime());
    const [[mixed]] = await t.admin.query<RowDataPacket[]>('SELECT COUNT(DISTINCT RECORDER_ID) AS n FROM POOL_METRICS WHERE RESOLUTION = 10');
    expect(Number(mixed!.n)).toBe(2);
  });
});
