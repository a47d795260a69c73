import type { RowDataPacket } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { PoolMigrationManager } from '../../src/core/pool/pool-migration-manager.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';

const t = poolDatabase('host-orm');

async function auditActions(): Promise<string[]> {
  const [rows] = await t.admin.query<RowDataPacket[]>('SELECT ACTION AS action FROM POOL_AUDIT_LOG ORDER BY AUDIT_ID');
  return rows.map((row) => String(row.action));
}

describe('PoolMigrationManager', () => {
  it('previews cleanup by default, applies only when asked, and audits the apply', async () => {
    const manager = new PoolMigrationManager(t.db);
    const ids = await insertBookings(t.admin, { count: 3, bookingStatus: 'cancel' });
    await poolDirectly(t.admin, ids, { status: 'waiting' });
    const before = await auditActions();

    const preview = await manager.cleanupInconsistentPoolStates();
    if (!preview.dryRun) throw new Error('expected a preview');
    const finished = preview.rules.find((rule) => rule.id === 'booking-finished');
    expect(finished?.count).toBeGreaterThanOrEqual(3);
    expect(await auditActions()).toEqual(before);

    const applied = await manager.cleanupInconsistentPoolStates({ dryRun: false, audit: { actor: 'ops@desk', reason: 'ticket 42' } });
    if (applied.dryRun) throw new Error('expected an apply');
    expect(await t.pool.isInPool(ids[0]!)).toBe(false);
    const [row] = await t.pool.audit.list({ action: 'maintenance.cleanup' });
    expect(row).toMatchObject({ actor: 'ops@desk', reason: 'ticket 42', outcome: 'ok' });
    expect(row?.affectedRows).toBe(applied.total);
  });

  it('reports drift: the host ORM indexes are unexpected but serve, nothing is missing', async () => {
    const status = await new PoolMigrationManager(t.db).getMigrationStatus();
    expect(status.pending).toEqual([]);
    expect(status.drift.missingColumns).toEqual([]);
    expect(status.drift.missingIndexes).toEqual([]);
    expect(status.drift.unexpectedIndexes.map((index) => index.name)).toContain('BOOKING_PLAN_POOL_STATUS_idx');
    expect(status.countsByStatus).not.toBeNull();
  });

  it('recreates a dropped index through the migrations, previewing first, and audits migration runs', async () => {
    const manager = new PoolMigrationManager(t.db);
    // Down to the indexes reverts the newer migrations (search indexes, cluster locks, alerts, worker heartbeats, pause control, history, event counters) first.
    const reverted = await manager.migrate('down', { to: '0004-pool-indexes', audit: { actor: 'ops@desk', reason: 'change 7' } });
    expect(reverted.map((plan) => plan.name)).toEqual(['0011-search-indexes', '0010-pool-locks', '0009-pool-alerts', '0008-pool-workers', '0007-pool-control', '0006-pool-metrics', '0005-pool-event-counts', '0004-pool-indexes']);
    expect((await manager.getMigrationStatus()).drift).toMatchObject({ missingTables: ['POOL_EVENT_COUNTS', 'POOL_METRICS', 'POOL_CONTROL', 'POOL_WORKERS', 'POOL_ALERT_RULES', 'POOL_ALERT_EVENTS', 'POOL_LOCKS'] });
    expect((await manager.getMigrationStatus()).drift.missingIndexes).toContain('idx_pool_claim');

    const preview = await manager.ensurePoolIndexes();
    expect(preview.dryRun).toBe(true);
    expect(preview.plans.flatMap((plan) => plan.steps).some((step) => step.sql?.includes('idx_pool_claim'))).toBe(true);
    expect((await manager.getMigrationStatus()).drift.missingIndexes).toContain('idx_pool_claim');

    await manager.ensurePoolIndexes({ dryRun: false, audit: { actor: 'ops@desk', reason: 'change 7' } });
    // ensurePoolIndexes runs up to the pool's indexes only; the later tables and the search indexes come back with the next full run.
    expect((await manager.getMigrationStatus()).drift.missingIndexes).toEqual(['idx_pool_owner', 'idx_pool_room']);
    expect((await manager.getMigrationStatus()).pending.map((migration) => migration.name)).toEqual(['0005-pool-event-counts', '0006-pool-metrics', '0007-pool-control', '0008-pool-workers', '0009-pool-alerts', '0010-pool-locks', '0011-search-indexes']);
    await manager.migrate('up', { audit: { actor: 'ops@desk', reason: 'change 7' } });
    expect((await manager.getMigrationStatus()).drift.missingTables).toEqual([]);
    expect((await manager.getMigrationStatus()).drift.missingIndexes).toEqual([]);
    expect((await auditActions()).slice(-1)).toEqual(['migrations.up']);
  });
});
