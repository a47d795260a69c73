import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { PoolError, type ErrorEnvelope } from '../../shared/errors.js';
import { isPoolPaused } from '../control/paused-error.js';
import { classifyError } from '../db/classify-error.js';
import type { Database } from '../db/database.js';
import { DatabaseBookingPool } from '../pool/database-booking-pool.js';
import { computeDeadline, loadThresholds } from '../pool/deadline.js';
import { POOL_MODES, type PoolEntry, type PoolMode, type PoolStatus } from '../pool/pool-types.js';
import { abortableSleep } from './abortable-sleep.js';
import { insertDemoBooking } from './demo-booking.js';
import { pick } from './random.js';

const FEED_TICK_MS = 100;
const rate = z.number().min(0).max(1);

export const simulationOptionsSchema = z
  .object({
    workers: z.number().int().min(1).max(64).default(4),
    /** Stop after this long; or pass untilStopped and abort `signal`. */
    durationMs: z.number().int().positive().optional(),
    untilStopped: z.boolean().default(false),
    claimBatch: z.number().int().min(1).max(1000).default(10),
    /** Per claimed entry; completeRate defaults to what failRate and dieRate leave. */
    completeRate: rate.optional(),
    failRate: rate.default(0.1),
    dieRate: rate.default(0.02),
    /** Simulated work per entry, between claim and finish. */
    thinkMs: z.number().int().min(0).max(60_000).default(20),
    /** Pause after a claim that found nothing, or after an error. */
    idleMs: z.number().int().min(1).max(60_000).default(200),
    /** New bookings entering the pool per second. */
    enterRate: z.number().min(0).max(10_000).default(0),
    maxAttempts: z.number().int().min(1).max(100).default(3),
    /** How often a `tick` event carries the counters. */
    tickMs: z.number().int().min(10).max(60_000).default(1000),
  })
  .refine((o) => (o.durationMs === undefined) === o.untilStopped, { path: ['durationMs'], message: 'give either durationMs or untilStopped: true' })
  .refine((o) => o.failRate + o.dieRate <= 1 + 1e-9, { path: ['failRate'], message: 'failRate + dieRate cannot exceed 1' })
  .refine((o) => o.completeRate === undefined || Math.abs(o.completeRate + o.failRate + o.dieRate - 1) < 1e-9, {
    path: ['completeRate'],
    message: 'completeRate + failRate + dieRate must add up to 1',
  });

export type SimulationOptions = z.input<typeof simulationOptionsSchema> & {
  signal?: AbortSignal;
  onEvent?: (event: SimulationEvent) => void;
  /** Outcome rolls and the feeder's demo bookings; seededRandom(n) makes them repeatable. */
  random?: () => number;
};

/**
 * Every claimed entry ends in exactly one of completed, failed, died, abandoned or lost, so
 * claimed = completed + failed + died + abandoned + lost.
 */
export interface SimulationCounters {
  claimed: number;
  completed: number;
  /** Fail calls that went through: the entry went back to waiting, or to failed… */
  failed: number;
  /** …of which this many reached maxAttempts and went to failed. */
  failedFinal: number;
  /** Entries left under lease by a worker that died (they stay `processing` until a reset). */
  died: number;
  /** Worker deaths; each worker restarts at once with a new owner id. */
  deaths: number;
  /** Entries still under lease when the simulation stopped. */
  abandoned: number;
  /** Complete or fail calls that threw: the entry's fate is unknown. Each is also an error. */
  lost: number;
  /** New bookings the feeder added to the pool. */
  entered: number;
  errors: number;
}

