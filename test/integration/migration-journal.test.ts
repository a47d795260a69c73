import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../migrations/index.js';
import { Database } from '../../src/core/db/database.js';
import { PoolMigrationManager } from '../../src/core/pool/pool-migration-manager.js';
import { hostSchemaSql } from '../fixtures/host-schema.js';
import { freshDatabase } from '../helpers/database.js';

/*
 * Migration runs are journalled like every other audited write, with one difference: their count
 * is migrations applied or reverted (each raised in the same transaction as its row in
 * POOL_CONSOLE_MIGRATIONS), since DDL commits on its own and cannot share a transaction.
 */

const fresh = freshDatabase();
let db: Database;

beforeAll(async () => {
  await fresh.admin.query(hostSchemaSql('bare'));
  db = new Database(fresh.profile);
});

afterAll(async () => {
  await db?.close();
});

async function migrationRows(): Promise<{ action: string; outcome: string; affectedRows: number; reason: string }[]> {
  const [rows] = await fresh.admin.query<RowDataPacket[]>(
    "SELECT ACTION AS action, OUTCOME AS outcome, AFFECTED_ROWS AS affectedRows, REASON AS reason FROM POOL_AUDIT_LOG WHERE ACTION LIKE 'migrations.%' ORDER BY AUDIT_ID",
  );
  return rows as never;
}

async function appliedCount(): Promise<number> {
  const [[row]] = await fresh.admin.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM POOL_CONSOLE_MIGRATIONS');
  return Number(row?.n);
}

describe('migration runs in the audit journal', () => {
  it('up from nothing: the audit table is created first, then the rest is journalled, counted in migrations', async () => {
    const manager = new PoolMigrationManager(db);
    await expect(manager.migrate('up', { audit: { reason: 'no' } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const [[tables]] = await fresh.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'POOL_%'");
    expect(Number(tables?.n)).toBe(0);

    const plans = await manager.migrate('up', { audit: { actor: 'ops@desk', reason: 'first install' } });
    expect(plans.map((plan) => plan.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
    // The first migration made the table the journal lives in; the row counts what ran after it.
    expect(await migrationRows()).toEqual([{ action: 'migrations.up', outcome: 'ok', affectedRows: MIGRATIONS.length - 1, reason: 'first install' }]);
  });

  it('down: the count is the migrations reverted, as POOL_CONSOLE_MIGRATIONS says', async () => {
    const manager = new PoolMigrationManager(db);
    const before = await appliedCount();
    await manager.migrate('down', { to: '0004-pool-indexes', audit: { actor: 'ops@desk', reason: 'revert CHG-1' } });
    const reverted = before - (await appliedCount());
    // 0004 and every migration after it
    expect(reverted).toBe(MIGRATIONS.length - MIGRATIONS.findIndex((migration) => migration.name === '0004-pool-indexes'));
    expect((await migrationRows()).at(-1)).toEqual({ action: 'migrations.down', outcome: 'ok', affectedRows: reverted, reason: 'revert CHG-1' });
  });

  it('a run that fails part-way is closed as error, its count the migrations it did finish', async () => {
    const manager = new PoolMigrationManager(db);
    // An index named like the console's own, on other columns: 0004 refuses to run, after nothing else.
    await fresh.admin.query('CREATE INDEX idx_pool_claim ON BOOKING_PLAN (MEETING_ROOM)');
    await expect(manager.migrate('up', { audit: { actor: 'ops@desk', reason: 'retry CHG-1' } })).rejects.toMatchObject({ code: 'CONFLICT' });
    const last = (await migrationRows()).at(-1)!;
    expect(last).toMatchObject({ action: 'migrations.up', outcome: 'error', affectedRows: 0 });
    expect(last.reason).toMatch(/^retry CHG-1 — failed: An index named idx_pool_claim/);
    await fresh.admin.query('DROP INDEX idx_pool_claim ON BOOKING_PLAN');
  });
});
