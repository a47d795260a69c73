import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/core/db/database.js';
import { indexHealth } from '../../src/core/health/index-health.js';
import { validateIntegrity } from '../../src/core/maintenance/cleanup.js';
import { DatabaseBookingPool } from '../../src/core/pool/database-booking-pool.js';
import { PoolMigrationManager } from '../../src/core/pool/pool-migration-manager.js';
import { PoolStartupManager } from '../../src/core/pool/pool-startup-manager.js';
import { PoolMigrator } from '../../src/core/schema/migrator.js';
import { PoolError } from '../../src/shared/errors.js';
import { hostSchemaSql } from '../fixtures/host-schema.js';
import { freshDatabase, type FreshDatabase } from '../helpers/database.js';
import { runCli } from '../helpers/run-cli.js';

/*
 * Every read on every schema the migrations adopt: the host database before our migrations (no pool
 * columns; the four pool columns only; those plus the host ORM's indexes) and after them.
 */

const HOST_ORM_INDEXES = ['BOOKING_PLAN_POOL_STATUS_idx', 'BOOKING_PLAN_POOL_DEADLINE_TIME_idx', 'BOOKING_PLAN_POOL_STATUS_POOL_DEADLINE_TIME_idx'];

type Variant = 'no pool columns' | 'pool columns only' | 'pool columns + host indexes' | 'fully migrated';

function variantDatabase(variant: Variant) {
  const fresh = freshDatabase();
  const state: { db?: Database } = {};
  beforeAll(async () => {
    await fresh.admin.query(hostSchemaSql(variant === 'no pool columns' ? 'bare' : 'host-orm'));
    if (variant === 'pool columns only') await fresh.admin.query(HOST_ORM_INDEXES.map((name) => `ALTER TABLE BOOKING_PLAN DROP INDEX ${name}`).join(';'));
    state.db = new Database(fresh.profile);
    if (variant === 'fully migrated') await new PoolMigrator(state.db).up();
  });
  afterAll(async () => {
    await state.db?.close();
  });
  return {
    fresh,
    get db(): Database {
      if (!state.db) throw new Error('only inside tests');
      return state.db;
    },
  };
}

const variants = {
  'no pool columns': variantDatabase('no pool columns'),
  'pool columns only': variantDatabase('pool columns only'),
  'pool columns + host indexes': variantDatabase('pool columns + host indexes'),
  'fully migrated': variantDatabase('fully migrated'),
};

async function rejection(promise: Promise<unknown>): Promise<PoolError> {
  const outcome = await promise.then((value) => ({ value }), (error: unknown) => ({ error }));
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(PoolError);
  return outcome.error as PoolError;
}

async function naive(fresh: FreshDatabase, where: string): Promise<number> {
  const [rows] = (await fresh.admin.query(`SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE ${where}`)) as unknown as [{ n: number }[]];
  return Number(rows[0]?.n);
}

/** `pool-console …` against one variant's database. */
const cli = (fresh: FreshDatabase, args: string[]) => runCli(fresh.profile, args);

