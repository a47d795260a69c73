import { z } from 'zod';
import { PoolError } from '../../shared/errors.js';
import type { Database } from '../db/database.js';
import { deadlineSql, loadThresholds } from '../pool/deadline.js';
import { POOL_MODES, POOL_STATUSES, type MeetingType, type PoolMode, type PoolStatus } from '../pool/pool-types.js';
import {
  DEMO_OWNER_PREFIX, DURATION_STEP_MINUTES, DURATION_STEPS, FUTURE_START_BUCKETS, MEETING_TYPE_WEIGHTS, OWNER_GROUPS, PAST_START,
  SEED_LEASE_OWNER,
} from './demo-shape.js';

/** Rows one INSERT … SELECT writes: the number sequence is four cross-joined digit tables. */
const ROWS_PER_STATEMENT = 10_000;

const statusWeightsSchema = z.object({
  waiting: z.number().min(0),
  ready: z.number().min(0),
  processing: z.number().min(0),
  failed: z.number().min(0),
});

export const DEFAULT_STATUS_WEIGHTS: Record<PoolStatus, number> = { waiting: 0.82, ready: 0.08, processing: 0.04, failed: 0.06 };

export const seedOptionsSchema = z
  .object({
    bookings: z.number().int().min(1).max(10_000_000),
    pooled: z.number().int().min(0).default(0),
    /** Same seed, same rows (apart from the ids and the clock). */
    seed: z.number().int().min(0).max(2_147_483_647).default(1),
    /** Attempts of entries seeded as failed; other entries stay below it. */
    maxAttempts: z.number().int().min(1).max(100).default(3),
    statusWeights: statusWeightsSchema.default(DEFAULT_STATUS_WEIGHTS),
  })
  .refine((o) => o.pooled <= o.bookings, { path: ['pooled'], message: 'cannot be more than bookings' })
  .refine((o) => Object.values(o.statusWeights).some((w) => w > 0), { path: ['statusWeights'], message: 'at least one weight must be positive' });

export type SeedOptions = z.input<typeof seedOptionsSchema>;

export interface SeedResult {
  bookings: number;
  pooled: number;
  /** Exactly how many pooled entries got each status and mode. */
  byStatus: Record<PoolStatus, number>;
  byMode: Record<PoolMode, number>;
  /** Demo bookings got ids in (afterId, lastId]; on a busy database other rows may share the range. */
  afterId: number;
  lastId: number;
  statements: number;
  elapsedMs: number;
}

/** Splits `total` by `weights` so the parts add up exactly (largest remainder). */
export function apportion<K extends string>(total: number, weights: Record<K, number>): Record<K, number> {
  const keys = Object.keys(weights) as K[];
  const sum = keys.reduce((acc, key) => acc + weights[key], 0);
  const exact = keys.map((key) => ({ key, share: (total * weights[key]) / sum }));
  const result = Object.fromEntries(exact.map(({ key, share }) => [key, Math.floor(share)])) as Record<K, number>;
  let left = total - keys.reduce((acc, key) => acc + result[key], 0);
  for (const { key } of [...exact].sort((a, b) => (b.share % 1) - (a.share % 1))) {
    if (left-- <= 0) break;
    result[key] += 1;
  }
  return result;
}

/** Modes go round-robin over the pooled entries, so each gets a quarter (± 1). */
export function modeCounts(pooled: number): Record<PoolMode, number> {
  return Object.fromEntries(POOL_MODES.map((mode, i) => [mode, Math.floor(pooled / POOL_MODES.length) + (i < pooled % POOL_MODES.length ? 1 : 0)])) as Record<PoolMode, number>;
}

/** A stride coprime with `n`: k ↦ k·stride mod n is then a permutation, which scatters statuses over ids. */
function coprimeStride(n: number): number {
  return [7919, 104_729, 1_299_709].find((prime) => n % prime !== 0) ?? 1;
}

/** CASE over a hash bucket 0–99 by cumulative weights. */
function weightedCase(bucket: string, choices: readonly (readonly [string, number])[]): string {
  let upTo = 0;
  const whens = choices.map(([value, weight]) => {
    upTo += weight;
    return `WHEN ${bucket} < ${upTo} THEN '${value}'`;
  });
  return `CASE ${whens.join(' ')} ELSE '${choices[choices.length - 1]![0]}' END`;
}

