import type { RowDataPacket } from 'mysql2/promise';
import { beforeEach, describe, expect, it } from 'vitest';
import { balancePool, startPoolKeeper, type PoolKeeperCounters } from '../../src/core/sandbox/pool-keeper.js';
import { SEED_LEASE_OWNER, seededRandom } from '../../src/core/simulator/index.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';

// the sandbox's keeper, on a database of its own: it keeps a simulated pool between bounds
const t = poolDatabase('host-orm');

const zero = (): PoolKeeperCounters => ({ rounds: 0, toppedUp: 0, promoted: 0, leasesReset: 0 });

async function byStatus(): Promise<Record<string, number>> {
  const [rows] = await t.admin.query<RowDataPacket[]>('SELECT POOL_STATUS AS status, COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS IS NOT NULL GROUP BY POOL_STATUS');
  return Object.fromEntries(rows.map((row) => [String(row.status), Number(row.n)]));
}

async function bookingCount(): Promise<number> {
  const [[row]] = await t.admin.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM BOOKING_PLAN');
  return Number(row!.n);
}

describe('the sandbox pool keeper', () => {
  beforeEach(async () => {
    await t.admin.query('DELETE FROM BOOKING_PLAN');
  });

  it('tops a pool below the floor up to the target with waiting and ready entries', async () => {
    await poolDirectly(t.admin, await insertBookings(t.admin, { count: 50 }), { status: 'waiting', deadlineHoursFromNow: 48 });
    const counters = zero();
    await balancePool(t.db, { floor: 80, ceiling: 120, target: 100, random: seededRandom(1) }, counters);
    expect(counters).toMatchObject({ rounds: 1, toppedUp: 50, promoted: 0 });
    expect(await bookingCount()).toBe(100);
    const statuses = await byStatus();
    expect(statuses.waiting! + statuses.ready!).toBe(100);
    expect(statuses.processing ?? 0).toBe(0);
    expect(statuses.failed ?? 0).toBe(0);
  });

  it('above the ceiling with little eligible work, marks the nearest deadlines ready; with work enough, leaves it', async () => {
    const ids = await insertBookings(t.admin, { count: 130 });
    // deadlines 1 h, 2 h, … ahead: none eligible yet
    for (const [i, id] of ids.entries()) await poolDirectly(t.admin, [id], { status: 'waiting', deadlineHoursFromNow: i + 1 });
    const counters = zero();
    await balancePool(t.db, { floor: 80, ceiling: 120, target: 100, random: seededRandom(2) }, counters);
    expect(counters.promoted).toBe(30);
    const [ready] = await t.admin.query<RowDataPacket[]>("SELECT BOOKING_ID AS id FROM BOOKING_PLAN WHERE POOL_STATUS = 'ready' ORDER BY BOOKING_ID");
    expect(ready.map((row) => Number(row.id))).toEqual(ids.slice(0, 30));

    // now 30 are eligible: the workers have work, so the keeper waits for them
    await balancePool(t.db, { floor: 80, ceiling: 120, target: 100, random: seededRandom(2) }, counters);
    expect(counters.promoted).toBe(30);
    expect(await byStatus()).toEqual({ waiting: 100, ready: 30 });
  });

  it("returns dead simulated workers' entries after two hours, and leaves the seeded leases to the operator", async () => {
    const [deadLong, deadRecently, seeded] = [await insertBookings(t.admin, { count: 3 }), await insertBookings(t.admin, { count: 2 }), await insertBookings(t.admin, { count: 2 })];
    await poolDirectly(t.admin, deadLong!, { status: 'processing', claimedBy: 'sim-worker-1-abc123', claimedSecondsAgo: 3 * 3600, attempts: 1 });
    await poolDirectly(t.admin, deadRecently!, { status: 'processing', claimedBy: 'sim-worker-2-def456', claimedSecondsAgo: 30 * 60, attempts: 1 });
    await poolDirectly(t.admin, seeded!, { status: 'processing', claimedBy: SEED_LEASE_OWNER, claimedSecondsAgo: 3 * 3600, attempts: 1 });
    const counters = zero();
    await balancePool(t.db, { floor: 0, ceiling: 100, target: 7, random: seededRandom(3) }, counters);
    expect(counters.leasesReset).toBe(3);
    const [rows] = await t.admin.query<RowDataPacket[]>('SELECT BOOKING_ID AS id, POOL_STATUS AS status, POOL_CLAIMED_BY AS owner FROM BOOKING_PLAN ORDER BY BOOKING_ID');
    expect(rows.map((row) => [Number(row.id), row.status, row.owner])).toEqual([
      ...deadLong!.map((id) => [id, 'waiting', null]),
      ...deadRecently!.map((id) => [id, 'processing', 'sim-worker-2-def456']),
      ...seeded!.map((id) => [id, 'processing', SEED_LEASE_OWNER]),
    ]);
  });

  it('reports a failed round and tries again next round, and stops leaving nothing running', async () => {
    await poolDirectly(t.admin, await insertBookings(t.admin, { count: 10 }), { status: 'waiting', deadlineHoursFromNow: 48 });
    const errors: unknown[] = [];
    await t.admin.query('RENAME TABLE BOOKING_PLAN TO BOOKING_PLAN_AWAY');
    let keeper: ReturnType<typeof startPoolKeeper> | undefined;
    try {
      keeper = startPoolKeeper(t.db, { floor: 5, ceiling: 30, target: 20, everyMs: 50, random: seededRandom(4), onError: (error) => errors.push(error) });
      await expect.poll(() => errors.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
      expect(keeper.counters().rounds).toBe(0);
    } finally {
      await t.admin.query('RENAME TABLE BOOKING_PLAN_AWAY TO BOOKING_PLAN');
    }
    expect(errors[0]).toMatchObject({ code: 'NO_TABLE' });
    await expect.poll(() => keeper!.counters().rounds, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    await keeper.stop();
    const rounds = keeper.counters().rounds;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(keeper.counters().rounds).toBe(rounds);
    expect(await bookingCount()).toBe(10);
  });
});
