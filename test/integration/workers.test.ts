import type { RowDataPacket } from 'mysql2/promise';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/core/audit/audit-log.js';
import { pause } from '../../src/core/control/pool-control.js';
import { Database } from '../../src/core/db/database.js';
import { DatabaseBookingPool } from '../../src/core/pool/database-booking-pool.js';
import { PoolMigrator } from '../../src/core/schema/migrator.js';
import { PoolWorker } from '../../src/core/workers/pool-worker.js';
import { releaseWorkerLeases } from '../../src/core/workers/release-leases.js';
import { listWorkers, type WorkerInfo } from '../../src/core/workers/worker-list.js';
import { hostSchemaSql } from '../fixtures/host-schema.js';
import { freshDatabase } from '../helpers/database.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';

const t = poolDatabase();
const ops = { actor: 'ops@workers-test', reason: 'INC-7 dead worker' };
/** Short heartbeats, so that late and dead come within seconds; every wait below polls with a generous deadline. */
const INTERVAL_MS = 300;

async function rows<T>(sql: string, values: unknown[] = []): Promise<T[]> {
  const [result] = await t.admin.query<RowDataPacket[]>(sql, values);
  return result as T[];
}

async function rejected(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

async function until(what: string, check: () => Promise<boolean>, deadlineMs = 60_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function worker(ownerId: string): Promise<WorkerInfo | undefined> {
  return (await listWorkers(t.db)).workers.find((candidate) => candidate.ownerId === ownerId);
}

const started: PoolWorker[] = [];
/** A worker on a connection pool of its own, as in its own process. */
async function startWorker(ownerId: string, intervalMs = INTERVAL_MS): Promise<PoolWorker> {
  const w = await PoolWorker.start(new DatabaseBookingPool(new Database(t.profile, { poolMax: 2 })), { ownerId, intervalMs, host: 'host-a', pid: 4242, version: '9.9.9' });
  started.push(w);
  return w;
}

/** The worker's process dies: its connections go, its heartbeats stop reaching the database. */
async function kill(w: PoolWorker): Promise<void> {
  await w.pool.db.close();
}

beforeEach(async () => {
  await t.pool.clearPool({ confirm: t.name, audit: ops });
  await t.admin.query('DELETE FROM POOL_WORKERS');
  await t.admin.query('UPDATE POOL_CONTROL SET PAUSED = 0');
});
afterEach(async () => {
  await Promise.all(started.splice(0).map(async (w) => {
    await w.stop().catch(() => undefined);
    await w.pool.db.close();
  }));
});

describe('heartbeats', () => {
  it('a worker registers with its host, pid, version and interval, and counts claims, completes, fails and its last error', async () => {
    const ids = await insertBookings(t.admin, { count: 5 });
    await poolDirectly(t.admin, ids, { status: 'ready' });
    const w = await startWorker('worker-a');
    const [row] = await rows<{ host: string; pid: number; version: string; interval: number; claims: number }>(
      "SELECT HOST AS host, PID AS pid, VERSION AS version, HEARTBEAT_INTERVAL_MS AS `interval`, CLAIMS AS claims FROM POOL_WORKERS WHERE OWNER_ID = 'worker-a'",
    );
    expect(row).toMatchObject({ host: 'host-a', pid: 4242, version: '9.9.9', interval: INTERVAL_MS });

    const outcome = await w.claimBatch({ limit: 3 });
    expect(outcome.entries?.map((entry) => entry.bookingId)).toEqual(ids.slice(0, 3));
    await w.complete(ids[0]!);
    await w.fail(ids[1]!, { error: 'interpreter service returned 503' });
    expect(await w.markAsProcessing(ids[3]!)).toEqual({ claimed: true });
    await w.heartbeat();

    const listed = await worker('worker-a');
    expect(listed).toMatchObject({
      state: 'alive', host: 'host-a', pid: 4242, version: '9.9.9', heartbeatIntervalMs: INTERVAL_MS,
      claims: 4, completes: 1, fails: 1, claimsPerMinute: 4, lastError: 'interpreter service returned 503',
      leases: 2, expiredLeases: 0,
    });
    expect(listed!.lastErrorAt).toBeInstanceOf(Date);
    expect(listed!.oldestLeaseAt).toBeInstanceOf(Date);
    // The timer keeps beating on its own: the heartbeat moves forward.
    const first = listed!.heartbeatAt!.getTime();
    await until('the next heartbeat', async () => (await worker('worker-a'))!.heartbeatAt!.getTime() > first);
  });

  it('a paused claim is an answer for the worker, not an error', async () => {
    const ids = await insertBookings(t.admin, { count: 1 });
    await poolDirectly(t.admin, ids, { status: 'ready', mode: 'URGENT' });
    const w = await startWorker('worker-p');
    await pause(t.db, { mode: 'URGENT', ...ops });
    const outcome = await w.claimBatch({ mode: 'URGENT' });
    expect(outcome).toMatchObject({ paused: [{ scope: 'URGENT', reason: ops.reason }] });
    expect(await w.markAsProcessing(ids[0]!)).toMatchObject({ claimed: false, paused: [{ scope: 'URGENT' }] });
    expect(w.stats).toMatchObject({ claims: 0, lastError: null });
  });

  it('a worker that stops heartbeating shows late, then dead within three intervals; a stopped one shows stopped', async () => {
    // Longer beats here: 'late' lasts from 1.5 to 3 intervals, and each look at the list takes a while on a busy machine.
    const w = await startWorker('worker-d', 1_000);
    const gone = await startWorker('worker-s');
    expect((await worker('worker-d'))!.state).toBe('alive');
    await kill(w);
    await until('worker-d shows late', async () => (await worker('worker-d'))!.state === 'late');
    await until('worker-d shows dead', async () => (await worker('worker-d'))!.state === 'dead');
    const dead = (await worker('worker-d'))!;
    expect(dead.heartbeatAgeMs).toBeGreaterThan(3 * 1_000);
    await gone.stop();
    expect((await worker('worker-s'))!.state).toBe('stopped');
  }, 120_000);

  it('an owner holding leases that never heartbeat is listed from POOL_CLAIMED_BY alone; unowned leases are counted', async () => {
    const ids = await insertBookings(t.admin, { count: 5 });
    await poolDirectly(t.admin, ids.slice(0, 3), { status: 'processing', claimedBy: 'legacy-server-1', claimedSecondsAgo: 7200 });
    await poolDirectly(t.admin, ids.slice(3, 4), { status: 'processing', claimedBy: 'legacy-server-1', claimedSecondsAgo: 10 });
    await poolDirectly(t.admin, ids.slice(4), { status: 'processing', claimedBy: null });
    await startWorker('worker-b');
    const list = await listWorkers(t.db, { leaseSeconds: 3600 });
    expect(list.heartbeats).toBe(true);
    expect(list.unownedLeases).toBe(1);
    expect(list.workers.map((w) => [w.ownerId, w.state])).toEqual([['legacy-server-1', 'no-heartbeat'], ['worker-b', 'alive']]);
    expect(list.workers[0]).toMatchObject({ leases: 4, expiredLeases: 3, host: null, claims: null, heartbeatAt: null });
  });
});

describe('releasing a dead worker\'s leases', () => {
  it('previews, then releases exactly what it previewed: audited, the leases gone, the entries claimable again', async () => {
    const ids = await insertBookings(t.admin, { count: 30 });
    await poolDirectly(t.admin, ids, { status: 'ready', deadlineHoursFromNow: -1 });
    const w = await startWorker('worker-r');
    const claimed = (await w.claimBatch({ limit: 25 })).entries!.map((entry) => entry.bookingId);
    await kill(w);
    await until('worker-r shows dead', async () => (await worker('worker-r'))!.state === 'dead');

    const dry = await releaseWorkerLeases(t.db, { ownerId: 'worker-r', dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, released: 0, preview: { ownerId: 'worker-r', state: 'dead', count: 25, allowed: true, refusal: null } });
    expect(dry.preview.sampleIds).toEqual([...claimed].sort((a, b) => a - b).slice(0, 20));
    expect(await rows(`SELECT 1 FROM BOOKING_PLAN WHERE POOL_CLAIMED_BY = 'worker-r'`)).toHaveLength(25);

    const applied = await releaseWorkerLeases(t.db, { ownerId: 'worker-r', ...ops });
    expect(applied.released).toBe(dry.preview.count);
    expect(await rows(`SELECT 1 FROM BOOKING_PLAN WHERE POOL_CLAIMED_BY = 'worker-r' OR POOL_STATUS = 'processing'`)).toHaveLength(0);
    const [audit] = await new AuditLog(t.db).list({ action: 'workers.release-leases', limit: 1 });
    expect(audit).toMatchObject({ actor: ops.actor, reason: ops.reason, outcome: 'ok', affectedRows: 25, parameters: { ownerId: 'worker-r', state: 'dead', previewed: 25 } });

    const again = await t.pool.claimBatch({ owner: 'worker-new', limit: 100 });
    expect(again.map((entry) => entry.bookingId).sort((a, b) => a - b)).toEqual(ids);
  }, 120_000);

  it('refuses for an alive worker (and changes nothing) unless forced; a reason is required', async () => {
    const ids = await insertBookings(t.admin, { count: 3 });
    await poolDirectly(t.admin, ids, { status: 'ready' });
    const w = await startWorker('worker-alive', 10_000);
    await w.claimBatch({ limit: 3 });

    const dry = await releaseWorkerLeases(t.db, { ownerId: 'worker-alive', dryRun: true });
    expect(dry.preview).toMatchObject({ state: 'alive', count: 3, allowed: false, refusal: expect.stringMatching(/worker-alive is alive/) });
    expect(await rejected(releaseWorkerLeases(t.db, { ownerId: 'worker-alive', ...ops }))).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/Nothing was changed/) });
    expect(await rows(`SELECT 1 FROM BOOKING_PLAN WHERE POOL_CLAIMED_BY = 'worker-alive'`)).toHaveLength(3);
    expect(await rejected(releaseWorkerLeases(t.db, { ownerId: 'worker-alive', force: true, actor: ops.actor }))).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'reason' } });

    const forced = await releaseWorkerLeases(t.db, { ownerId: 'worker-alive', force: true, ...ops });
    expect(forced.released).toBe(3);
  });

  it('releases a never-heartbeating owner\'s leases without force', async () => {
    const ids = await insertBookings(t.admin, { count: 2 });
    await poolDirectly(t.admin, ids, { status: 'processing', claimedBy: 'legacy-server-2', claimedSecondsAgo: 30 });
    const result = await releaseWorkerLeases(t.db, { ownerId: 'legacy-server-2', ...ops });
    expect(result).toMatchObject({ released: 2, preview: { state: 'no-heartbeat', count: 2 } });
    expect(await rows(`SELECT 1 FROM BOOKING_PLAN WHERE POOL_STATUS = 'waiting' AND POOL_CLAIMED_BY IS NULL`)).toHaveLength(2);
  });
});

describe('before migration 0008', () => {
  const fresh = freshDatabase();

  it('a worker runs without heartbeats and the list shows owners from their leases', async () => {
    await fresh.admin.query(hostSchemaSql('bare'));
    const db = new Database(fresh.profile);
    try {
      await new PoolMigrator(db).up({ to: '0007-pool-control' });
      const ids = await insertBookings(fresh.admin, { count: 2 });
      await poolDirectly(fresh.admin, ids, { status: 'ready' });
      const w = await PoolWorker.start(new DatabaseBookingPool(db), { ownerId: 'early', intervalMs: 100 });
      expect((await w.claimBatch({ limit: 5 })).entries).toHaveLength(2);
      await w.stop();
      const list = await listWorkers(db);
      expect(list).toMatchObject({ heartbeats: false, workers: [{ ownerId: 'early', state: 'no-heartbeat', leases: 2 }] });
    } finally {
      await db.close();
    }
  });
});
