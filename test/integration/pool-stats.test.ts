import type { RowDataPacket } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';

const t = poolDatabase();

/** Each figure by its plain definition, one naive query each, to hold the one-statement snapshot to. */
async function naive(sql: string): Promise<number> {
  const [rows] = await t.admin.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE ${sql}`);
  return Number(rows[0]?.n);
}

describe('getPoolStats', () => {
  it('agrees with the plain definition of every figure', async () => {
    const ids = await insertBookings(t.admin, { count: 40 });
    const at = (from: number, to: number) => ids.slice(from, to);
    await poolDirectly(t.admin, at(0, 5), { status: 'waiting', deadlineHoursFromNow: -3, mode: 'BALANCE' });
    await poolDirectly(t.admin, at(5, 7), { status: 'waiting', deadlineHoursFromNow: 0.5, mode: 'URGENT' });
    await poolDirectly(t.admin, at(7, 10), { status: 'waiting', deadlineHoursFromNow: 3, mode: 'NORMAL' });
    await poolDirectly(t.admin, at(10, 14), { status: 'waiting', deadlineHoursFromNow: 12, mode: 'CUSTOM' });
    await poolDirectly(t.admin, at(14, 16), { status: 'waiting', deadlineHoursFromNow: 72 });
    await poolDirectly(t.admin, at(16, 19), { status: 'ready', deadlineHoursFromNow: -1 });
    await poolDirectly(t.admin, at(19, 21), { status: 'ready', deadlineHoursFromNow: 5 });
    await poolDirectly(t.admin, at(21, 24), { status: 'processing', claimedBy: 'w', claimedSecondsAgo: 10, attempts: 1 });
    await poolDirectly(t.admin, at(24, 26), { status: 'processing', claimedBy: 'w', claimedSecondsAgo: 7200, attempts: 1 });
    await poolDirectly(t.admin, at(26, 27), { status: 'processing', claimedBy: null, claimedSecondsAgo: null });
    await poolDirectly(t.admin, at(27, 30), { status: 'failed', deadlineHoursFromNow: -2, attempts: 3 });
    await poolDirectly(t.admin, at(30, 32), { status: 'failed', deadlineHoursFromNow: 2, attempts: 1 });
    await t.admin.query('UPDATE BOOKING_PLAN SET POOL_MODE = NULL WHERE BOOKING_ID IN (?)', [at(30, 32)]);

    const stats = await t.pool.getPoolStats({ leaseSeconds: 3600, maxAttempts: 3 });
    const within = (hours: number) => naive(`POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME > UTC_TIMESTAMP() AND POOL_DEADLINE_TIME <= UTC_TIMESTAMP() + INTERVAL ${hours} HOUR`);
    expect(stats).toMatchObject({
      inPool: await naive('POOL_STATUS IS NOT NULL'),
      byStatus: {
        waiting: await naive(`POOL_STATUS = 'waiting'`),
        ready: await naive(`POOL_STATUS = 'ready'`),
        processing: await naive(`POOL_STATUS = 'processing'`),
        failed: await naive(`POOL_STATUS = 'failed'`),
      },
      eligibleNow: await naive(`POOL_STATUS = 'ready' OR (POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME <= UTC_TIMESTAMP())`),
      overdue: await naive(`POOL_STATUS IN ('waiting', 'ready', 'failed') AND POOL_DEADLINE_TIME < UTC_TIMESTAMP()`),
      expiredLeases: await naive(`POOL_STATUS = 'processing' AND (POOL_CLAIMED_AT IS NULL OR POOL_CLAIMED_AT < UTC_TIMESTAMP() - INTERVAL 3600 SECOND)`),
      failedAtMaxAttempts: await naive(`POOL_STATUS = 'failed' AND POOL_PROCESSING_ATTEMPTS >= 3`),
      byMode: {
        BALANCE: await naive(`POOL_STATUS IS NOT NULL AND POOL_MODE = 'BALANCE'`),
        URGENT: await naive(`POOL_STATUS IS NOT NULL AND POOL_MODE = 'URGENT'`),
        NORMAL: await naive(`POOL_STATUS IS NOT NULL AND POOL_MODE = 'NORMAL'`),
        CUSTOM: await naive(`POOL_STATUS IS NOT NULL AND POOL_MODE = 'CUSTOM'`),
        none: await naive('POOL_STATUS IS NOT NULL AND POOL_MODE IS NULL'),
      },
      deadlineWithin: { hour1: await within(1), hours6: await within(6), hours24: await within(24) },
    });
    // The crafted rows make every figure non-trivial, so agreement is not agreement on zero.
    expect(stats).toMatchObject({ inPool: 32, eligibleNow: 10, overdue: 11, expiredLeases: 3, failedAtMaxAttempts: 3, byMode: { none: 2 } });
    expect(stats.deadlineWithin).toEqual({ hour1: 2, hours6: 5, hours24: 9 });
    expect(stats.oldestEntryAgeSeconds).toBeGreaterThanOrEqual(3600);
  });
});
