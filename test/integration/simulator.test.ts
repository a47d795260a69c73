import { describe, expect, it } from 'vitest';
import { computeDeadline, loadThresholds } from '../../src/core/pool/deadline.js';
import { MEETING_TYPES, type MeetingType, type PoolMode } from '../../src/core/pool/pool-types.js';
import { runSimulation, seedDemoData, seededRandom, SEED_LEASE_OWNER, type SimulationEvent } from '../../src/core/simulator/index.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';

// a worker per connection, plus the feeder and the test's own reads
const t = poolDatabase('bare', { poolMax: 8 });

interface Counts {
  inPool: number;
  waiting: number;
  ready: number;
  processing: number;
  failed: number;
}

async function poolCounts(): Promise<Counts> {
  const [[row]] = (await t.admin.query(
    `SELECT COUNT(*) AS inPool, SUM(POOL_STATUS = 'waiting') AS waiting, SUM(POOL_STATUS = 'ready') AS ready,
            SUM(POOL_STATUS = 'processing') AS processing, SUM(POOL_STATUS = 'failed') AS failed
       FROM BOOKING_PLAN WHERE POOL_STATUS IS NOT NULL`,
  )) as unknown as [[Record<keyof Counts, string | number | null>]];
  return {
    inPool: Number(row.inPool),
    waiting: Number(row.waiting ?? 0),
    ready: Number(row.ready ?? 0),
    processing: Number(row.processing ?? 0),
    failed: Number(row.failed ?? 0),
  };
}

/**
 * Follows leases through the events: a claim of an entry someone still holds is a double claim.
 * A lease ends at `finishing` (sent before the complete or fail call), not at `completed`: those
 * settle a moment after their commit, when another worker may already have claimed the entry anew.
 */
function leaseTracker() {
  const held = new Map<number, string>();
  const finishing = new Map<number, string>();
  const doubleClaims: string[] = [];
  const wrongFinisher: string[] = [];
  const errors: SimulationEvent[] = [];
  const onEvent = (event: SimulationEvent) => {
    switch (event.type) {
      case 'claimed':
        for (const id of event.bookingIds) {
          if (held.has(id)) doubleClaims.push(`${id}: ${event.owner} while ${held.get(id)} holds it`);
          held.set(id, event.owner);
        }
        break;
      case 'finishing':
        if (held.get(event.bookingId) !== event.owner) wrongFinisher.push(`${event.bookingId} by ${event.owner}`);
        held.delete(event.bookingId);
        finishing.set(event.bookingId, event.owner);
        break;
      case 'completed':
      case 'failed':
        if (finishing.get(event.bookingId) !== event.owner) wrongFinisher.push(`${event.bookingId} reported by ${event.owner}`);
        finishing.delete(event.bookingId);
        break;
      case 'error':
        errors.push(event);
        break;
      default:
        break;
    }
  };
  return { held, doubleClaims, wrongFinisher, errors, onEvent };
}

