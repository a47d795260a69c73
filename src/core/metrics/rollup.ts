import { Op } from 'sequelize';
import type { Database } from '../db/database.js';
import { POOL_EVENTS, type PoolEvent } from '../pool/pool-types.js';
import type { MetricResolution, MetricsPoint } from '../../shared/results/metrics.js';
import { metricsModel, modelCall, sampleTimeOf, toAttributes, toPoint, type MetricsAttributes } from './metrics-model.js';

/** Each rollup and the rows it is made of. */
export const ROLLUPS: readonly { resolution: MetricResolution; from: MetricResolution; windowMs: number }[] = [
  // Source rows read per pass are bounded by these windows: 10 minutes of raw rows, a day of minutes.
  { resolution: 60, from: 10, windowMs: 10 * 60_000 },
  { resolution: 3600, from: 60, windowMs: 24 * 3_600_000 },
];

/**
 * One bucket's rows as one row: the counts of its last sample (a reading at the bucket's end, so
 * the statuses still add up to the pool), the sum of its event deltas, the longest sample time,
 * exact only if every row was. `time` is the bucket's start.
 */
export function rollUpBucket(rows: readonly MetricsPoint[], resolution: MetricResolution, bucketStart: Date): MetricsPoint {
  const last = rows[rows.length - 1];
  if (!last) throw new Error('a rollup bucket needs rows');
  const sum = (event: PoolEvent) => {
    const known = rows.map((row) => row.events?.[event]).filter((value): value is number => typeof value === 'number');
    return known.length > 0 ? known.reduce((a, b) => a + b, 0) : null;
  };
  const anyEvents = rows.some((row) => row.events !== null);
  return {
    ...last,
    resolution,
    time: bucketStart,
    exact: rows.every((row) => row.exact),
    samples: rows.reduce((total, row) => total + row.samples, 0),
    events: anyEvents ? (Object.fromEntries(POOL_EVENTS.map((event) => [event, sum(event)])) as Record<PoolEvent, number | null>) : null,
    sampleMs: Math.max(...rows.map((row) => row.sampleMs)),
    intervalMs: resolution * 1000,
    note: rows.map((row) => row.note).filter((note) => note !== null).pop() ?? null,
  };
}

export interface RollupResult {
  /** Rollup rows written (or rewritten), per resolution. */
  written: Partial<Record<MetricResolution, number>>;
  /** True when a window was full: call again (the recorder does on its next pass). */
  more: boolean;
}

/**
 * Rolls complete buckets up, oldest first, each rollup from where its newest row left off. A bucket
 * is complete once `now` (the database clock: the newest sample's time) has passed its end; only
 * the leader writes samples, so no row can arrive in it later. Idempotent: a bucket written twice
 * is the same row (primary key resolution + time).
 */
export async function rollUp(db: Database, now: Date): Promise<RollupResult> {
  const model = metricsModel(db);
  const result: RollupResult = { written: {}, more: false };
  let completeUntil = now.getTime();
  for (const rollup of ROLLUPS) {
    const bucketMs = rollup.resolution * 1000;
    const end = Math.floor(completeUntil / bucketMs) * bucketMs;
    const newest = await modelCall(db, 'metrics.rollup.newest', (named) =>
      model.findOne({ ...named, where: { resolution: rollup.resolution }, order: [['sampleTime', 'DESC']], attributes: ['sampleTime'] }),
    );
    const after = newest ? sampleTimeOf(newest).getTime() + bucketMs : 0;
    const first = await modelCall(db, 'metrics.rollup.first', (named) =>
      model.findOne({ ...named, where: { resolution: rollup.from, sampleTime: { [Op.gte]: new Date(after), [Op.lt]: new Date(end) } }, order: [['sampleTime', 'ASC']], attributes: ['sampleTime'] }),
    );
    if (!first) continue;
    const start = Math.floor(sampleTimeOf(first).getTime() / bucketMs) * bucketMs;
    const windowEnd = Math.min(end, start + Math.max(rollup.windowMs, bucketMs));
    if (windowEnd < end) {
      result.more = true;
      // coarser rollups wait until this one has caught up
      completeUntil = windowEnd;
    }
    const rows = await modelCall(db, 'metrics.rollup.source', (named) =>
      model.findAll({ ...named, where: { resolution: rollup.from, sampleTime: { [Op.gte]: new Date(start), [Op.lt]: new Date(windowEnd) } }, order: [['sampleTime', 'ASC']], raw: true }),
    );
    const buckets = new Map<number, MetricsPoint[]>();
    for (const row of rows as unknown as MetricsAttributes[]) {
      const point = toPoint(row);
      const bucket = Math.floor(point.time.getTime() / bucketMs) * bucketMs;
      buckets.set(bucket, [...(buckets.get(bucket) ?? []), point]);
    }
    const rolled = [...buckets].map(([bucket, points]) => toAttributes(rollUpBucket(points, rollup.resolution, new Date(bucket))));
    if (rolled.length === 0) continue;
    const fields = Object.keys(rolled[0]!).filter((key) => key !== 'resolution' && key !== 'sampleTime') as (keyof MetricsAttributes)[];
    await modelCall(db, 'metrics.rollup.write', (named) => model.bulkCreate(rolled, { ...named, updateOnDuplicate: fields }));
    result.written[rollup.resolution] = rolled.length;
  }
  return result;
}
