import { describe, expect, it } from 'vitest';
import { previewCleanup } from '../../src/core/maintenance/cleanup.js';
import { PoolStartupManager } from '../../src/core/pool/pool-startup-manager.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';

/*
 * One definition per condition: for the same instant, the stats figure, the preview's count and the
 * applied count are one number — and the health banner's count is the stats figure.
 */

const t = poolDatabase();

describe('expired leases: stats, banner, preview and reset agree', () => {
  it('on crafted rows (old lease, no lease time, live lease, old lease of a started meeting)', async () => {
    const ahead = await insertBookings(t.admin, { count: 6 });
    const started = await insertBookings(t.admin, { count: 2, startInHours: -1 });
    await poolDirectly(t.admin, ahead.slice(0, 2), { status: 'processing', claimedBy: 'dead', claimedSecondsAgo: 7200, attempts: 1 });
    await poolDirectly(t.admin, ahead.slice(2, 3), { status: 'processing', claimedBy: null, claimedSecondsAgo: null, attempts: 1 });
    await poolDirectly(t.admin, ahead.slice(3, 5), { status: 'processing', claimedBy: 'alive', claimedSecondsAgo: 60, attempts: 1 });
    await poolDirectly(t.admin, ahead.slice(5, 6), { status: 'waiting', deadlineHoursFromNow: 5 });
    await poolDirectly(t.admin, started, { status: 'processing', claimedBy: 'dead', claimedSecondsAgo: 7200, attempts: 1 });
    const expired = [...ahead.slice(0, 3), ...started].sort((a, b) => a - b);

    const stats = await t.pool.getPoolStats({ leaseSeconds: 3600 });
    const status = await new PoolStartupManager(t.db, { leaseTimeoutSeconds: 3600 }).getSystemStatus({ plans: false });
    const preview = await t.pool.previewResetStuck({ olderThanSeconds: 3600 });
    const rules = await previewCleanup(t.db, { rules: ['meeting-started', 'stuck-processing'], leaseTimeoutSeconds: 3600 });

    expect(stats.expiredLeases).toBe(5);
    expect(status.findings.find((f) => f.code === 'expired-leases')?.count).toBe(stats.expiredLeases);
    expect(preview).toMatchObject({ count: stats.expiredLeases, willChange: stats.expiredLeases, sampleIds: expired, leaseBasis: 'claim-time' });
    // The banner's words name the real condition: an entry with no lease time is not said to hold an old lease.
    expect(status.findings.find((f) => f.code === 'expired-leases')?.message).toMatch(/claimed more than 3600 s ago, or with no claim time/);
    // Cleanup's stuck rule counts a different thing, and says so: started meetings go to meeting-started.
    const [meetingStarted, stuckAhead] = rules.rules;
    expect(stuckAhead).toMatchObject({ id: 'stuck-processing', title: 'Stuck processing, meeting ahead', count: 3 });
    expect(meetingStarted).toMatchObject({ id: 'meeting-started', count: 2 });
    expect(stuckAhead!.count + meetingStarted!.count).toBe(stats.expiredLeases);

    const { reset } = await t.pool.resetStuckProcessing({ olderThanSeconds: 3600, audit: { actor: 'test', reason: 'agreement test' } });
    expect(reset).toBe(preview.count);
    expect((await t.pool.getPoolStats({ leaseSeconds: 3600 })).expiredLeases).toBe(0);
    expect((await t.pool.previewResetStuck({ olderThanSeconds: 3600 })).count).toBe(0);
    await t.pool.clearPool({ confirm: t.name, audit: { reason: 'test set-up' } });
  });

  it('a limit caps what one run changes, and the preview says so', async () => {
    const ids = await insertBookings(t.admin, { count: 4 });
    await poolDirectly(t.admin, ids, { status: 'processing', claimedBy: 'dead', claimedSecondsAgo: 9000 });
    const preview = await t.pool.previewResetStuck({ olderThanSeconds: 3600, limit: 3 });
    expect(preview).toMatchObject({ count: 4, willChange: 3 });
    expect((await t.pool.resetStuckProcessing({ olderThanSeconds: 3600, limit: 3, audit: { reason: 'limit test' } })).reset).toBe(preview.willChange);
    await t.pool.clearPool({ confirm: t.name, audit: { reason: 'test set-up' } });
  });
});

describe('failed at max attempts: stats, banner, preview and retry agree', () => {
  it('on crafted rows (under, at and over the limit, NULL attempts)', async () => {
    const ids = await insertBookings(t.admin, { count: 7 });
    await poolDirectly(t.admin, ids.slice(0, 2), { status: 'failed', attempts: 1 });
    await poolDirectly(t.admin, ids.slice(2, 4), { status: 'failed', attempts: 3 });
    await poolDirectly(t.admin, ids.slice(4, 5), { status: 'failed', attempts: 7 });
    await poolDirectly(t.admin, ids.slice(5, 6), { status: 'failed', attempts: 0 });
    await poolDirectly(t.admin, ids.slice(6, 7), { status: 'waiting', attempts: 5 });

    const stats = await t.pool.getPoolStats({ maxAttempts: 3 });
    const status = await new PoolStartupManager(t.db, { maxAttempts: 3 }).getSystemStatus({ plans: false });
    const preview = await t.pool.previewRetryFailed({ maxAttempts: 3 });

    expect(stats.failedAtMaxAttempts).toBe(3);
    expect(status.findings.find((f) => f.code === 'failed-at-max')?.count).toBe(stats.failedAtMaxAttempts);
    expect(preview).toMatchObject({ atMaxAttempts: stats.failedAtMaxAttempts, count: stats.byStatus.failed - stats.failedAtMaxAttempts });
    expect(preview.sampleIds).toEqual([ids[0], ids[1], ids[5]]);

    const { retried } = await t.pool.retryFailedEntries({ maxAttempts: 3, audit: { actor: 'test', reason: 'agreement test' } });
    expect(retried).toBe(preview.count);
    const after = await t.pool.getPoolStats({ maxAttempts: 3 });
    expect(after.byStatus.failed).toBe(after.failedAtMaxAttempts);
    expect((await t.pool.previewRetryFailed({ maxAttempts: 3 })).count).toBe(0);
  });
});
