import { describe, expect, it } from 'vitest';
import { Database } from '../../src/core/db/database.js';
import { validateIntegrity } from '../../src/core/maintenance/cleanup.js';
import { PoolStartupManager, type IntegrityCheck } from '../../src/core/pool/pool-startup-manager.js';
import { PoolError } from '../../src/shared/errors.js';
import { hostSchemaSql } from '../fixtures/host-schema.js';
import { freshDatabase } from '../helpers/database.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';
import { businessChecksum, snapshotSchema } from '../helpers/schema-snapshot.js';

const t = poolDatabase();
const drift = poolDatabase();
const unmigrated = freshDatabase();

async function rejection(promise: Promise<unknown>): Promise<PoolError> {
  const outcome = await promise.then((value) => ({ value }), (error: unknown) => ({ error }));
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(PoolError);
  return outcome.error as PoolError;
}

async function startupRows(db: Database): Promise<number> {
  const [row] = await db.select<{ n: number }>('test.count', `SELECT COUNT(*) AS n FROM POOL_AUDIT_LOG WHERE ACTION = 'startup.initialize'`);
  return Number(row?.n);
}

describe('initializePoolSystem', () => {
  it('resets an expired lease, leaves a live one, runs the integrity check and records the run', async () => {
    const [dead, alive] = (await insertBookings(t.admin, { count: 2 })) as [number, number];
    await poolDirectly(t.admin, [dead], { status: 'processing', claimedBy: 'crashed-worker', claimedSecondsAgo: 7200 });
    await poolDirectly(t.admin, [alive], { status: 'processing', claimedBy: 'live-worker', claimedSecondsAgo: 30 });
    const before = await startupRows(t.db);

    const report = await new PoolStartupManager(t.db).initializePoolSystem({ actor: 'ops@console', reason: 'deploy 42' });

    expect(report).toMatchObject({ actor: 'ops@console', leaseTimeoutSeconds: 3600, stuckReset: 1 });
    expect(await t.pool.getPoolEntry(dead)).toMatchObject({ status: 'waiting', claimedBy: null, claimedAt: null });
    expect(await t.pool.getPoolEntry(alive)).toMatchObject({ status: 'processing', claimedBy: 'live-worker' });
    const integrity = await validateIntegrity(t.db);
    expect(report.integrity.passed).toBe(integrity.passed);
    expect(report.integrity.rules.map((rule) => rule.id)).toEqual(integrity.rules.map((rule) => rule.id));

    expect(await startupRows(t.db)).toBe(before + 1);
    const [row] = await t.pool.audit.list({ action: 'startup.initialize', limit: 1 });
    expect(row).toMatchObject({ actor: 'ops@console', outcome: 'ok', affectedRows: 1, reason: 'deploy 42' });
    expect(row?.parameters).toMatchObject({ leaseTimeoutSeconds: 3600, stuckReset: 1, integrity: { passed: report.integrity.passed } });
    expect(Object.keys((row?.parameters as { integrity: { counts: object } }).integrity.counts)).toEqual(report.integrity.rules.map((rule) => rule.id));
    // The reset itself is a write and is audited as such, attributed to the start-up.
    const [reset] = await t.pool.audit.list({ action: 'pool.reset-stuck', limit: 1 });
    expect(reset).toMatchObject({ actor: 'ops@console', affectedRows: 1, reason: 'start-up: leases older than 3600 s' });
  });

  it('uses the configured lease timeout', async () => {
    const [recent] = (await insertBookings(t.admin, { count: 1 })) as [number];
    await poolDirectly(t.admin, [recent], { status: 'processing', claimedBy: 'slow-worker', claimedSecondsAgo: 600 });
    expect((await new PoolStartupManager(t.db).initializePoolSystem()).stuckReset).toBe(0);
    expect((await new PoolStartupManager(t.db, { leaseTimeoutSeconds: 300 }).initializePoolSystem()).stuckReset).toBe(1);
    expect(await t.pool.getPoolEntry(recent)).toMatchObject({ status: 'waiting' });
    expect(() => new PoolStartupManager(t.db, { leaseTimeoutSeconds: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('runs once for concurrent calls in one process', async () => {
    const manager = new PoolStartupManager(t.db);
    const before = await startupRows(t.db);
    const first = manager.initializePoolSystem();
    const second = manager.initializePoolSystem();
    expect(second).toBe(first);
    const [a, b] = await Promise.all([first, second]);
    expect(b).toBe(a);
    expect(await startupRows(t.db)).toBe(before + 1);
    // Finished runs are not cached: the next call starts a new run.
    await manager.initializePoolSystem();
    expect(await startupRows(t.db)).toBe(before + 2);
  });

  it('makes a second process wait its turn: CONFLICT naming the holder', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => { entered = resolve; });
    const heldOpen: IntegrityCheck = async (db, options) => {
      entered();
      await gate;
      const report = await validateIntegrity(db, options);
      return { passed: report.passed, rules: report.rules };
    };
    const before = await startupRows(t.db);
    const firstRun = new PoolStartupManager(t.db, { integrityCheck: heldOpen }).initializePoolSystem();
    await inside;

    const otherProcess = new Database(t.profile);
    try {
      const error = await rejection(new PoolStartupManager(otherProcess).initializePoolSystem());
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toMatch(/^Pool start-up in progress \(held by .+, connection \d+\)/);
    } finally {
      release();
      await otherProcess.close();
    }
    await firstRun;
    expect(await startupRows(t.db)).toBe(before + 1);
  });

  it('refuses an unmigrated database, telling to migrate, and changes nothing', async () => {
    await unmigrated.admin.query(hostSchemaSql('host-orm'));
    const schema = await snapshotSchema(unmigrated.admin);
    const data = await businessChecksum(unmigrated.admin, ['POOL_STATUS', 'POOL_ENTRY_TIME', 'POOL_DEADLINE_TIME', 'POOL_PROCESSING_ATTEMPTS']);
    const db = new Database(unmigrated.profile);
    try {
      const error = await rejection(new PoolStartupManager(db).initializePoolSystem());
      expect(error.code).toBe('NO_TABLE');
      expect(error.message).toContain('pool-console migrate up');
      expect(error.message).toMatch(/POOL_CLAIMED_AT/);
      expect(error.message).toMatch(/POOL_AUDIT_LOG/);
      expect(error.details?.missing).toMatchObject({ columns: expect.arrayContaining(['POOL_MODE', 'POOL_CLAIMED_BY']), tables: ['POOL_AUDIT_LOG', 'POOL_EVENT_COUNTS', 'POOL_METRICS', 'POOL_CONTROL', 'POOL_WORKERS', 'POOL_ALERT_RULES', 'POOL_ALERT_EVENTS', 'POOL_LOCKS'] });
    } finally {
      await db.close();
    }
    expect(await snapshotSchema(unmigrated.admin)).toEqual(schema);
    expect(await businessChecksum(unmigrated.admin, ['POOL_STATUS', 'POOL_ENTRY_TIME', 'POOL_DEADLINE_TIME', 'POOL_PROCESSING_ATTEMPTS'])).toEqual(data);
  });
});

describe('validatePoolSystem and getSystemStatus', () => {
  it('passes every check on a migrated database, and reports it healthy', async () => {
    const manager = new PoolStartupManager(drift.db);
    const checks = await manager.validatePoolSystem();
    expect(checks.filter((check) => !check.ok)).toEqual([]);
    expect(checks.map((check) => check.check)).toEqual([
      'database.reachable', 'schema.table', 'schema.columns', 'schema.indexes', 'schema.tables',
      'query.ready.ready', 'query.ready.due', 'query.claim.ready', 'query.claim.due', 'query.stats', 'query.stuck', 'query.failed', 'query.search.owner', 'query.search.room',
    ]);
    const status = await manager.getSystemStatus();
    expect(status).toMatchObject({ state: 'healthy', reasons: [] });
    expect(status.checkedAt).toBeInstanceOf(Date);
    expect(status.stats?.inPool).toBe(0);
  });

  it('is degraded by expired leases and entries failed for good', async () => {
    const ids = await insertBookings(drift.admin, { count: 3 });
    await poolDirectly(drift.admin, ids.slice(0, 1), { status: 'processing', claimedBy: 'gone', claimedSecondsAgo: 4000 });
    await poolDirectly(drift.admin, ids.slice(1, 3), { status: 'failed', attempts: 3 });
    const status = await new PoolStartupManager(drift.db).getSystemStatus();
    expect(status.state).toBe('degraded');
    // Every reason with its stable code and the count the stats give for the same instant.
    expect(status.findings.map(({ code, severity, count }) => ({ code, severity, count }))).toEqual([
      { code: 'expired-leases', severity: 'degraded', count: 1 },
      { code: 'failed-at-max', severity: 'degraded', count: 2 },
      { code: 'deadline-risk', severity: 'degraded', count: 2 },
      { code: 'integrity', severity: 'degraded', count: 1 },
    ]);
    expect(status.reasons).toEqual(status.findings.map((finding) => finding.message));
    expect(status.reasons[0]).toMatch(/^1 expired lease: processing entries claimed more than 3600 s ago, or with no claim time/);
    expect(status.reasons[1]).toMatch(/^2 failed entries have reached 3 attempts/);
    expect(status.stats).toMatchObject({ expiredLeases: 1, failedAtMaxAttempts: 2, overdue: 2 });
    await drift.pool.clearPool({ confirm: drift.name, audit: { reason: 'test set-up' } });
  });

  it('flags drift after an index is dropped', async () => {
    await drift.admin.query('ALTER TABLE BOOKING_PLAN DROP INDEX idx_pool_lease');
    const manager = new PoolStartupManager(drift.db);
    const checks = await manager.validatePoolSystem();
    const failed = Object.fromEntries(checks.filter((check) => !check.ok).map((check) => [check.check, check.detail]));
    expect(Object.keys(failed)).toEqual(['schema.indexes', 'query.stuck']);
    expect(failed['schema.indexes']).toMatch(/missing pool indexes: idx_pool_lease; run `pool-console migrate up`/);
    expect(failed['query.stuck']).toMatch(/idx_pool_lease \(missing\)/);

    const status = await manager.getSystemStatus();
    expect(status.state).toBe('degraded');
    expect(status.findings).toContainEqual(expect.objectContaining({ code: 'schema-drift', items: ['idx_pool_lease'] }));
    expect(status.reasons).toContainEqual(expect.stringMatching(/^schema drift: .*idx_pool_lease.*pool-console migrate up/));

    const error = await rejection(manager.initializePoolSystem());
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/pool indexes missing: idx_pool_lease.*pool-console migrate up/);
  });
});
