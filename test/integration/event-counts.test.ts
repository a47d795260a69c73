import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/core/db/database.js';
import { indexHealth } from '../../src/core/health/index-health.js';
import { applyCleanup } from '../../src/core/maintenance/cleanup.js';
import { applyLegacyImport } from '../../src/core/maintenance/legacy-import.js';
import { DatabaseBookingPool } from '../../src/core/pool/database-booking-pool.js';
import { EntryActions } from '../../src/core/pool/entry-actions.js';
import { EVENT_SHARDS, POOL_EVENTS, type PoolEvent } from '../../src/core/pool/event-counts.js';
import { PoolMigrator } from '../../src/core/schema/migrator.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';

const t = poolDatabase();
const CLAIMERS = 8;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ops = { actor: 'ops@event-counts-test', reason: 'event count test' };

type Totals = Record<PoolEvent, number>;

/** The totals as the stats read them (their one statement). */
async function totals(pool: DatabaseBookingPool = t.pool): Promise<Totals> {
  const { eventTotals } = await pool.getPoolStats();
  if (!eventTotals) throw new Error('expected event totals: the counters table should exist');
  return eventTotals;
}

/** What moved between two readings, only the events that did. */
function moved(before: Totals, after: Totals): Partial<Totals> {
  return Object.fromEntries(POOL_EVENTS.filter((event) => after[event] !== before[event]).map((event) => [event, after[event] - before[event]]));
}

/** The totals straight from the table, summed here: what the stats must agree with. */
async function tableTotals(): Promise<Totals> {
  const [rows] = await t.admin.query<RowDataPacket[]>('SELECT EVENT AS event, SUM(TOTAL) AS total FROM POOL_EVENT_COUNTS GROUP BY EVENT');
  const sums = Object.fromEntries(POOL_EVENTS.map((event) => [event, 0])) as Totals;
  for (const row of rows) sums[row.event as PoolEvent] = Number(row.total);
  return sums;
}

async function statusOf(id: number): Promise<string | null> {
  const [[row]] = (await t.admin.query<RowDataPacket[]>('SELECT POOL_STATUS AS status FROM BOOKING_PLAN WHERE BOOKING_ID = ?', [id])) as unknown as [[{ status: string | null }]];
  return row.status;
}

describe('POOL_EVENT_COUNTS', () => {
  it('is seeded with every event × 16 shards at 0, and the stats read all-zero totals', async () => {
    const [rows] = await t.admin.query<RowDataPacket[]>('SELECT EVENT AS event, COUNT(*) AS shards, SUM(TOTAL) AS total FROM POOL_EVENT_COUNTS GROUP BY EVENT ORDER BY EVENT');
    expect(rows.map((row) => [row.event, Number(row.shards), Number(row.total)])).toEqual([...POOL_EVENTS].sort().map((event) => [event, EVENT_SHARDS, 0]));
    expect(await totals()).toEqual(Object.fromEntries(POOL_EVENTS.map((event) => [event, 0])));
  });
});

