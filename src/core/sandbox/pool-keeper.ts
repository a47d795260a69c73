import { PoolError } from '../../shared/errors.js';
import type { Database } from '../db/database.js';
import { updateInBatches } from '../pool/batches.js';
import { DatabaseBookingPool } from '../pool/database-booking-pool.js';
import { countEvent } from '../pool/event-counts.js';
import { abortableSleep } from '../simulator/abortable-sleep.js';
import { SEED_LEASE_OWNER, seedDemoData } from '../simulator/index.js';

/**
 * Keeps the sandbox's pool between a floor and a ceiling while the simulator runs for hours.
 * Left alone it would not stay put: the feeder enters bookings at a fixed rate, while the
 * workers can only finish what is eligible, and most new entries wait days for their deadline.
 * So, once per round:
 *   - below the floor, it tops the pool up with fresh demo bookings (waiting and ready only);
 *   - above the ceiling, with the workers short of eligible work, it marks the waiting entries
 *     with the nearest deadlines `ready` (what an operator or a mode switch does), so the
 *     workers bring the pool back down;
 *   - it returns to `waiting` the entries of simulated workers that died more than two hours
 *     ago. Between one and two hours they show as expired leases, as a real incident would;
 *     the entries seeded under lease (SEED_LEASE_OWNER) are left for the operator to reset.
 */

export interface PoolKeeperOptions {
  /** Pool sizes (entries with a status) the keeper holds the pool between, and tops up to. */
  floor: number;
  ceiling: number;
  target: number;
  everyMs: number;
  random: () => number;
  onError: (error: unknown) => void;
}

export interface PoolKeeperCounters {
  rounds: number;
  toppedUp: number;
  promoted: number;
  leasesReset: number;
}

/** Most bookings one round adds or promotes: a gentle nudge, never a flood. */
const TOP_UP_MAX = 1000;
const PROMOTE_MAX = 60;
/** The workers are "short of work" below this many eligible entries. */
const SHORT_OF_WORK = 20;
const DEAD_WORKER_LEASE_SECONDS = 2 * 60 * 60;
const TOP_UP_STATUS_WEIGHTS = { waiting: 0.9, ready: 0.1, processing: 0, failed: 0 };

const PROMOTE_SQL = `UPDATE BOOKING_PLAN SET POOL_STATUS = 'ready'
  WHERE POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME > UTC_TIMESTAMP()
  ORDER BY POOL_DEADLINE_TIME, POOL_ENTRY_TIME, BOOKING_ID LIMIT :count`;

const RESET_DEAD_WORKERS_SQL = `UPDATE BOOKING_PLAN SET POOL_STATUS = 'waiting', POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL
  WHERE POOL_STATUS = 'processing' AND POOL_CLAIMED_AT < UTC_TIMESTAMP() - INTERVAL :olderThanSeconds SECOND
    AND POOL_CLAIMED_BY <> :seedOwner
  LIMIT :batch`;

/** One round; exported so a test can run it without waiting for the timer. */
export async function balancePool(db: Database, options: Omit<PoolKeeperOptions, 'everyMs' | 'onError'>, counters: PoolKeeperCounters): Promise<void> {
  if (!(options.floor <= options.target && options.target <= options.ceiling)) {
    throw new PoolError('INVALID_INPUT', `The pool keeper needs floor <= target <= ceiling; got ${options.floor}, ${options.target}, ${options.ceiling}.`);
  }
  const stats = await new DatabaseBookingPool(db).getPoolStats();
  if (stats.inPool < options.floor) {
    const count = Math.min(options.target - stats.inPool, TOP_UP_MAX);
    const seeded = await seedDemoData(db, { bookings: count, pooled: count, seed: Math.floor(options.random() * 2_147_483_647), statusWeights: TOP_UP_STATUS_WEIGHTS });
    counters.toppedUp += count;
    // New bookings put straight into the pool: entries, as far as the throughput chart can tell.
    await countEvent(db, 'entered', seeded.pooled);
  } else if (stats.inPool > options.ceiling && stats.eligibleNow < SHORT_OF_WORK) {
    const count = Math.min(stats.inPool - options.target, PROMOTE_MAX);
    counters.promoted += await db.execute('sandbox.keeper.promote', PROMOTE_SQL, { replacements: { count } });
  }
  counters.leasesReset += await updateInBatches(
    db,
    'sandbox.keeper.reset-dead-workers',
    RESET_DEAD_WORKERS_SQL,
    { olderThanSeconds: DEAD_WORKER_LEASE_SECONDS, seedOwner: SEED_LEASE_OWNER },
    { inBatch: (changed, transaction) => countEvent(db, 'reset', changed, transaction) },
  );
  counters.rounds += 1;
}

/** Runs a round at once and then every `everyMs` until stopped; a failed round is reported, and the next one tries again. */
export function startPoolKeeper(db: Database, options: PoolKeeperOptions): { counters(): PoolKeeperCounters; stop(): Promise<void> } {
  const counters: PoolKeeperCounters = { rounds: 0, toppedUp: 0, promoted: 0, leasesReset: 0 };
  const stop = new AbortController();
  const loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        await balancePool(db, options, counters);
      } catch (error) {
        options.onError(error);
      }
      await abortableSleep(options.everyMs, stop.signal);
    }
  })();
  return {
    counters: () => ({ ...counters }),
    stop: async () => {
      stop.abort();
      await loop;
    },
  };
}
