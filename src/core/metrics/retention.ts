import { Op } from 'sequelize';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { METRIC_RESOLUTIONS, type MetricResolution } from '../../shared/results/metrics.js';
import { metricsModel, modelCall, sampleTimeOf } from './metrics-model.js';

/** How long rows of each resolution are kept, in seconds: raw 24 h, minutes 14 days, hours 400 days. */
export const DEFAULT_RETENTION: Record<MetricResolution, number> = { 10: 24 * 3600, 60: 14 * 86_400, 3600: 400 * 86_400 };

export const retentionSchema = z
  .object({ 10: z.number().positive(), 60: z.number().positive(), 3600: z.number().positive() })
  .partial()
  .transform((given) => ({ ...DEFAULT_RETENTION, ...given }) as Record<MetricResolution, number>);
export type Retention = z.input<typeof retentionSchema>;

/** Rows one DELETE removes at most: no statement holds thousands of row locks. */
export const PRUNE_BATCH = 1000;
/** Batches one prune runs at most; the rest waits for the next pass, so a pass stays short. */
const MAX_BATCHES = 20;

/**
 * Deletes rows older than their retention (judged against `now`, the database clock), oldest
 * first, in batches of `batchSize` bounded by primary-key ranges (no DELETE … LIMIT, which
 * statement-based replication calls unsafe). Returns the rows deleted per resolution.
 */
export async function pruneMetrics(
  db: Database,
  now: Date,
  retention: Record<MetricResolution, number> = DEFAULT_RETENTION,
  batchSize = PRUNE_BATCH,
): Promise<Partial<Record<MetricResolution, number>>> {
  const model = metricsModel(db);
  const deleted: Partial<Record<MetricResolution, number>> = {};
  for (const resolution of METRIC_RESOLUTIONS) {
    const cutoff = new Date(now.getTime() - retention[resolution] * 1000);
    let total = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
      // The batch's last row: a range of at most batchSize rows of the primary key.
      const last = await modelCall(db, 'metrics.prune.bound', (named) =>
        model.findOne({ ...named, where: { resolution, sampleTime: { [Op.lt]: cutoff } }, order: [['sampleTime', 'ASC']], offset: batchSize - 1, attributes: ['sampleTime'] }),
      );
      // Fewer than a batch left: delete only if there is any (an empty range still takes gap locks).
      if (!last) {
        const any = await modelCall(db, 'metrics.prune.any', (named) => model.findOne({ ...named, where: { resolution, sampleTime: { [Op.lt]: cutoff } }, attributes: ['sampleTime'] }));
        if (!any) break;
      }
      const upTo = last ? { [Op.lte]: sampleTimeOf(last) } : { [Op.lt]: cutoff };
      const removed = await modelCall(db, 'metrics.prune', (named) => model.destroy({ ...named, where: { resolution, sampleTime: upTo } }));
      total += removed;
      if (!last) break;
    }
    if (total > 0) deleted[resolution] = total;
  }
  return deleted;
}