describe('seedDemoData', () => {
  it('creates the bookings and pools the requested share with exact status and mode counts and host-rule deadlines', async () => {
    const result = await seedDemoData(t.db, { bookings: 25_000, pooled: 5_000, seed: 7 });
    expect(result).toMatchObject({ bookings: 25_000, pooled: 5_000, statements: 3 });
    expect(Object.values(result.byStatus).reduce((a, b) => a + b, 0)).toBe(5_000);
    expect(result.byStatus).toEqual({ waiting: 4_100, ready: 400, processing: 200, failed: 300 });
    expect(result.byMode).toEqual({ BALANCE: 1_250, URGENT: 1_250, NORMAL: 1_250, CUSTOM: 1_250 });

    const range = [result.afterId, result.lastId];
    const [[totals]] = (await t.admin.query(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT MEETING_TYPE) AS types, COUNT(DISTINCT OWNER_GROUP) AS groups_,
              COUNT(DISTINCT MEETING_ROOM) AS rooms, SUM(TIME_START < UTC_TIMESTAMP()) AS past,
              SUM(TIME_START < UTC_TIMESTAMP() + INTERVAL 3 DAY AND TIME_START > UTC_TIMESTAMP()) AS soon,
              SUM(TIME_START > UTC_TIMESTAMP() + INTERVAL 14 DAY) AS later
         FROM BOOKING_PLAN WHERE BOOKING_ID > ? AND BOOKING_ID <= ?`,
      range,
    )) as unknown as [[Record<string, number | string>]];
    expect(Number(totals.n)).toBe(25_000);
    expect(Number(totals.types)).toBe(MEETING_TYPES.length);
    expect(Number(totals.groups_)).toBe(4);
    expect(Number(totals.rooms)).toBeGreaterThan(10);
    for (const bucket of ['past', 'soon', 'later']) expect(Number(totals[bucket])).toBeGreaterThan(0);

    const [byStatus] = (await t.admin.query(
      `SELECT POOL_STATUS AS status, COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID > ? AND BOOKING_ID <= ? AND POOL_STATUS IS NOT NULL GROUP BY POOL_STATUS`,
      range,
    )) as unknown as [{ status: string; n: number }[]];
    expect(Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)]))).toEqual(result.byStatus);
    const [byMode] = (await t.admin.query(
      `SELECT POOL_MODE AS mode, COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID > ? AND BOOKING_ID <= ? AND POOL_STATUS IS NOT NULL GROUP BY POOL_MODE`,
      range,
    )) as unknown as [{ mode: string; n: number }[]];
    expect(Object.fromEntries(byMode.map((r) => [r.mode, Number(r.n)]))).toEqual(result.byMode);

    // every pooled row is one the pool could hold, with the deadline computeDeadline gives
    const thresholds = await loadThresholds(t.db);
    const [pooled] = (await t.admin.query(
      `SELECT BOOKING_ID AS id, MEETING_TYPE AS type, TIME_START AS start, POOL_MODE AS mode, POOL_DEADLINE_TIME AS deadline,
              POOL_STATUS AS status, POOL_PROCESSING_ATTEMPTS AS attempts, POOL_CLAIMED_BY AS claimedBy, POOL_CLAIMED_AT AS claimedAt,
              POOL_ENTRY_TIME AS entryTime, BOOKING_STATUS AS bookingStatus, INTERPRETER_EMP_CODE AS interpreter,
              TIME_START > UTC_TIMESTAMP() AS future, POOL_ENTRY_TIME <= UTC_TIMESTAMP() AS entered
         FROM BOOKING_PLAN WHERE BOOKING_ID > ? AND BOOKING_ID <= ? AND POOL_STATUS IS NOT NULL`,
      range,
    )) as unknown as [Record<string, unknown>[]];
    expect(pooled).toHaveLength(5_000);
    const wrong = pooled.filter((row) => {
      const expected = computeDeadline(row.start as Date, row.mode as PoolMode, thresholds[row.type as MeetingType]);
      return (row.deadline as Date).getTime() !== expected.getTime();
    });
    expect(wrong.map((row) => row.id)).toEqual([]);
    for (const row of pooled) {
      expect(row).toMatchObject({ bookingStatus: 'waiting', interpreter: null, future: 1, entered: 1 });
      const attempts = Number(row.attempts);
      if (row.status === 'processing') expect(row).toMatchObject({ claimedBy: SEED_LEASE_OWNER });
      if (row.status === 'processing') expect(row.claimedAt).toBeInstanceOf(Date);
      else expect(row).toMatchObject({ claimedBy: null, claimedAt: null });
      if (row.status === 'failed') expect(attempts).toBe(3);
      else if (row.status === 'processing') expect([1, 2, 3]).toContain(attempts);
      else expect(attempts).toBeLessThan(3);
    }
    // some entries are due now, some later: the workers have work and the deadline chart has a future
    const dueNow = pooled.filter((row) => row.status === 'waiting' && (row.deadline as Date).getTime() <= Date.now()).length;
    expect(dueNow).toBeGreaterThan(0);
    expect(dueNow).toBeLessThan(result.byStatus.waiting);
  });

  it('refuses impossible requests before writing', async () => {
    const before = await poolCounts();
    await expect(seedDemoData(t.db, { bookings: 10, pooled: 11 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(seedDemoData(t.db, { bookings: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await poolCounts()).toEqual(before);
  });
});

describe('runSimulation', () => {
  it('claims each entry once at a time, and its counters reconcile with the database', async () => {
    const before = await poolCounts();
    const tracker = leaseTracker();
    const stop = new AbortController();
    const claimsWanted = 300;
    let claims = 0;
    const result = await runSimulation(t.db, {
      workers: 4,
      durationMs: 20_000,
      claimBatch: 5,
      failRate: 0.25,
      dieRate: 0.1,
      thinkMs: 2,
      enterRate: 20,
      maxAttempts: 3,
      tickMs: 200,
      signal: stop.signal,
      random: seededRandom(42),
      onEvent: (event) => {
        tracker.onEvent(event);
        if (event.type === 'claimed') claims += event.bookingIds.length;
        if (claims >= claimsWanted) stop.abort();
      },
    });
    const c = result.counters;
    expect(tracker.errors).toEqual([]);
    expect(c.errors).toBe(0);
    expect(tracker.doubleClaims).toEqual([]);
    expect(tracker.wrongFinisher).toEqual([]);
    expect(c.claimed).toBeGreaterThanOrEqual(claimsWanted);
    expect(c.claimed).toBe(c.completed + c.failed + c.died + c.abandoned + c.lost);
    expect(c.lost).toBe(0);
    expect(c.completed).toBeGreaterThan(0);
    expect(c.failed).toBeGreaterThan(0);
    expect(c.deaths).toBeGreaterThan(0);
    expect(c.entered).toBeGreaterThan(0);
    expect(result.owners.length).toBe(4 + c.deaths);
    expect(new Set(result.owners).size).toBe(result.owners.length);

    // conservation: completed entries left, entered ones joined, nothing else appeared or vanished
    const after = await poolCounts();
    expect(after.waiting + after.ready + after.processing + after.failed).toBe(after.inPool);
    expect(after.inPool).toBe(before.inPool + c.entered - c.completed);
    expect(after.processing).toBe(before.processing + c.died + c.abandoned);
    expect(after.failed).toBe(before.failed + c.failedFinal);
    // what the workers still hold is exactly what the events say they hold
    const [leases] = (await t.admin.query(
      `SELECT BOOKING_ID AS id, POOL_CLAIMED_BY AS owner FROM BOOKING_PLAN WHERE POOL_STATUS = 'processing' AND POOL_CLAIMED_BY LIKE 'sim-worker-%'`,
    )) as unknown as [{ id: number; owner: string }[]];
    expect(new Map(leases.map((row) => [Number(row.id), row.owner]))).toEqual(tracker.held);
    expect(leases).toHaveLength(c.died + c.abandoned);
  });

  it('counts and reports a lost lease as an error instead of hiding it', async () => {
    const stop = new AbortController();
    const errors: Extract<SimulationEvent, { type: 'error' }>[] = [];
    let stolen: Promise<unknown> | undefined;
    const result = await runSimulation(t.db, {
      workers: 1,
      durationMs: 15_000,
      claimBatch: 3,
      failRate: 0,
      dieRate: 0,
      thinkMs: 100,
      signal: stop.signal,
      random: seededRandom(3),
      onEvent: (event) => {
        // another console resets the worker's leases while it works: its completes must fail loudly
        if (event.type === 'claimed' && !stolen) {
          stolen = t.admin.query(`UPDATE BOOKING_PLAN SET POOL_STATUS = 'waiting', POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL WHERE BOOKING_ID IN (?)`, [event.bookingIds]);
        }
        if (event.type === 'error') {
          errors.push(event);
          stop.abort();
        }
      },
    });
    await stolen;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ source: 'worker', error: { code: 'CONFLICT' } });
    expect(result.counters.errors).toBe(errors.length);
    expect(result.counters.lost).toBeGreaterThan(0);
    expect(result.lastError?.code).toBe('CONFLICT');
    const c = result.counters;
    expect(c.claimed).toBe(c.completed + c.failed + c.died + c.abandoned + c.lost);
  });

  it('stops promptly on abort and leaves no timers behind', async () => {
    await poolDirectly(t.admin, await insertBookings(t.admin, { count: 20 }), { status: 'ready', deadlineHoursFromNow: 24 });
    const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    const baseline = timers();
    const stop = new AbortController();
    // a think time longer than the test's timeout: only an abort that cuts it short lets the test pass
    const running = runSimulation(t.db, {
      workers: 4,
      untilStopped: true,
      thinkMs: 60_000,
      idleMs: 50,
      enterRate: 1,
      tickMs: 60_000,
      signal: stop.signal,
      onEvent: (event) => {
        if (event.type === 'claimed') stop.abort();
      },
    });
    const result = await running;
    expect(result.stoppedBy).toBe('signal');
    expect(result.counters.claimed).toBeGreaterThan(0);
    // nobody could finish within the think time: every claim was abandoned under its lease
    expect(result.counters.abandoned).toBe(result.counters.claimed);
    expect(timers()).toBeLessThanOrEqual(baseline);

    const already = new AbortController();
    already.abort();
    const none = await runSimulation(t.db, { untilStopped: true, signal: already.signal });
    expect(none.counters.claimed).toBe(0);
  });

  it('rethrows a failing listener and rejects bad options', async () => {
    const boom = new Error('listener broke');
    await expect(
      runSimulation(t.db, { durationMs: 10_000, tickMs: 10, onEvent: () => { throw boom; } }),
    ).rejects.toBe(boom);
    await expect(runSimulation(t.db, {})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(runSimulation(t.db, { durationMs: 100, failRate: 0.8, dieRate: 0.5 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(runSimulation(t.db, { durationMs: 100, completeRate: 0.5, failRate: 0.1, dieRate: 0.1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
