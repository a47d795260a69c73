import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RowDataPacket } from 'mysql2/promise';
import { Database } from '../../src/core/db/database.js';
import { DatabaseBookingPool } from '../../src/core/pool/database-booking-pool.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';

const t = poolDatabase();
const CLAIMERS = 8;
let workers: DatabaseBookingPool[] = [];

beforeAll(() => {
  // One connection pool per claimer, as separate worker processes would have.
  workers = Array.from({ length: CLAIMERS }, () => new DatabaseBookingPool(new Database(t.profile, { poolMax: 2 })));
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.db.close()));
});

async function pooledIds(status: string): Promise<number[]> {
  const [rows] = await t.admin.query<RowDataPacket[]>('SELECT BOOKING_ID AS id FROM BOOKING_PLAN WHERE POOL_STATUS = ? ORDER BY BOOKING_ID', [status]);
  return rows.map((row) => Number(row.id));
}

describe('concurrent claims', () => {
  it(`${CLAIMERS} claimers with claimBatch over 5,000 eligible entries claim each exactly once`, async () => {
    await t.pool.clearPool({ confirm: t.name, audit: { reason: 'test set-up' } });
    const ids = await insertBookings(t.admin, { count: 5000 });
    await poolDirectly(t.admin, ids.slice(0, 4500), { status: 'waiting', deadlineHoursFromNow: -1 });
    await poolDirectly(t.admin, ids.slice(4500), { status: 'ready', deadlineHoursFromNow: 24 });

    const claims = new Map<number, string[]>();
    await Promise.all(
      workers.map(async (worker, n) => {
        const owner = `claimer-${n}`;
        for (;;) {
          const batch = await worker.claimBatch({ owner, limit: 1 + (n % 4) * 10 });
          if (batch.length === 0) return;
          for (const entry of batch) claims.set(entry.bookingId, [...(claims.get(entry.bookingId) ?? []), owner]);
        }
      }),
    );

    expect([...claims.values()].filter((owners) => owners.length > 1)).toEqual([]);
    expect([...claims.keys()].sort((a, b) => a - b)).toEqual(ids);
    expect(await pooledIds('processing')).toEqual(ids);
    const [rows] = await t.admin.query<RowDataPacket[]>(
      'SELECT BOOKING_ID AS id, POOL_CLAIMED_BY AS owner, POOL_PROCESSING_ATTEMPTS AS attempts FROM BOOKING_PLAN WHERE BOOKING_ID IN (?)',
      [ids],
    );
    for (const row of rows) {
      expect(row.attempts).toBe(1);
      expect(claims.get(Number(row.id))).toEqual([row.owner]);
    }
  });

  it(`${CLAIMERS} claimers racing markAsProcessing for the same entries: one winner each`, async () => {
    await t.pool.clearPool({ confirm: t.name, audit: { reason: 'test set-up' } });
    const ids = await insertBookings(t.admin, { count: 600 });
    await poolDirectly(t.admin, ids, { status: 'waiting', deadlineHoursFromNow: -1 });

    const wins = await Promise.all(
      workers.map(async (worker, n) => {
        const won: number[] = [];
        // Every claimer walks the same ids, each from a different starting point.
        for (let i = 0; i < ids.length; i += 1) {
          const id = ids[(i + n * 75) % ids.length]!;
          if (await worker.markAsProcessing(id, { owner: `racer-${n}` })) won.push(id);
        }
        return won;
      }),
    );
    const all = wins.flat();
    expect(all.length).toBe(ids.length);
    expect(new Set(all).size).toBe(ids.length);
    expect(wins.filter((won) => won.length > 0).length).toBeGreaterThan(1);
  });

  it('an expired lease can be reset and reclaimed; the old holder can no longer finish', async () => {
    await t.pool.clearPool({ confirm: t.name, audit: { reason: 'test set-up' } });
    const [id] = (await insertBookings(t.admin, { count: 1 })) as [number];
    await poolDirectly(t.admin, [id], { status: 'waiting', deadlineHoursFromNow: -1 });
    const [first, second] = workers as [DatabaseBookingPool, DatabaseBookingPool];

    expect((await first.claimBatch({ owner: 'slow-worker' })).map((e) => e.bookingId)).toEqual([id]);
    expect(await second.claimBatch({ owner: 'other' })).toEqual([]);
    expect((await t.pool.resetStuckProcessing({ olderThanSeconds: 3600, audit: { reason: 'test reset' } })).reset).toBe(0);

    await t.admin.query('UPDATE BOOKING_PLAN SET POOL_CLAIMED_AT = UTC_TIMESTAMP() - INTERVAL 2 HOUR WHERE BOOKING_ID = ?', [id]);
    expect((await t.pool.getPoolStats()).expiredLeases).toBe(1);
    expect((await t.pool.resetStuckProcessing({ olderThanSeconds: 3600, audit: { reason: 'test reset' } })).reset).toBe(1);

    const reclaimed = await second.claimBatch({ owner: 'other' });
    expect(reclaimed).toMatchObject([{ bookingId: id, claimedBy: 'other', attempts: 2 }]);
    await expect(first.completeProcessing(id, { owner: 'slow-worker' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await second.completeProcessing(id, { owner: 'other' });
    expect(await t.pool.isInPool(id)).toBe(false);
  });
});
