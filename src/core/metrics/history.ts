import type { Database } from '../db/database.js';
import { PoolError } from '../../shared/errors.js';
import {
  DEFAULT_MAX_POINTS,
  historyQuerySchema,
  METRIC_RESOLUTIONS,
  type HistoryGap,
  type HistoryQuery,
  type HistoryResult,
  type MetricResolution,
  type MetricsPoint,
} from '../../shared/results/metrics.js';
import { METRICS_SELECT_COLUMNS, METRICS_TABLE, metricsModel, modelCall, toPoint, type MetricsAttributes } from './metrics-model.js';

/**
 * The history read: one range of the primary key (RESOLUTION, SAMPLE_TIME), newest first so that
 * a range too long for `limit` keeps its recent end. Exported so index health explains this text.
 */
export const HISTORY_SQL = `SELECT ${METRICS_SELECT_COLUMNS} FROM ${METRICS_TABLE}
 WHERE RESOLUTION = :resolution AND SAMPLE_TIME >= :from AND SAMPLE_TIME < :to
 ORDER BY SAMPLE_TIME DESC LIMIT :limit`;

/** Typical replacements for explaining HISTORY_SQL: 24 h at 1-minute resolution. */
export function historyReplacements(now: Date, resolution: MetricResolution = 60, rangeMs = 86_400_000) {
  return { resolution, from: new Date(now.getTime() - rangeMs), to: now, limit: DEFAULT_MAX_POINTS };
}

/**
 * The finest resolution that fits the range in `maxPoints` points: raw up to about 4 h, minutes
 * up to about a day, hours beyond.
 */
export function chooseResolution(rangeMs: number, maxPoints = DEFAULT_MAX_POINTS): MetricResolution {
  return METRIC_RESOLUTIONS.find((resolution) => rangeMs / (resolution * 1000) <= maxPoints) ?? 3600;
}

/** A row stands for this long: the interval it was written at (raw rows: the recorder's, backed off or not). */
const spanOf = (point: MetricsPoint) => Math.max(point.resolution * 1000, point.intervalMs);

/**
 * Spans with no row in [from, to): between two rows further apart than twice the first one's
 * span, and at either end. `coveredUntil`: how far the recorder is known to have run (for a
 * rollup read, the newest raw sample: the buckets after the last rollup are merely not complete).
 */
export function findGaps(points: readonly MetricsPoint[], from: Date, to: Date, coveredUntil: Date | null, resolution: MetricResolution): HistoryGap[] {
  const gaps: HistoryGap[] = [];
  const first = points[0];
  if (!first) {
    if (!coveredUntil || coveredUntil.getTime() < from.getTime()) return [{ from, to }];
    // Samples only in the bucket not yet rolled up: the recorder ran there, not before.
    const bucketMs = resolution * 1000;
    const runFrom = Math.floor(coveredUntil.getTime() / bucketMs) * bucketMs;
    return runFrom > from.getTime() ? [{ from, to: new Date(runFrom) }] : [];
  }
  if (first.time.getTime() - from.getTime() > 2 * spanOf(first)) gaps.push({ from, to: first.time });
  for (let i = 1; i < points.length; i += 1) {
    const before = points[i - 1]!;
    const after = points[i]!;
    if (after.time.getTime() - before.time.getTime() > 2 * spanOf(before)) gaps.push({ from: new Date(before.time.getTime() + spanOf(before)), to: after.time });
  }
  const last = points[points.length - 1]!;
  const lastEnd = Math.max(last.time.getTime() + spanOf(last), coveredUntil?.getTime() ?? 0);
  const allowance = coveredUntil && coveredUntil.getTime() > last.time.getTime() ? 2 * 10_000 : 2 * spanOf(last);
  if (to.getTime() - lastEnd > allowance) gaps.push({ from: new Date(lastEnd), to });
  return gaps;
}

/**
 * The recorded history over [from, to): the rows of the resolution the range calls for, oldest
 * first, and the spans where no recorder ran, as explicit gaps (never zeros, never interpolated).
 */
export async function readHistory(db: Database, query: HistoryQuery): Promise<HistoryResult> {
  const parsed = historyQuerySchema.safeParse(query);
  if (!parsed.success) {
    throw new PoolError('INVALID_INPUT', `History range: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'range'} ${issue.message}`).join('; ')}.`);
  }
  const { from, to, maxPoints } = parsed.data;
  const resolution = chooseResolution(to.getTime() - from.getTime(), maxPoints);
  const rows = await db.select<MetricsAttributes>('metrics.history', HISTORY_SQL, { replacements: { resolution, from, to, limit: maxPoints + 1 } });
  const truncated = rows.length > maxPoints;
  const points = rows.slice(0, maxPoints).map(toPoint).reverse();
  const coveredUntil = resolution === 10 ? null : await newestRawTime(db, to);
  return { resolution, from, to, points, gaps: findGaps(points, truncated ? (points[0]?.time ?? from) : from, to, coveredUntil, resolution), truncated };
}

/** The newest raw sample before `to`: how far the recorder ran, beyond the last complete rollup bucket. */
async function newestRawTime(db: Database, to: Date): Promise<Date | null> {
  const [row] = await db.select<{ t: Date | null }>('metrics.history.newest-raw', `SELECT MAX(SAMPLE_TIME) AS t FROM ${METRICS_TABLE} WHERE RESOLUTION = 10 AND SAMPLE_TIME < :to`, {
    replacements: { to },
  });
  return row?.t ?? null;
}

/** The newest row of a resolution (raw by default), whoever wrote it: one read of the primary key's end. */
export async function readLatest(db: Database, resolution: MetricResolution = 10): Promise<MetricsPoint | null> {
  const model = metricsModel(db);
  const row = await modelCall(db, 'metrics.latest', (named) => model.findOne({ ...named, where: { resolution }, order: [['sampleTime', 'DESC']], raw: true }));
  return row ? toPoint(row as unknown as MetricsAttributes) : null;
}