describe('no pool columns: every pool read fails with NO_POOL_COLUMNS, and status is down', () => {
  const t = variants['no pool columns'];

  it('stats, entries, ready, validate and the previews name the missing columns and the fix', async () => {
    const pool = new DatabaseBookingPool(t.db);
    const failures = await Promise.all([
      rejection(pool.getPoolStats()),
      rejection(pool.getAllPoolEntries()),
      rejection(pool.getReadyForAssignment()),
      rejection(validateIntegrity(t.db)),
      rejection(pool.previewResetStuck()),
      rejection(pool.previewRetryFailed()),
    ]);
    for (const error of failures) {
      expect(error.code).toBe('NO_POOL_COLUMNS');
      expect(error.message).toContain('POOL_STATUS, POOL_ENTRY_TIME, POOL_DEADLINE_TIME, POOL_PROCESSING_ATTEMPTS');
      expect(error.message).toContain('pool-console migrate up');
      expect(error.details).toEqual({ missingColumns: ['POOL_STATUS', 'POOL_ENTRY_TIME', 'POOL_DEADLINE_TIME', 'POOL_PROCESSING_ATTEMPTS'] });
    }
  });

  it('indexes answer: every expected index missing, no plan explained', async () => {
    const health = await indexHealth(t.db);
    expect(health.missing.length).toBeGreaterThan(0);
    expect(health.queries.every((plan) => plan.explain === null && /pool columns missing \(POOL_STATUS/.test(plan.reason))).toBe(true);
  });

  it('status is down for the missing columns and lists the pending migrations', async () => {
    const status = await new PoolStartupManager(t.db).getSystemStatus();
    expect(status.state).toBe('down');
    expect(status.findings.map((f) => f.code)).toEqual(['no-pool-columns', 'migrations-pending']);
    expect(status.findings[1]?.items).toEqual(['0001-audit-log', '0002-pool-columns', '0003-pool-lease-columns', '0004-pool-indexes', '0005-pool-event-counts', '0006-pool-metrics', '0007-pool-control', '0008-pool-workers', '0009-pool-alerts', '0010-pool-locks', '0011-search-indexes']);
  });

  it('the migrations overview says which pool columns are missing', async () => {
    const overview = await new PoolMigrationManager(t.db).getMigrationStatus();
    expect(overview.countsByStatus).toBeNull();
    expect(overview.countsNote).toMatch(/lacks the pool columns POOL_STATUS, POOL_ENTRY_TIME/);
  });
});

describe.each(['pool columns only', 'pool columns + host indexes'] as const)('%s (before our migrations): reads answer with what exists', (name) => {
  const t = variants[name];

  it('stats count the real pool, judge leases by entry time and name what is unavailable', async () => {
    // A processing entry that entered 2 h ago: stuck by entry time, as the first system judged it.
    await t.fresh.admin.query(
      `UPDATE BOOKING_PLAN SET POOL_STATUS = 'processing', POOL_ENTRY_TIME = UTC_TIMESTAMP() - INTERVAL 2 HOUR
        WHERE POOL_STATUS = 'waiting' ORDER BY BOOKING_ID LIMIT 1`,
    );
    await t.fresh.admin.query(`UPDATE BOOKING_PLAN SET POOL_STATUS = 'failed', POOL_PROCESSING_ATTEMPTS = 3 WHERE POOL_STATUS = 'waiting' ORDER BY BOOKING_ID LIMIT 2`);
    const stats = await new DatabaseBookingPool(t.db).getPoolStats();
    const inPool = await naive(t.fresh, 'POOL_STATUS IS NOT NULL');
    expect(inPool).toBeGreaterThan(3);
    expect(stats).toMatchObject({
      inPool,
      byStatus: { waiting: inPool - 3, processing: 1, failed: 2, ready: 0 },
      expiredLeases: 1,
      leaseBasis: 'entry-time',
      failedAtMaxAttempts: 2,
      eventTotals: null,
    });
    expect(stats.unavailable.map((figure) => figure.figure)).toEqual(['byMode', 'leases', 'eventTotals']);
    expect(stats.unavailable.every((figure) => figure.reason.includes('pool-console migrate up'))).toBe(true);
  });

  it('the reset preview and the reset count the same rows by entry time; retry the same failed ones', async () => {
    const pool = new DatabaseBookingPool(t.db);
    const preview = await pool.previewResetStuck({ olderThanSeconds: 3600 });
    expect(preview).toMatchObject({ count: 1, willChange: 1, leaseBasis: 'entry-time' });
    expect(preview.condition).toMatch(/entered the pool more than 3600 s ago/);
    const retry = await pool.previewRetryFailed({ maxAttempts: 4 });
    expect(retry).toMatchObject({ count: 2, atMaxAttempts: 0 });
    // Without an audit table (migration 0001 pending) the applies cannot be recorded, so they are not run here.
  });

  it('entries list with mode, lease and error empty and named unavailable; a mode filter names its column', async () => {
    const pool = new DatabaseBookingPool(t.db);
    const page = await pool.getAllPoolEntries({ limit: 5 });
    expect(page.entries).toHaveLength(5);
    expect(page.entries.every((entry) => entry.mode === null && entry.claimedBy === null && entry.lastError === null)).toBe(true);
    expect(page.unavailable?.map((figure) => figure.figure)).toEqual(['POOL_MODE', 'POOL_CLAIMED_BY', 'POOL_CLAIMED_AT', 'POOL_LAST_ERROR']);
    expect((await pool.getAllPoolEntries({ status: 'failed' })).entries).toHaveLength(2);
    expect((await pool.getAllPoolEntries({ overdue: true })).entries.length).toBe(
      await naive(t.fresh, `POOL_STATUS IN ('waiting', 'ready', 'failed') AND POOL_DEADLINE_TIME < UTC_TIMESTAMP() AND POOL_ENTRY_TIME IS NOT NULL`),
    );
    const byMode = await rejection(pool.getAllPoolEntries({ mode: 'NORMAL' }));
    expect(byMode.code).toBe('NO_POOL_COLUMNS');
    expect(byMode.message).toContain('POOL_MODE');
    expect((await pool.getReadyForAssignment()).length).toBe(await naive(t.fresh, `POOL_STATUS = 'ready' OR (POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME <= UTC_TIMESTAMP())`));
  });

  it('validate runs every rule and says leases are judged by entry time', async () => {
    const report = await validateIntegrity(t.db);
    expect(report.rules.length).toBeGreaterThan(0);
    expect(report.unavailable?.map((figure) => figure.figure)).toEqual(['leases']);
    expect(report.rules.find((rule) => rule.id === 'stuck-processing')?.detects).toMatch(/entered the pool more than 3600 s ago/);
  });

  it('indexes explain the reads that can run; claims wait for the lease columns', async () => {
    const health = await indexHealth(t.db);
    const explained = health.queries.filter((plan) => plan.explain !== null).map((plan) => plan.name);
    expect(explained).toEqual(['ready.ready', 'ready.due', 'stats', 'stuck', 'failed', 'search.owner', 'search.room']);
    expect(health.queries.find((plan) => plan.name === 'claim.ready')?.reason).toMatch(/POOL_MODE, POOL_CLAIMED_BY, POOL_CLAIMED_AT, POOL_LAST_ERROR/);
  });

  it('status is degraded, with the pending migrations listed and the real findings, never "could not complete"', async () => {
    const status = await new PoolStartupManager(t.db).getSystemStatus();
    expect(status.state).toBe('degraded');
    const codes = status.findings.map((f) => f.code);
    expect(codes).toContain('migrations-pending');
    expect(codes).not.toContain('check-incomplete');
    expect(status.findings.find((f) => f.code === 'expired-leases')).toMatchObject({ count: 1 });
    expect(status.findings.find((f) => f.code === 'expired-leases')?.message).toMatch(/entered the pool more than 3600 s ago/);
    expect(status.stats?.inPool).toBe(await naive(t.fresh, 'POOL_STATUS IS NOT NULL'));
  });

  it('the migrations overview counts by status (the four pool columns are there)', async () => {
    const overview = await new PoolMigrationManager(t.db).getMigrationStatus();
    expect(overview.countsByStatus).toMatchObject({ processing: 1, failed: 2 });
    expect(overview.countsNote).toBeNull();
    expect(overview.drift.missingColumns).toEqual(['POOL_MODE', 'POOL_CLAIMED_BY', 'POOL_CLAIMED_AT', 'POOL_LAST_ERROR']);
  });

  it('CLI stats exits 0 and validate 0 or 1 with real answers, never 2', { timeout: 60_000 }, async () => {
    const [stats, validate] = await Promise.all([cli(t.fresh, ['stats', '--json']), cli(t.fresh, ['validate', '--json'])]);
    expect(stats.code, stats.stderr).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ inPool: await naive(t.fresh, 'POOL_STATUS IS NOT NULL'), leaseBasis: 'entry-time' });
    const report = JSON.parse(validate.stdout) as { passed: boolean };
    expect(validate.code, validate.stderr).toBe(report.passed ? 0 : 1);
  });
});

