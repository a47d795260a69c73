import { z } from 'zod';
import { PoolError } from '../../shared/errors.js';
import type { Database } from '../db/database.js';
import { DEFAULT_MAX_ATTEMPTS } from '../pool/database-booking-pool.js';
import { POOL_EVENTS, POOL_STATUSES, type PoolEvent, type PoolStatus } from '../pool/pool-types.js';
import { seededRandom } from '../simulator/random.js';
import type { MetricsPoint } from '../../shared/results/metrics.js';
import { metricsModel, modelCall, toAttributes } from './metrics-model.js';
import { rollUp } from './rollup.js';
import { sampleMetrics } from './sample.js';

/*
 * A few hours of made-up history for a newly created sandbox, so that a newcomer's first look at
 * the Overview shows what the charts are for (a day's drift, an incident, an operator's reset)
 * instead of an empty 6-hour chart. Every row says it is demo: RECORDER_ID and NOTE.
 */

export const DEMO_RECORDER_ID = 'demo (seeded with the sandbox, not recorded)';
export const DEMO_NOTE = 'demo: seeded history, not a recording';

const demoHistorySchema = z.object({
  hours: z.number().min(0.1).max(24).default(6),
  /** Seconds between rows, as a recorder at its default interval writes them. */
  intervalSeconds: z.number().int().min(10).max(60).default(10),
  seed: z.number().int().min(0).max(2_147_483_647).default(7),
  leaseSeconds: z.number().int().min(1).default(3600),
  maxAttempts: z.number().int().min(1).max(1000).default(DEFAULT_MAX_ATTEMPTS),
});
export type DemoHistoryOptions = z.input<typeof demoHistorySchema>;

export interface DemoHistoryResult {
  /** Raw rows written (0 when the table already held rows: real history is never mixed with demo). */
  rows: number;
  from: Date | null;
  to: Date | null;
}

/**
 * The sandbox simulator's pace per second (sandbox.ts PACE: three workers complete about 1.3
 * entries a second, the feeder enters 1.2), so the demo runs on into the live tail at the same level.
 */
const RATES: Record<PoolEvent, number> = { entered: 1.2, claimed: 1.45, completed: 1.3, failed: 0.14, retried: 0.05, removed: 0.01, reset: 0 };

/** The incident: a batch of workers dies holding their leases, the pool backs up, an operator resets them. */
const INCIDENT = { startsAgoS: 3 * 3600, resetAgoS: 2 * 3600 + 25 * 60, stuck: 36, backlogPerMinute: 4 };
const INSERT_BATCH = 500;

/**
 * Writes `hours` of demo rows ending at the pool as it is now (one real count, by the database
 * clock), and rolls them up as the recorder would. Does nothing on a POOL_METRICS that already
 * holds rows. Event totals are left unknown, so the first recorded row does not count events
 * across the seam.
 */
export async function seedDemoHistory(db: Database, options: DemoHistoryOptions = {}): Promise<DemoHistoryResult> {
  const parsed = demoHistorySchema.safeParse(options);
  if (!parsed.success) throw new PoolError('INVALID_INPUT', `Demo history: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}.`);
  const { hours, intervalSeconds, seed, leaseSeconds, maxAttempts } = parsed.data;
  const model = metricsModel(db);
  if ((await modelCall(db, 'metrics.demo.any', (named) => model.count(named))) > 0) return { rows: 0, from: null, to: null };

  const now = await sampleMetrics(db, { recorderId: DEMO_RECORDER_ID, intervalMs: intervalSeconds * 1000, leaseSeconds, maxAttempts, previous: null });
  const points = demoPoints(now, { hours, intervalSeconds, random: seededRandom(seed) });
  for (let offset = 0; offset < points.length; offset += INSERT_BATCH) {
    const batch = points.slice(offset, offset + INSERT_BATCH).map(toAttributes);
    await modelCall(db, 'metrics.demo.write', (named) => model.bulkCreate(batch, named));
  }
  // the minute and hour rows the charts read for the longer ranges; a bounded number of passes
  for (let pass = 0; pass < 200 && (await rollUp(db, now.time)).more; pass += 1);
  return { rows: points.length, from: points[0]!.time, to: points[points.length - 1]!.time };
}

/**
 * The rows, oldest first, the newest being `now` itself (relabelled as demo). Each figure is
 * today's value times a slow drift and a little noise that fade to nothing at `now`; the incident
 * adds stuck leases and a backlog of eligible work until the reset.
 */