describe('the repository counts what it changes', () => {
  it('adds, claims, completions and failures move their totals by exactly the rows changed', async () => {
    const ids = await insertBookings(t.admin, { count: 6 });
    const [cancelled] = await insertBookings(t.admin, { count: 1, bookingStatus: 'cancel' });
    const before = await totals();

    // Deadlines already passed: eligible at once.
    const due = new Date(Date.now() - HOUR);
    for (const id of ids) expect((await t.pool.addToPool(id, due, { mode: 'NORMAL' })).outcome).toBe('added');
    expect((await t.pool.addToPool(ids[0]!, due, { mode: 'NORMAL' })).outcome).toBe('already-pooled');
    await expect(t.pool.addToPool(cancelled!, due, { mode: 'NORMAL' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(moved(before, await totals())).toEqual({ entered: 6 });

    const claimed = await t.pool.claimBatch({ owner: 'w1', limit: 3 });
    expect(claimed).toHaveLength(3);
    expect(await t.pool.markAsProcessing(claimed[0]!.bookingId, { owner: 'w2' })).toBe(false);
    const single = ids.find((id) => !claimed.some((entry) => entry.bookingId === id))!;
    expect(await t.pool.markAsProcessing(single, { owner: 'w2' })).toBe(true);
    expect(moved(before, await totals())).toEqual({ entered: 6, claimed: 4 });

    await t.pool.completeProcessing(claimed[0]!.bookingId, { owner: 'w1' });
    // Not the holder: refused, and the refused transaction counts nothing.
    await expect(t.pool.completeProcessing(claimed[1]!.bookingId, { owner: 'w2' })).rejects.toMatchObject({ code: 'CONFLICT' });
    // Every failure counts: one back to waiting, one to failed.
    expect(await t.pool.failProcessing(claimed[1]!.bookingId, { owner: 'w1', error: 'timeout', maxAttempts: 3 })).toEqual({ status: 'waiting' });
    expect(await t.pool.failProcessing(claimed[2]!.bookingId, { owner: 'w1', error: 'timeout', maxAttempts: 1 })).toEqual({ status: 'failed' });
    await t.pool.completeProcessing(single, { owner: 'w2' });
    const after = await totals();
    expect(moved(before, after)).toEqual({ entered: 6, claimed: 4, completed: 2, failed: 2 });
    expect(await tableTotals()).toEqual(after);
  });

  it('retries, resets and removals count each row, across batches of 1,000', async () => {
    await t.pool.clearPool({ confirm: t.name, audit: ops });
    const failed = await insertBookings(t.admin, { count: 1_200 });
    await poolDirectly(t.admin, failed, { status: 'failed', attempts: 1 });
    const stuck = await insertBookings(t.admin, { count: 1_100 });
    await poolDirectly(t.admin, stuck, { status: 'processing', attempts: 1, claimedBy: 'gone', claimedSecondsAgo: 7_200 });
    const live = await insertBookings(t.admin, { count: 3 });
    await poolDirectly(t.admin, live, { status: 'processing', attempts: 1, claimedBy: 'alive', claimedSecondsAgo: 10 });
    const before = await totals();

    expect(await t.pool.retryFailedEntries({ maxAttempts: 3, audit: ops })).toEqual({ retried: 1_200 });
    expect(await t.pool.resetStuckProcessing({ olderThanSeconds: 3_600, audit: ops })).toEqual({ reset: 1_100 });
    expect(moved(before, await totals())).toEqual({ retried: 1_200, reset: 1_100 });

    const actions = new EntryActions(t.db, t.pool);
    await poolDirectly(t.admin, failed.slice(0, 1), { status: 'failed', attempts: 3 });
    expect(await actions.retry(failed[0]!, ops)).toEqual({ changed: true });
    expect(await actions.retry(failed[1]!, ops)).toEqual({ changed: false }); // waiting, not failed
    expect(await actions.reset(live[0]!, ops)).toEqual({ changed: true });
    expect(await actions.reset(live[0]!, ops)).toEqual({ changed: false });
    expect(await actions.remove(live[1]!, ops)).toEqual({ changed: true });
    expect(await t.pool.removeFromPool(live[1]!)).toEqual({ removed: false });
    expect(moved(before, await totals())).toEqual({ retried: 1_201, reset: 1_101, removed: 1 });

    const inPool = (await t.pool.getPoolStats()).inPool;
    expect(await t.pool.clearPool({ confirm: t.name, audit: ops })).toEqual({ cleared: inPool });
    expect(moved(before, await totals())).toEqual({ retried: 1_201, reset: 1_101, removed: 1 + inPool });
  });

  it('cleanup counts the rows its rules take out of the pool as removed and the stuck leases it frees as reset', async () => {
    const finished = await insertBookings(t.admin, { count: 4, bookingStatus: 'cancel' });
    await poolDirectly(t.admin, finished, { status: 'waiting' });
    const assigned = await insertBookings(t.admin, { count: 2, interpreter: 'I9' });
    await poolDirectly(t.admin, assigned, { status: 'ready' });
    const stuck = await insertBookings(t.admin, { count: 3 });
    await poolDirectly(t.admin, stuck, { status: 'processing', claimedBy: 'gone', claimedSecondsAgo: 7_200 });
    // A repair that takes nothing out of the pool: not an event.
    const noDeadline = await insertBookings(t.admin, { count: 2 });
    await poolDirectly(t.admin, noDeadline, { status: 'waiting' });
    await t.admin.query('UPDATE BOOKING_PLAN SET POOL_DEADLINE_TIME = NULL WHERE BOOKING_ID IN (?)', [noDeadline]);
    const before = await totals();

    const result = await applyCleanup(t.db, { rules: ['booking-finished', 'interpreter-assigned', 'stuck-processing', 'missing-entry-or-deadline'] });
    expect(Object.fromEntries(result.rules.map((rule) => [rule.id, rule.fixed]))).toEqual({
      'booking-finished': 4, 'interpreter-assigned': 2, 'stuck-processing': 3, 'missing-entry-or-deadline': 2,
    });
    expect(moved(before, await totals())).toEqual({ removed: 6, reset: 3 });
  });

  it('a legacy import counts the bookings it adds as entered', async () => {
    const ids = await insertBookings(t.admin, { count: 3, meetingType: 'General', startInHours: 240 });
    const [[{ start }]] = (await t.admin.query<RowDataPacket[]>('SELECT MIN(TIME_START) AS start FROM BOOKING_PLAN WHERE BOOKING_ID IN (?)', [ids])) as unknown as [[{ start: Date }]];
    await poolDirectly(t.admin, ids.slice(2), { status: 'waiting' });
    const entries = ids.map((bookingId, index) => ({
      bookingId, meetingType: 'General', startTime: start.toISOString(), endTime: new Date(start.getTime() + HOUR).toISOString(),
      priorityValue: 2, urgentThresholdDays: 3, generalThresholdDays: 30,
      poolEntryTime: new Date(Date.UTC(2025, 0, 1) + index * 1000).toISOString(), decisionWindowTime: new Date(start.getTime() - 3 * DAY).toISOString(),
    }));
    // Same meeting start for all three, so the file agrees with every booking.
    await t.admin.query('UPDATE BOOKING_PLAN SET TIME_START = ? WHERE BOOKING_ID IN (?)', [start, ids]);
    const before = await totals();
    const result = await applyLegacyImport(t.db, JSON.stringify(entries));
    expect(result).toMatchObject({ added: 2, alreadyPooled: 1 });
    expect(moved(before, await totals())).toEqual({ entered: 2 });
  });

  it(`${CLAIMERS} concurrent claimers over 2,000 entries: the claimed total rises by exactly 2,000`, async () => {
    await t.pool.clearPool({ confirm: t.name, audit: ops });
    const ids = await insertBookings(t.admin, { count: 2_000 });
    await poolDirectly(t.admin, ids.slice(0, 1_500), { status: 'waiting', deadlineHoursFromNow: -1 });
    await poolDirectly(t.admin, ids.slice(1_500), { status: 'ready', deadlineHoursFromNow: 24 });
    // One connection pool per claimer, as separate worker processes would have.
    const workers = Array.from({ length: CLAIMERS }, () => new DatabaseBookingPool(new Database(t.profile, { poolMax: 2 })));
    try {
      const before = await totals();
      const counts = await Promise.all(
        workers.map(async (worker, n) => {
          let claimed = 0;
          for (;;) {
            const batch = await worker.claimBatch({ owner: `claimer-${n}`, limit: 1 + (n % 4) * 10 });
            if (batch.length === 0) return claimed;
            claimed += batch.length;
          }
        }),
      );
      expect(counts.reduce((sum, n) => sum + n, 0)).toBe(2_000);
      expect(moved(before, await totals())).toEqual({ claimed: 2_000 });
      // Spread over the shards, not piled on one row.
      const [[{ used }]] = (await t.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS used FROM POOL_EVENT_COUNTS WHERE EVENT = 'claimed' AND TOTAL > 0")) as unknown as [[{ used: number }]];
      expect(Number(used)).toBeGreaterThan(1);
    } finally {
      await Promise.all(workers.map((worker) => worker.db.close()));
    }
  });

  it('fails the change with it when a counter cannot be written, and rolls the claim back', async () => {
    await t.pool.clearPool({ confirm: t.name, audit: ops });
    const [id] = (await insertBookings(t.admin, { count: 1 })) as [number];
    await poolDirectly(t.admin, [id], { status: 'ready' });
    const user = `ev_${t.name.slice(2, 12)}`;
    await t.admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'ev-pass'`);
    const limited = new Database({ ...t.profile, user, password: 'ev-pass' });
    try {
      // May claim, may read the counters, may not add to them.
      await t.admin.query(`GRANT SELECT, UPDATE ON \`${t.name}\`.BOOKING_PLAN TO '${user}'@'%'`);
      await t.admin.query(`GRANT SELECT ON \`${t.name}\`.POOL_EVENT_COUNTS TO '${user}'@'%'`);
      const before = await totals();
      await expect(new DatabaseBookingPool(limited).claimBatch({ owner: 'limited', limit: 5 })).rejects.toMatchObject({ code: 'NO_PRIVILEGE' });
      expect(await statusOf(id)).toBe('ready');
      expect(moved(before, await totals())).toEqual({});
    } finally {
      await limited.close();
      await t.admin.query(`DROP USER '${user}'@'%'`);
    }
  });
});

describe('a schema without the counters table (0005 reverted, as an older console left it)', () => {
  let earlier: Database;

  beforeAll(async () => {
    // A worker's Database that saw the table before it went: it must notice the drop on its own.
    earlier = new Database(t.profile);
    await new DatabaseBookingPool(earlier).getPoolStats();
    await t.pool.clearPool({ confirm: t.name, audit: ops });
    await new PoolMigrator(t.db).down({ to: '0005-pool-event-counts' });
  });
  afterAll(async () => {
    await earlier.close();
  });

  it('keeps every pool write working, and the stats say eventTotals null', async () => {
    const [[{ tables }]] = (await t.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS tables FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'POOL_EVENT_COUNTS'")) as unknown as [[{ tables: number }]];
    expect(Number(tables)).toBe(0);
    for (const pool of [t.pool, new DatabaseBookingPool(earlier)]) {
      const ids = await insertBookings(t.admin, { count: 4 });
      const due = new Date(Date.now() - HOUR);
      for (const id of ids) expect((await pool.addToPool(id, due, { mode: 'URGENT' })).outcome).toBe('added');
      const claimed = await pool.claimBatch({ owner: 'w', limit: 3 });
      expect(claimed).toHaveLength(3);
      expect(await pool.markAsProcessing(ids.find((id) => !claimed.some((entry) => entry.bookingId === id))!, { owner: 'w' })).toBe(true);
      await pool.completeProcessing(claimed[0]!.bookingId, { owner: 'w' });
      expect(await pool.failProcessing(claimed[1]!.bookingId, { owner: 'w', error: 'x', maxAttempts: 1 })).toEqual({ status: 'failed' });
      expect(await pool.retryFailedEntries({ maxAttempts: 5, audit: ops })).toEqual({ retried: 1 });
      expect(await pool.removeFromPool(claimed[2]!.bookingId)).toEqual({ removed: true });
      const stats = await pool.getPoolStats();
      expect(stats.eventTotals).toBeNull();
      expect(stats.inPool).toBe(2);
      expect(await pool.clearPool({ confirm: t.name, audit: ops })).toEqual({ cleared: 2 });
    }
  });

  it('index health explains the stats statement as it runs here: without the counters', async () => {
    const stats = (await indexHealth(t.db)).queries.find((query) => query.name === 'stats')!;
    expect(stats.sql).not.toContain('POOL_EVENT_COUNTS');
    // Explained as it runs; the verdict itself is the optimizer's call on a table this small.
    expect(stats.explain).not.toBeNull();
  });

  it('counts again from zero once the migration is back', async () => {
    await new PoolMigrator(t.db).up();
    expect(await totals()).toEqual(Object.fromEntries(POOL_EVENTS.map((event) => [event, 0])));
    const [id] = (await insertBookings(t.admin, { count: 1 })) as [number];
    await t.pool.addToPool(id, new Date(Date.now() - HOUR), { mode: 'NORMAL' });
    expect(await t.pool.claimBatch({ owner: 'w', limit: 1 })).toHaveLength(1);
    expect(moved(Object.fromEntries(POOL_EVENTS.map((event) => [event, 0])) as Totals, await totals())).toEqual({ entered: 1, claimed: 1 });
    // With the table back, its primary-key read is part of the stats plan and never blamed for it
    // (the overall verdict on a table this small is the optimizer's call, so it is not asserted).
    const stats = (await indexHealth(t.db)).queries.find((query) => query.name === 'stats')!;
    expect(stats.sql).toContain('POOL_EVENT_COUNTS');
    expect(stats.explain).not.toBeNull();
    expect(stats.reason).not.toMatch(/POOL_EVENT_COUNTS/);
  });
});