export type SimulationEvent =
  | { type: 'claimed'; owner: string; bookingIds: number[] }
  /**
   * Sent just before the complete or fail call. Promises settle a moment after their commits, so
   * a `completed` can arrive after another worker's `claimed` of the same entry; `finishing`
   * cannot: whoever claims the entry next does so after this call's commit.
   */
  | { type: 'finishing'; owner: string; bookingId: number; outcome: 'complete' | 'fail' }
  | { type: 'completed'; owner: string; bookingId: number }
  | { type: 'failed'; owner: string; bookingId: number; status: PoolStatus }
  | { type: 'died'; owner: string; bookingIds: number[]; nextOwner: string }
  | { type: 'abandoned'; owner: string; bookingIds: number[] }
  | { type: 'entered'; bookingId: number; mode: PoolMode; deadlineTime: Date }
  | { type: 'error'; source: 'worker' | 'feeder'; owner?: string; bookingId?: number; error: ErrorEnvelope }
  | { type: 'tick'; elapsedMs: number; counters: SimulationCounters };

export interface SimulationResult {
  counters: SimulationCounters;
  elapsedMs: number;
  stoppedBy: 'duration' | 'signal';
  /** Every owner id the workers used, restarts included. */
  owners: string[];
  lastError: ErrorEnvelope | null;
}

export const FAIL_ERROR_TEXT = 'simulated: no interpreter available';

/**
 * Runs `workers` claimers in this process against the pool, plus a feeder that adds bookings at
 * `enterRate`. Each worker loops: claimBatch, then per entry (after `thinkMs`) complete, fail, or
 * die holding the lease (it abandons its batch and restarts under a new owner id). Errors are
 * counted and reported through onEvent; a throwing onEvent stops the run and is rethrown.
 * On abort the run stops after the database calls in flight, leaving no timers behind.
 *
 * It claims and completes whatever is eligible in the pool: point it at demo data only.
 */