function startMinutesSql(): string {
  let upTo = 0;
  const future = FUTURE_START_BUCKETS.map((b) => {
    upTo += b.weight;
    return `WHEN a.h2 % 100 < ${upTo} THEN ${b.fromMinutes} + a.h4 % ${b.spanMinutes}`;
  });
  const last = FUTURE_START_BUCKETS[FUTURE_START_BUCKETS.length - 1]!;
  // pooled bookings never start in the past: the integrity rules would flag them
  return `((CASE WHEN NOT a.pooled AND a.h3 % 100 < ${PAST_START.weight} THEN ${PAST_START.fromMinutes} + a.h4 % ${PAST_START.spanMinutes}
                ${future.join(' ')} ELSE ${last.fromMinutes} + a.h4 % ${last.spanMinutes} END) DIV 15) * 15`;
}

const DIGITS = '(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';

function insertSql(urgentDays: Record<MeetingType, number>): string {
  const urgentCase = `CASE b.meetingType ${Object.entries(urgentDays).map(([type, days]) => `WHEN '${type}' THEN ${Number(days)}`).join(' ')} END`;
  const startMinutes = startMinutesSql();
  return `
INSERT INTO BOOKING_PLAN (OWNER_EMP_CODE, OWNER_GROUP, MEETING_ROOM, MEETING_TYPE, TIME_START, TIME_END, INTERPRETER_EMP_CODE,
                          BOOKING_STATUS, POOL_STATUS, POOL_ENTRY_TIME, POOL_DEADLINE_TIME, POOL_PROCESSING_ATTEMPTS, POOL_MODE,
                          POOL_CLAIMED_BY, POOL_CLAIMED_AT, POOL_LAST_ERROR)
SELECT CONCAT('${DEMO_OWNER_PREFIX}', LPAD(b.h1 % 10000, 4, '0')), ELT(1 + b.h5 % 4, ${OWNER_GROUPS.map((g) => `'${g}'`).join(', ')}),
       CONCAT('Room ', 1 + b.h4 % 40), b.meetingType, b.timeStart, b.timeStart + INTERVAL b.durationMinutes MINUTE,
       IF(b.bookingStatus IN ('approve', 'complet'), CONCAT('I', LPAD(b.h5 % 300, 3, '0')), NULL), b.bookingStatus,
       b.poolStatus,
       IF(b.pooled, :now - INTERVAL (b.h5 % 10080) MINUTE, NULL),
       IF(b.pooled, ${deadlineSql('b.timeStart', 'b.poolMode', urgentCase)}, NULL),
       COALESCE(b.attempts, 0),
       b.poolMode,
       IF(b.poolStatus = 'processing', '${SEED_LEASE_OWNER}', NULL),
       IF(b.poolStatus = 'processing', :now - INTERVAL (b.h5 % 180) MINUTE, NULL),
       CASE WHEN b.poolStatus = 'failed' THEN 'simulated: interpreter calendar sync failed'
            WHEN b.attempts > 0 THEN 'simulated: no interpreter available' END
  FROM (
    SELECT a.*,
           ${weightedCase('a.h1 % 100', MEETING_TYPE_WEIGHTS)} AS meetingType,
           :base + INTERVAL (${startMinutes}) MINUTE AS timeStart,
           ${DURATION_STEP_MINUTES} * (1 + a.h4 % ${DURATION_STEPS}) AS durationMinutes,
           IF(a.pooled, 'waiting',
              CASE WHEN (${startMinutes}) < 0 THEN IF(a.h2 DIV 100 % 100 < 85, 'complet', 'cancel')
                   WHEN a.h2 DIV 100 % 100 < 55 THEN 'approve' WHEN a.h2 DIV 100 % 100 < 80 THEN 'waiting' ELSE 'cancel' END) AS bookingStatus,
           IF(a.pooled, ELT(1 + a.k % 4, ${POOL_MODES.map((m) => `'${m}'`).join(', ')}), NULL) AS poolMode,
           CASE a.poolStatus WHEN 'processing' THEN 1 + a.h3 % :maxAttempts
                             WHEN 'failed' THEN :maxAttempts
                             WHEN 'waiting' THEN LEAST(IF(a.h3 % 10 < 8, 0, 1 + a.h3 % GREATEST(:maxAttempts - 1, 1)), :maxAttempts - 1)
                             WHEN 'ready' THEN 0 END AS attempts
      FROM (
        SELECT p.*,
               CASE WHEN NOT p.pooled THEN NULL
                    WHEN (p.k * :stride) % :statusModulus < :waitingUpTo THEN 'waiting'
                    WHEN (p.k * :stride) % :statusModulus < :readyUpTo THEN 'ready'
                    WHEN (p.k * :stride) % :statusModulus < :processingUpTo THEN 'processing'
                    ELSE 'failed' END AS poolStatus
          FROM (
            SELECT q.n,
                   ((q.n + 1) * :pooledTotal) DIV :bookingCount > (q.n * :pooledTotal) DIV :bookingCount AS pooled,
                   (q.n * :pooledTotal) DIV :bookingCount AS k,
                   -- signed: start offsets subtract from them, and unsigned arithmetic cannot go below 0
                   CAST(CRC32(CONCAT(:seed, '-t-', q.n)) AS SIGNED) AS h1, CAST(CRC32(CONCAT(:seed, '-s-', q.n)) AS SIGNED) AS h2,
                   CAST(CRC32(CONCAT(:seed, '-b-', q.n)) AS SIGNED) AS h3, CAST(CRC32(CONCAT(:seed, '-m-', q.n)) AS SIGNED) AS h4,
                   CAST(CRC32(CONCAT(:seed, '-e-', q.n)) AS SIGNED) AS h5
              FROM (SELECT :offset + d0.d + 10 * d1.d + 100 * d2.d + 1000 * d3.d AS n
                      FROM ${DIGITS} d0 CROSS JOIN ${DIGITS} d1 CROSS JOIN ${DIGITS} d2 CROSS JOIN ${DIGITS} d3) q
             WHERE q.n < :end
          ) p
      ) a
  ) b`;
}

