import type mysql from 'mysql2/promise';
import { chooseResolution, HISTORY_SQL, readHistory, sampleMetrics } from '../../../src/core/metrics/index.js';
import { metricsModel, METRICS_TABLE, toAttributes } from '../../../src/core/metrics/metrics-model.js';
import type { MetricResolution, MetricsPoint } from '../../../src/shared/results/metrics.js';
import type { Context } from '../operations.js';
import { timeOnce, timeSerial } from '../measure.js';
import { int, ms, pn, table, verdict } from '../report.js';
import type { Section } from './section.js';

const DAY_MS = 86_400_000;
const RUNS = 50;
const BATCH = 1000;

/** What a full POOL_METRICS holds after 14 days of recording: 14 d of minute and hour rows, the last 24 h of raw rows. */
const SPANS: { resolution: MetricResolution; rangeMs: number }[] = [
  { resolution: 10, rangeMs: DAY_MS },
  { resolution: 60, rangeMs: 14 * DAY_MS },
  { resolution: 3600, rangeMs: 14 * DAY_MS },
];

async function databaseNow(admin: mysql.Connection): Promise<Date> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>('SELECT UTC_TIMESTAMP(3) AS now');
  return new Date(rows[0]?.now as Date);
}

/** Writes the 14 days of rows through the model, 1,000 to a statement; returns how many. */
async function writeHistory(context: Context, now: Date): Promise<number> {
  const base = await sampleMetrics(context.db, { recorderId: 'bench history', intervalMs: 10_000, leaseSeconds: 3600, maxAttempts: 5, previous: null });
  const events = { entered: 3, claimed: 5, completed: 4, failed: 1, retried: 1, removed: 0, reset: 0 };
  const model = metricsModel(context.db);
  let written = 0;
  for (const { resolution, rangeMs } of SPANS) {
    const stepMs = resolution * 1000;
    const end = Math.floor(now.getTime() / stepMs) * stepMs;
    const times: number[] = [];
    for (let t = end - rangeMs; t < end; t += stepMs) times.push(t);
    for (let i = 0; i < times.length; i += BATCH) {
      const points: MetricsPoint[] = times.slice(i, i + BATCH).map((t, j) => ({
        ...base,
        resolution,
        time: new Date(t),
        samples: resolution / 10,
        inPool: base.inPool + ((i + j) % 97),
        events,
        intervalMs: 10_000,
      }));
      await model.bulkCreate(points.map(toAttributes), { benchmark: true, queryName: 'bench.history.write' } as object);
      written += points.length;
    }
  }
  return written;
}

/**
 * The history read (`readHistory`, as history.read runs it) with 14 days of rows present:
 * 24 h (1-minute rows) and 14 days (hourly rows), RUNS times each after 5 untimed.
 */
export const historySection: Section = {
  name: 'history',
  async run(context) {
    await context.admin.query(`DELETE FROM ${METRICS_TABLE}`);
    const now = await databaseNow(context.admin);
    context.log('history: writing 14 days of POOL_METRICS rows…');
    const { ms: writeMs, result: rows } = await timeOnce(() => writeHistory(context, now));
    context.log(`  ${int(rows)} rows in ${(writeMs / 1000).toFixed(1)} s`);
    const ranges = [
      { label: '24 h', rangeMs: DAY_MS, targetMs: 20 },
      { label: '14 days', rangeMs: 14 * DAY_MS, targetMs: 50 },
    ];
    const results = [];
    for (const range of ranges) {
      context.log(`history read, ${range.label}…`);
      let last: Awaited<ReturnType<typeof readHistory>> | undefined;
      const read = async () => (last = await readHistory(context.db, { from: new Date(now.getTime() - range.rangeMs), to: now }));
      const timing = await timeSerial(read, { iterations: RUNS, warmup: 5 });
      // The same statement through the bare driver: the database's part, without Sequelize and the mapping to points.
      const bare = HISTORY_SQL.replace(/:(resolution|from|to|limit)\b/g, '?');
      const values = [chooseResolution(range.rangeMs), new Date(now.getTime() - range.rangeMs), now, 1501];
      const driver = await timeSerial(() => context.admin.query(bare, values), { iterations: RUNS, warmup: 5 });
      results.push({ ...range, timing, driver, points: last?.points.length ?? 0, resolution: last?.resolution, gaps: last?.gaps.length ?? 0 });
    }
    await context.admin.query(`DELETE FROM ${METRICS_TABLE}`);
    return {
      summary: results.map((result) => [
        `history read, ${result.label} (${result.points} points at ${result.resolution} s)`, pn(result.timing), '–', '–',
        `p95 ≤ ${result.targetMs} ms`, `${ms(result.timing.p95)} ms`, verdict(result.timing.p95 <= result.targetMs),
      ]),
      details: [
        `History read: \`readHistory(db, { from, to })\` (the default maxPoints of 1,500; the read and, for rollups, the newest raw ` +
          `sample) with ${int(rows)} rows present — 14 days of 1-minute and of 1-hour rows and the last 24 h of raw rows, written ` +
          `through the model in statements of ${int(BATCH)} rows in ${(writeMs / 1000).toFixed(1)} s — ${RUNS} runs of each after 5 untimed:\n\n` +
          table(
            ['range', 'resolution', 'points', 'gaps', 'readHistory p50 / p95 / max (ms)', 'its statement alone, bare driver p50 / p95 (ms)', 'target'],
            results.map((result) => [result.label, `${result.resolution} s`, result.points, result.gaps, `${pn(result.timing)} / ${ms(result.timing.max)}`, pn(result.driver), `p95 ≤ ${result.targetMs} ms`]),
          ),
      ],
    };
  },
};