export async function runSimulation(db: Database, options: SimulationOptions): Promise<SimulationResult> {
  const parsed = simulationOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PoolError('INVALID_INPUT', `Invalid simulation option ${issue?.path.join('.') || ''}: ${issue?.message ?? 'rejected'}.`);
  }
  const o = parsed.data;
  const random = options.random ?? Math.random;
  const pool = new DatabaseBookingPool(db);
  const thresholds = await loadThresholds(db);
  const counters: SimulationCounters = { claimed: 0, completed: 0, failed: 0, failedFinal: 0, died: 0, deaths: 0, abandoned: 0, lost: 0, entered: 0, errors: 0 };
  const owners: string[] = [];
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let lastError: ErrorEnvelope | null = null;
  let listenerError: { error: unknown } | null = null;

  const stop = new AbortController();
  let stoppedBy: SimulationResult['stoppedBy'] = 'signal';
  const stopOnSignal = () => stop.abort();
  if (options.signal?.aborted) stop.abort();
  options.signal?.addEventListener('abort', stopOnSignal, { once: true });
  const durationTimer = o.durationMs === undefined ? undefined : setTimeout(() => {
    stoppedBy = 'duration';
    stop.abort();
  }, o.durationMs);

  const emit = (event: SimulationEvent) => {
    if (!options.onEvent || listenerError) return;
    try {
      options.onEvent(event);
    } catch (error) {
      // a broken listener is the caller's bug: stop and rethrow it rather than run on unobserved
      listenerError = { error };
      stop.abort();
    }
  };
  const reportError = (source: 'worker' | 'feeder', error: unknown, where: { owner?: string; bookingId?: number } = {}) => {
    counters.errors += 1;
    lastError = classifyError(error, db.target).toEnvelope();
    emit({ type: 'error', source, ...where, error: lastError });
  };
  const sleep = (ms: number) => abortableSleep(ms, stop.signal);
  // Not from `random`: two runs with one seed on one database must not share owners, or a run's
  // workers would hold the leases an earlier run abandoned.
  const newOwner = (index: number) => {
    const owner = `sim-worker-${index}-${randomBytes(4).toString('hex')}`;
    owners.push(owner);
    return owner;
  };

  /** Finishes one claimed entry; 'died' when the worker dies holding it (and the rest of its batch). */
  const finish = async (owner: string, entry: PoolEntry): Promise<'done' | 'died'> => {
    const roll = random();
    if (roll < o.dieRate) return 'died';
    const outcome = roll < o.dieRate + o.failRate ? 'fail' : 'complete';
    emit({ type: 'finishing', owner, bookingId: entry.bookingId, outcome });
    try {
      if (outcome === 'fail') {
        const { status } = await pool.failProcessing(entry.bookingId, { owner, error: FAIL_ERROR_TEXT, maxAttempts: o.maxAttempts });
        counters.failed += 1;
        if (status === 'failed') counters.failedFinal += 1;
        emit({ type: 'failed', owner, bookingId: entry.bookingId, status });
      } else {
        await pool.completeProcessing(entry.bookingId, { owner });
        counters.completed += 1;
        emit({ type: 'completed', owner, bookingId: entry.bookingId });
      }
    } catch (error) {
      counters.lost += 1;
      reportError('worker', error, { owner, bookingId: entry.bookingId });
    }
    return 'done';
  };

  const worker = async (index: number) => {
    let owner = newOwner(index);
    while (!stop.signal.aborted) {
      let batch: PoolEntry[];
      try {
        batch = await pool.claimBatch({ owner, limit: o.claimBatch });
      } catch (error) {
        // A paused pool is an answer to back off on, not a worker's error.
        if (!isPoolPaused(error)) reportError('worker', error, { owner });
        await sleep(o.idleMs);
        continue;
      }
      if (batch.length === 0) {
        await sleep(o.idleMs);
        continue;
      }
      counters.claimed += batch.length;
      emit({ type: 'claimed', owner, bookingIds: batch.map((entry) => entry.bookingId) });
      for (let i = 0; i < batch.length; i += 1) {
        await sleep(o.thinkMs);
        const held = batch.slice(i).map((entry) => entry.bookingId);
        if (stop.signal.aborted) {
          counters.abandoned += held.length;
          emit({ type: 'abandoned', owner, bookingIds: held });
          return;
        }
        if ((await finish(owner, batch[i]!)) === 'died') {
          counters.died += held.length;
          counters.deaths += 1;
          const nextOwner = newOwner(index);
          emit({ type: 'died', owner, bookingIds: held, nextOwner });
          owner = nextOwner;
          break;
        }
      }
    }
  };

  const feeder = async () => {
    if (o.enterRate <= 0) return;
    let attempted = 0;
    while (!stop.signal.aborted) {
      const due = Math.floor((elapsed() / 1000) * o.enterRate) - attempted;
      for (let i = 0; i < due && !stop.signal.aborted; i += 1) {
        attempted += 1;
        try {
          const booking = await insertDemoBooking(db, random);
          const mode = pick(POOL_MODES, random);
          const deadlineTime = computeDeadline(booking.timeStart, mode, thresholds[booking.meetingType]);
          await pool.addToPool(booking.bookingId, deadlineTime, { mode });
          counters.entered += 1;
          emit({ type: 'entered', bookingId: booking.bookingId, mode, deadlineTime });
        } catch (error) {
          reportError('feeder', error);
        }
      }
      await sleep(FEED_TICK_MS);
    }
  };

  const ticker = setInterval(() => emit({ type: 'tick', elapsedMs: elapsed(), counters: { ...counters } }), o.tickMs);
  try {
    // workers and feeder catch their own errors, so this settles only once all have stopped
    await Promise.all([...Array.from({ length: o.workers }, (_, i) => worker(i + 1)), feeder()]);
  } finally {
    clearInterval(ticker);
    clearTimeout(durationTimer);
    options.signal?.removeEventListener('abort', stopOnSignal);
  }
  if (listenerError) throw (listenerError as { error: unknown }).error;
  emit({ type: 'tick', elapsedMs: elapsed(), counters: { ...counters } });
  return { counters: { ...counters }, elapsedMs: elapsed(), stoppedBy, owners, lastError };
}