/**
 * Creates `bookings` demo bookings across meeting types, groups and rooms, meeting starts from
 * a month ago to two months ahead, and pools `pooled` of them (spread evenly over the ids) with
 * exact status counts from `statusWeights`, modes round-robin, and deadlines by the host's rule
 * (computeDeadline, from MEETING_TYPE_PRIORITY or the defaults). Set-based: one INSERT … SELECT
 * per 10,000 rows, each its own statement. Times come from the database's clock.
 */
export async function seedDemoData(db: Database, options: SeedOptions): Promise<SeedResult> {
  const parsed = seedOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PoolError('INVALID_INPUT', `Invalid seed option ${issue?.path.join('.') || ''}: ${issue?.message ?? 'rejected'}.`);
  }
  const o = parsed.data;
  const started = performance.now();
  const byStatus = apportion(o.pooled, o.statusWeights);
  const thresholds = await loadThresholds(db);
  const urgentDays = Object.fromEntries(Object.entries(thresholds).map(([type, t]) => [type, t.urgentThresholdDays])) as Record<MeetingType, number>;
  const [clock] = await db.select<{ now: Date; base: Date; maxId: number | null }>(
    'simulator.seed.clock',
    `SELECT UTC_TIMESTAMP() AS now, TIMESTAMP(DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d %H:00:00')) AS base,
            (SELECT MAX(BOOKING_ID) FROM BOOKING_PLAN) AS maxId`,
  );
  if (!clock) throw new PoolError('INTERNAL', 'The database returned no clock row.');
  const sql = insertSql(urgentDays);
  const upTo = POOL_STATUSES.reduce<Record<string, number>>((acc, status, i) => {
    acc[status] = (i === 0 ? 0 : acc[POOL_STATUSES[i - 1]!]!) + byStatus[status];
    return acc;
  }, {});
  let statements = 0;
  for (let offset = 0; offset < o.bookings; offset += ROWS_PER_STATEMENT) {
    await db.execute('simulator.seed.insert', sql, {
      replacements: {
        offset,
        end: Math.min(offset + ROWS_PER_STATEMENT, o.bookings),
        bookingCount: o.bookings,
        pooledTotal: o.pooled,
        // the status CASE takes a modulus by it; no row is pooled when it is 0, so any divisor will do
        statusModulus: Math.max(o.pooled, 1),
        stride: coprimeStride(Math.max(o.pooled, 1)),
        waitingUpTo: upTo.waiting,
        readyUpTo: upTo.ready,
        processingUpTo: upTo.processing,
        seed: o.seed,
        maxAttempts: o.maxAttempts,
        now: clock.now,
        base: clock.base,
      },
    });
    statements += 1;
  }
  const [after] = await db.select<{ maxId: number | null }>('simulator.seed.last-id', 'SELECT MAX(BOOKING_ID) AS maxId FROM BOOKING_PLAN');
  return {
    bookings: o.bookings,
    pooled: o.pooled,
    byStatus,
    byMode: modeCounts(o.pooled),
    afterId: Number(clock.maxId ?? 0),
    lastId: Number(after?.maxId ?? 0),
    statements,
    elapsedMs: Math.round(performance.now() - started),
  };
}
