import { describe, expect, it } from 'vitest';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';

const t = poolDatabase();

describe('entries list: the total the filter matches', () => {
  it('is exact up to the bound and "at least the bound" beyond it, whatever page is read', async () => {
    const filter = { status: 'failed', mode: 'CUSTOM' } as const;
    const before = (await t.pool.getAllPoolEntries(filter)).total;
    expect(before.exact).toBe(true);
    const ids = await insertBookings(t.admin, { count: 5 });
    await poolDirectly(t.admin, ids, { status: 'failed', mode: 'CUSTOM', attempts: 1 });
    const matching = before.count + 5;

    const first = await t.pool.getAllPoolEntries({ ...filter, limit: 2 });
    expect(first.entries).toHaveLength(2);
    expect(first.total).toEqual({ count: matching, exact: true });
    // A later page still reports the whole filter's total, not what is left after the cursor.
    const second = await t.pool.getAllPoolEntries({ ...filter, limit: 2, after: first.next! });
    expect(second.total).toEqual({ count: matching, exact: true });

    // Exactly at the bound it is still exact; one short of it, only "at least".
    expect((await t.pool.getAllPoolEntries(filter, { countBound: matching })).total).toEqual({ count: matching, exact: true });
    expect((await t.pool.getAllPoolEntries(filter, { countBound: matching - 1 })).total).toEqual({ count: matching - 1, exact: false });

    // The other filters count by their own conditions.
    expect((await t.pool.getAllPoolEntries({ bookingId: ids[0]! })).total).toEqual({ count: 1, exact: true });
    expect((await t.pool.getAllPoolEntries({ bookingId: 2_000_000_000 })).total).toEqual({ count: 0, exact: true });
  });
});
