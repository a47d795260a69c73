import { describe, expect, it } from 'vitest';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';

const t = poolDatabase();

describe('DatabaseBookingPool basics', () => {
  it('adds a waiting booking, and keeps an already pooled one as it is', async () => {
    const [id] = await insertBookings(t.admin, { count: 1 });
    const deadline = new Date(Date.now() + 3_600_000);
    const first = await t.pool.addToPool(id!, deadline, { mode: 'BALANCE' });
    expect(first.outcome).toBe('added');
    expect(first.entry).toMatchObject({ bookingId: id, status: 'waiting', mode: 'BALANCE', attempts: 0 });
    expect(Math.abs(first.entry.deadlineTime!.getTime() - deadline.getTime())).toBeLessThan(1000);

    await t.admin.query('UPDATE BOOKING_PLAN SET POOL_PROCESSING_ATTEMPTS = 2, POOL_ENTRY_TIME = ? WHERE BOOKING_ID = ?', ['2026-01-01 00:00:00', id]);
    const again = await t.pool.addToPool(id!, new Date(), { mode: 'URGENT' });
    expect(again.outcome).toBe('already-pooled');
    expect(again.entry).toMatchObject({ attempts: 2, mode: 'BALANCE' });
    expect(again.entry.entryTime?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('refuses missing, finished and assigned bookings and invalid input', async () => {
    const [approved] = await insertBookings(t.admin, { count: 1, bookingStatus: 'approve' });
    const [assigned] = await insertBookings(t.admin, { count: 1, interpreter: 'I-1' });
    const [fine] = await insertBookings(t.admin, { count: 1 });
    await expect(t.pool.addToPool(99_999_999, new Date(), { mode: 'NORMAL' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(t.pool.addToPool(approved!, new Date(), { mode: 'NORMAL' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(t.pool.addToPool(assigned!, new Date(), { mode: 'NORMAL' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(t.pool.addToPool(fine!, 'not a date', { mode: 'NORMAL' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(t.pool.addToPool(fine!, new Date(), { mode: 'SOMETIMES' as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await t.pool.isInPool(fine!)).toBe(false);
  });

  it('lists only eligible entries as ready, in deadline then entry order, bounded', async () => {
    const ids = await insertBookings(t.admin, { count: 6 });
    await poolDirectly(t.admin, ids.slice(0, 2), { status: 'waiting', deadlineHoursFromNow: -2, mode: 'URGENT' });
    await poolDirectly(t.admin, ids.slice(2, 3), { status: 'ready', deadlineHoursFromNow: 48, mode: 'NORMAL' });
    await poolDirectly(t.admin, ids.slice(3, 4), { status: 'waiting', deadlineHoursFromNow: 5 });
    await poolDirectly(t.admin, ids.slice(4, 5), { status: 'processing', deadlineHoursFromNow: -5 });
    await poolDirectly(t.admin, ids.slice(5, 6), { status: 'failed', deadlineHoursFromNow: -5 });
    const ready = (await t.pool.getReadyForAssignment()).filter((entry) => ids.includes(entry.bookingId));
    expect(ready.map((entry) => entry.bookingId)).toEqual([ids[0], ids[1], ids[2]]);
    expect((await t.pool.getReadyForAssignment({ mode: 'NORMAL' })).map((e) => e.bookingId)).toContain(ids[2]);
    expect((await t.pool.getReadyForAssignment({ mode: 'NORMAL' })).map((e) => e.bookingId)).not.toContain(ids[0]);
    expect(await t.pool.getReadyForAssignment({ limit: 1 })).toHaveLength(1);
    await expect(t.pool.getReadyForAssignment({ limit: 1001 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('claims, completes and fails only under the lease', async () => {
    const ids = await insertBookings(t.admin, { count: 2 });
    await poolDirectly(t.admin, ids, { status: 'waiting', deadlineHoursFromNow: -1 });
    const [a, b] = ids as [number, number];
    expect(await t.pool.markAsProcessing(a, { owner: 'w1' })).toBe(true);
    expect(await t.pool.markAsProcessing(a, { owner: 'w2' })).toBe(false);
    expect(await t.pool.getPoolEntry(a)).toMatchObject({ status: 'processing', claimedBy: 'w1', attempts: 1 });
    await expect(t.pool.completeProcessing(a, { owner: 'w2' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(t.pool.failProcessing(a, { owner: 'w2', error: 'x' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await t.pool.completeProcessing(a, { owner: 'w1' });
    expect(await t.pool.isInPool(a)).toBe(false);

    for (let attempt = 1; attempt <= 3; attempt += 1) {
      expect(await t.pool.markAsProcessing(b, { owner: 'w1' })).toBe(true);
      const { status } = await t.pool.failProcessing(b, { owner: 'w1', error: `boom ${attempt}`, maxAttempts: 3 });
      expect(status).toBe(attempt < 3 ? 'waiting' : 'failed');
    }
    expect(await t.pool.getPoolEntry(b)).toMatchObject({ status: 'failed', attempts: 3, lastError: 'boom 3', claimedBy: null });
    expect(await t.pool.markAsProcessing(b, { owner: 'w1' })).toBe(false);
  });

  it('pages entries by keyset with filters', async () => {
    const ids = await insertBookings(t.admin, { count: 25 });
    await poolDirectly(t.admin, ids, { status: 'failed', deadlineHoursFromNow: 10, mode: 'CUSTOM', attempts: 3 });
    const seen: number[] = [];
    let page = await t.pool.getEntriesByMode('CUSTOM', { limit: 10 });
    seen.push(...page.entries.map((e) => e.bookingId));
    while (page.next) {
      page = await t.pool.getEntriesByMode('CUSTOM', { limit: 10, after: page.next });
      seen.push(...page.entries.map((e) => e.bookingId));
    }
    expect(seen).toEqual(ids);
    expect((await t.pool.getFailedEntries({ bookingId: ids[3] })).entries.map((e) => e.bookingId)).toEqual([ids[3]]);
  });

  it('retries failed entries under the limit, resets stuck leases, and audits both', async () => {
    const ids = await insertBookings(t.admin, { count: 4 });
    await poolDirectly(t.admin, ids.slice(0, 2), { status: 'failed', attempts: 3 });
    await poolDirectly(t.admin, ids.slice(2, 3), { status: 'processing', claimedBy: 'dead', claimedSecondsAgo: 7200 });
    await poolDirectly(t.admin, ids.slice(3, 4), { status: 'processing', claimedBy: 'alive', claimedSecondsAgo: 5 });
    const retried = await t.pool.retryFailedEntries({ maxAttempts: 5, audit: { actor: 'tester', reason: 'incident 7' } });
    expect(retried.retried).toBeGreaterThanOrEqual(2);
    expect(await t.pool.getPoolEntry(ids[0]!)).toMatchObject({ status: 'waiting', attempts: 3 });
    const reset = await t.pool.resetStuckProcessing({ olderThanSeconds: 3600, audit: { actor: 'tester', reason: 'incident 7' } });
    expect(reset.reset).toBeGreaterThanOrEqual(1);
    expect(await t.pool.getPoolEntry(ids[2]!)).toMatchObject({ status: 'waiting', claimedBy: null });
    expect(await t.pool.getPoolEntry(ids[3]!)).toMatchObject({ status: 'processing', claimedBy: 'alive' });
    const audit = await t.pool.audit.list({ actor: 'tester' });
    expect(audit.map((a) => a.action)).toEqual(['pool.reset-stuck', 'pool.retry-failed']);
    expect(audit[1]).toMatchObject({ affectedRows: retried.retried, outcome: 'ok', reason: 'incident 7', parameters: { maxAttempts: 5 } });
  });

  it('gives one consistent stats snapshot', async () => {
    const stats = await t.pool.getPoolStats();
    const [[row]] = (await t.admin.query(
      `SELECT COUNT(*) AS n, SUM(POOL_STATUS='failed') AS failed FROM BOOKING_PLAN WHERE POOL_STATUS IS NOT NULL`,
    )) as unknown as [[{ n: number; failed: string }]];
    expect(stats.inPool).toBe(Number(row.n));
    expect(stats.byStatus.failed).toBe(Number(row.failed));
    expect(Object.values(stats.byStatus).reduce((a, b) => a + b, 0)).toBe(stats.inPool);
    expect(Object.values(stats.byMode).reduce((a, b) => a + b, 0)).toBe(stats.inPool);
    expect(stats.measuredAt).toBeInstanceOf(Date);
  });

  it('clears the pool only when confirmed with the database name', async () => {
    await expect(t.pool.clearPool({ confirm: 'wrong' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await t.pool.getPoolStats()).inPool).toBeGreaterThan(0);
    const { cleared } = await t.pool.clearPool({ confirm: t.name, audit: { actor: 'tester', reason: 'test reset' } });
    expect(cleared).toBeGreaterThan(0);
    expect((await t.pool.getPoolStats()).inPool).toBe(0);
  });
});