export function demoPoints(now: MetricsPoint, shape: { hours: number; intervalSeconds: number; random: () => number }): MetricsPoint[] {
  const { intervalSeconds, random } = shape;
  const steps = Math.floor((shape.hours * 3600) / intervalSeconds);
  // a mean-reverting walk, built backwards from now (where it is 0)
  const noise: number[] = [0];
  for (let k = 1; k <= steps; k += 1) noise.push(noise[k - 1]! * 0.98 + (random() - 0.5) * 0.01);
  const points: MetricsPoint[] = [];
  for (let k = steps; k >= 0; k -= 1) {
    const ageS = k * intervalSeconds;
    const time = new Date(now.time.getTime() - ageS * 1000);
    // the pool was a little fuller a few hours ago and has drifted down since (0 at now)
    const drift = 0.12 * Math.sin((2 * Math.PI * ageS) / (8 * 3600)) + noise[k]!;
    const inIncident = ageS <= INCIDENT.startsAgoS && ageS > INCIDENT.resetAgoS;
    const stuck = inIncident ? Math.min(INCIDENT.stuck, Math.ceil((INCIDENT.startsAgoS - ageS) / 20)) : 0;
    const backlog = inIncident ? Math.round(((INCIDENT.startsAgoS - ageS) / 60) * INCIDENT.backlogPerMinute) : 0;
    const factor: Record<PoolStatus, number> = { waiting: 1 + drift, ready: 1 + 2 * drift, processing: 1 + drift, failed: 1 + drift / 2 };
    const byModeStatus = now.byModeStatus
      ? (Object.fromEntries(
          Object.entries(now.byModeStatus).map(([mode, counts]) => [mode, Object.fromEntries(POOL_STATUSES.map((status) => [status, scaled(counts[status], factor[status])]))]),
        ) as NonNullable<MetricsPoint['byModeStatus']>)
      : null;
    const byStatus = Object.fromEntries(
      POOL_STATUSES.map((status) => [status, byModeStatus ? Object.values(byModeStatus).reduce((sum, counts) => sum + counts[status], 0) : scaled(now.byStatus[status], factor[status])]),
    ) as Record<PoolStatus, number>;
    // the stuck entries are processing; the backlog is ready work nobody takes
    byStatus.processing += stuck;
    byStatus.ready += backlog;
    if (byModeStatus) {
      const mode = byModeStatus.NORMAL ? 'NORMAL' : 'none';
      byModeStatus[mode].processing += stuck;
      byModeStatus[mode].ready += backlog;
    }
    const events = k === steps ? null : demoEvents(intervalSeconds, { random, slowdown: inIncident ? 0.45 : 1, reset: ageS === INCIDENT.resetAgoS ? INCIDENT.stuck : 0 });
    points.push({
      ...now,
      time,
      recorderId: DEMO_RECORDER_ID,
      exact: true,
      inPool: POOL_STATUSES.reduce((sum, status) => sum + byStatus[status], 0),
      byStatus,
      byModeStatus,
      eligible: Math.min(byStatus.ready + byStatus.waiting, scaled(now.eligible, factor.ready) + backlog),
      overdue: Math.min(byStatus.waiting + byStatus.ready + byStatus.failed, scaled(now.overdue, factor.waiting) + Math.round(backlog / 3)),
      expiredLeases: Math.min(byStatus.processing, now.expiredLeases + stuck),
      failedAtMaxAttempts: Math.min(byStatus.failed, scaled(now.failedAtMaxAttempts, factor.failed)),
      oldestEntryAgeSeconds: now.oldestEntryAgeSeconds === null ? null : Math.max(0, now.oldestEntryAgeSeconds - ageS),
      deadlineWithin: {
        hour1: scaled(now.deadlineWithin.hour1, factor.waiting),
        hours6: scaled(now.deadlineWithin.hours6, factor.waiting),
        hours24: scaled(now.deadlineWithin.hours24, factor.waiting),
      },
      events,
      eventTotals: null,
      sampleMs: Math.max(1, Math.round(now.sampleMs * (0.8 + random() * 0.4) + (inIncident ? 4 : 0))),
      note: DEMO_NOTE,
    });
  }
  return points;
}

function scaled(value: number, factor: number): number {
  return Math.max(0, Math.round(value * factor));
}

/** One row's events at the sandbox's pace, with a little chance in each count. */
function demoEvents(seconds: number, options: { random: () => number; slowdown: number; reset: number }): Record<PoolEvent, number> {
  return Object.fromEntries(
    POOL_EVENTS.map((event) => {
      const slowed = event === 'claimed' || event === 'completed' ? options.slowdown : 1;
      const expected = RATES[event] * seconds * slowed;
      const count = Math.max(0, Math.round(expected * (0.7 + options.random() * 0.6) + (options.random() - 0.5)));
      return [event, event === 'reset' ? options.reset : count];
    }),
  ) as Record<PoolEvent, number>;
}