describe('fully migrated: every figure available, leases by claim time', () => {
  const t = variants['fully migrated'];

  it('stats, entries, validate, indexes and status answer in full', async () => {
    const pool = new DatabaseBookingPool(t.db);
    const stats = await pool.getPoolStats();
    expect(stats).toMatchObject({ leaseBasis: 'claim-time', unavailable: [] });
    expect(stats.eventTotals).not.toBeNull();
    expect(stats.inPool).toBe(await naive(t.fresh, 'POOL_STATUS IS NOT NULL'));
    const page = await pool.getAllPoolEntries({ limit: 3 });
    expect(page.unavailable).toBeUndefined();
    expect((await validateIntegrity(t.db)).unavailable).toBeUndefined();
    const health = await indexHealth(t.db);
    expect(health.queries.every((plan) => plan.explain !== null)).toBe(true);
    const status = await new PoolStartupManager(t.db).getSystemStatus();
    expect(status.findings.map((f) => f.code)).not.toContain('migrations-pending');
    expect(status.state).not.toBe('down');
  });
});

describe('column presence: read once per connection, read again when the schema changes', () => {
  const t = variantDatabase('pool columns + host indexes');

  it('is read again after a migration on the same connection', async () => {
    const pool = new DatabaseBookingPool(t.db);
    expect((await pool.getPoolStats()).leaseBasis).toBe('entry-time');
    await new PoolMigrator(t.db).up();
    const stats = await pool.getPoolStats();
    expect(stats).toMatchObject({ leaseBasis: 'claim-time', unavailable: [] });
  });

  it('a column dropped behind its back gives the pre-migration answer, then NO_POOL_COLUMNS, never "Unknown column"', async () => {
    const pool = new DatabaseBookingPool(t.db);
    await pool.getPoolStats();
    await t.fresh.admin.query('ALTER TABLE BOOKING_PLAN DROP COLUMN POOL_MODE');
    expect((await pool.getPoolStats()).unavailable.map((figure) => figure.figure)).toEqual(['byMode']);
    expect((await pool.getAllPoolEntries({ limit: 2 })).unavailable?.map((figure) => figure.figure)).toEqual(['POOL_MODE']);
    await t.fresh.admin.query('ALTER TABLE BOOKING_PLAN DROP INDEX idx_pool_lease, DROP COLUMN POOL_DEADLINE_TIME');
    const error = await rejection(pool.getPoolStats());
    expect(error.code).toBe('NO_POOL_COLUMNS');
    expect(error.details).toEqual({ missingColumns: ['POOL_DEADLINE_TIME'] });
  });
});
