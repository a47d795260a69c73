import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/core/audit/audit-log.js';
import { pause, pauseState, resume } from '../../src/core/control/pool-control.js';
import { isPoolPaused } from '../../src/core/control/paused-error.js';
import { Database } from '../../src/core/db/database.js';
import { DatabaseBookingPool } from '../../src/core/pool/database-booking-pool.js';
import type { PoolMode } from '../../src/core/pool/pool-types.js';
import { PoolMigrator } from '../../src/core/schema/migrator.js';
import { hostSchemaSql } from '../fixtures/host-schema.js';
import { freshDatabase } from '../helpers/database.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';

const t = poolDatabase();
const ops = { actor: 'ops@pause-test', reason: 'INC-42 pause test' };
/** The race tests' bound: they open several connections and wait on locks. */
const LOADED_MACHINE_MS = 120_000;

async function one<T>(sql: string, values: unknown[] = []): Promise<T> {
  const [rows] = await t.admin.query<RowDataPacket[]>(sql, values);
  return rows[0] as T;
}

/** `count` claimable ('ready') entries of `mode`; their ids. */
async function seed(mode: PoolMode, count: number): Promise<number[]> {
  const ids = await insertBookings(t.admin, { count });
  await poolDirectly(t.admin, ids, { status: 'ready', mode });
  return ids;
}

/** Entries of `mode` claimed (processing) now, as committed. */
async function processing(mode: PoolMode): Promise<number> {
  return Number((await one<{ n: number }>("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS = 'processing' AND POOL_MODE = ?", [mode])).n);
}

/** The error `promise` rejects with; fails the test if it resolves. */
async function rejected(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** Polls `check` until it is true; fails after a generous deadline (a busy machine is slow, never wrong). */
async function until(what: string, check: () => Promise<boolean>, deadlineMs = 60_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeEach(async () => {
  await t.pool.clearPool({ confirm: t.name, audit: ops });
  await t.admin.query('UPDATE POOL_CONTROL SET PAUSED = 0, PAUSED_BY = NULL, PAUSE_REASON = NULL, PAUSED_AT = NULL, RESUME_AT = NULL');
});

describe('pause racing with claimers', () => {
  const opened: Database[] = [];
  const claimerPool = () => {
    const db = new Database(t.profile, { poolMax: 2 });
    opened.push(db);
    return new DatabaseBookingPool(db);
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });

  it.each(['claimBatch', 'markAsProcessing'] as const)(
    '%s: a pause waits for the claims already past the gate, which commit before it; none commits after it',
    async (how) => {
      const ids = await seed('URGENT', 60);
      const K = 3;
      const PER_CLAIM = how === 'claimBatch' ? 4 : 1;
      const claimers = Array.from({ length: K }, claimerPool);
      const claim = (n: number, round: number) =>
        how === 'claimBatch'
          ? claimers[n]!.claimBatch({ owner: `held-${n}`, mode: 'URGENT', limit: PER_CLAIM }).then((batch) => batch.length)
          : claimers[n]!.markAsProcessing(ids[round * K + n]!, { owner: `held-${n}` }).then((won) => (won ? 1 : 0));
      // Hold every claim at its last statement (the claimed counter), after it passed the gate and changed its rows.
      const blocker = await mysql.createConnection({ ...t.profile, timezone: 'Z' });
      // The process list, not INNODB_TRX: MariaDB lists a waiting transaction there only seconds later.
      const running = async (pattern: string, minSeconds = 0) =>
        Number((await one<{ n: number }>('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND INFO LIKE ? AND TIME >= ?', [pattern, minSeconds])).n);
      try {
        await blocker.beginTransaction();
        await blocker.query("SELECT TOTAL FROM POOL_EVENT_COUNTS WHERE EVENT = 'claimed' FOR UPDATE");
        const claims = claimers.map((_, n) => claim(n, 0));
        await until(`${K} claims wait on the counter`, async () => (await running('UPDATE POOL_EVENT_COUNTS%')) >= K);

        let pauseDone = false;
        const pausing = pause(t.db, { mode: 'URGENT', ...ops }).finally(() => (pauseDone = true));
        // Correct: the pause waits on its row's lock for the held claims (its statement runs on for a second and
        // more). Broken: it commits at once.
        await until('the pause waits or commits', async () => pauseDone || (await running('SELECT % FROM `POOL_CONTROL` % FOR UPDATE%', 1)) === 1);
        // If the pause already committed, the held claims have not: what is committed now is the count at the pause.
        const atEarlyPause = pauseDone ? await processing('URGENT') : null;
        await blocker.commit();

        await pausing;
        const atPause = atEarlyPause ?? (await processing('URGENT'));
        expect(await Promise.all(claims)).toEqual(new Array(K).fill(PER_CLAIM));
        // Every claimer now gets the pause, and nothing more commits.
        for (let n = 0; n < K; n += 1) expect(isPoolPaused(await rejected(claim(n, 1)))).toBe(true);
        expect(await processing('URGENT')).toBe(atPause);
        expect(atPause).toBe(K * PER_CLAIM);
      } finally {
        await blocker.rollback().catch(() => undefined);
        await blocker.end();
      }
    },
    // Several connections and lock waits on a loaded machine: slow, never wrong.
    LOADED_MACHINE_MS,
  );

  it('with claimers running in loops: no claim of the paused mode commits after the pause, other modes go on', async () => {
    await seed('URGENT', 3_000);
    await seed('NORMAL', 3_000);
    const N = 6;
    const claimers = Array.from({ length: N }, claimerPool);
    let paused = false;
    const lateClaims: number[] = [];
    const pausedAnswers = new Array<number>(N).fill(0);
    let normalAfterPause = 0;
    const loops = claimers.map(async (pool, n) => {
      // Even claimers ask for URGENT, odd ones for any mode.
      const mode: PoolMode | undefined = n % 2 === 0 ? 'URGENT' : undefined;
      while (pausedAnswers[n]! < 5) {
        const startedAfterPause = paused;
        try {
          const batch = await pool.claimBatch({ owner: `loop-${n}`, mode, limit: 3 });
          const urgent = batch.filter((entry) => entry.mode === 'URGENT');
          if (startedAfterPause) {
            lateClaims.push(...urgent.map((entry) => entry.bookingId));
            normalAfterPause += batch.length - urgent.length;
            // A claimer of any mode is not paused: it counts its claims after the pause instead.
            if (mode === undefined) pausedAnswers[n]! += 1;
          }
        } catch (error) {
          if (!isPoolPaused(error)) throw error;
          if (startedAfterPause) pausedAnswers[n]! += 1;
        }
      }
    });
    await until('claimers are claiming', async () => (await processing('URGENT')) >= 30);
    const change = await pause(t.db, { mode: 'URGENT', ...ops });
    paused = true;
    const atPause = await processing('URGENT');
    await Promise.all(loops);

    expect(change.wasPaused).toBe(false);
    expect(lateClaims).toEqual([]);
    expect(await processing('URGENT')).toBe(atPause);
    // Claim times (database clock, read in each claim's transaction) are all before the pause's since.
    const times = await one<{ lastClaim: Date; since: Date }>(
      "SELECT (SELECT MAX(POOL_CLAIMED_AT) FROM BOOKING_PLAN WHERE POOL_MODE = 'URGENT' AND POOL_STATUS = 'processing') AS lastClaim, (SELECT PAUSED_AT FROM POOL_CONTROL WHERE SCOPE = 'URGENT') AS since",
    );
    expect(times.lastClaim.getTime()).toBeLessThanOrEqual(times.since.getTime());
    expect(normalAfterPause).toBeGreaterThan(0);
  }, LOADED_MACHINE_MS);
});

describe('what a pause covers', () => {
  it('a mode: its claims are answered paused, other modes and claims of any mode go on without it', async () => {
    const [urgent1, urgent2] = await seed('URGENT', 2);
    const normal = await seed('NORMAL', 3);
    await pause(t.db, { mode: 'URGENT', ...ops });

    const error = await rejected(t.pool.claimBatch({ owner: 'w', mode: 'URGENT' }));
    expect(isPoolPaused(error)).toBe(true);
    expect(error).toMatchObject({ code: 'CONFLICT', details: { paused: [{ scope: 'URGENT', pausedBy: ops.actor, reason: ops.reason, until: null }] } });
    expect(String((error as Error).message)).toMatch(/mode URGENT.*INC-42 pause test/);
    expect(await rejected(t.pool.markAsProcessing(urgent1!, { owner: 'w' }))).toMatchObject({ code: 'CONFLICT', details: { paused: [{ scope: 'URGENT' }] } });

    expect((await t.pool.claimBatch({ owner: 'w', mode: 'NORMAL', limit: 1 })).map((entry) => entry.bookingId)).toEqual([normal[0]]);
    expect(await t.pool.markAsProcessing(normal[1]!, { owner: 'w' })).toBe(true);
    const anyMode = await t.pool.claimBatch({ owner: 'w', limit: 10 });
    expect(anyMode.map((entry) => entry.bookingId)).toEqual([normal[2]]);
    // Nothing else to claim but paused entries: the answer is paused, not an empty list.
    expect(isPoolPaused(await rejected(t.pool.claimBatch({ owner: 'w', limit: 10 })))).toBe(true);
    const [row] = (await t.admin.query<RowDataPacket[]>('SELECT POOL_STATUS AS status FROM BOOKING_PLAN WHERE BOOKING_ID IN (?, ?)', [urgent1, urgent2]))[0];
    expect(row?.status).toBe('ready');
    // A claim that simply lost the entry is still "false", not paused.
    expect(await t.pool.markAsProcessing(normal[0]!, { owner: 'other' })).toBe(false);
  });

  it('the whole pool: every claim is answered paused, of any mode or none', async () => {
    const [id] = await seed('NORMAL', 1);
    await pause(t.db, { ...ops });
    const claims = [() => t.pool.claimBatch({ owner: 'w' }), () => t.pool.claimBatch({ owner: 'w', mode: 'NORMAL' }), () => t.pool.markAsProcessing(id!, { owner: 'w' })];
    for (const claim of claims) {
      expect(await rejected(claim())).toMatchObject({ code: 'CONFLICT', details: { paused: [{ scope: 'ALL' }] } });
    }
    expect((await pauseState(t.db)).pauses.map((p) => p.scope)).toEqual(['ALL']);
  });

  it('an empty pool that is not paused still answers an empty list', async () => {
    await pause(t.db, { mode: 'CUSTOM', ...ops });
    await seed('NORMAL', 1);
    expect(await t.pool.claimBatch({ owner: 'w', mode: 'BALANCE' })).toEqual([]);
  });
});

describe('resume and auto-resume', () => {
  it('resume lets claims through again; resuming what is not paused changes nothing and says so', async () => {
    const ids = await seed('URGENT', 2);
    await pause(t.db, { mode: 'URGENT', ...ops });
    const resumed = await resume(t.db, { mode: 'URGENT', ...ops });
    expect(resumed).toMatchObject({ wasPaused: true, state: { available: true, pauses: [] } });
    expect((await t.pool.claimBatch({ owner: 'w', mode: 'URGENT' })).map((entry) => entry.bookingId)).toEqual(ids);
    expect((await resume(t.db, { mode: 'URGENT', ...ops })).wasPaused).toBe(false);
  });

  it('resume without a mode resumes the whole pool, not the modes paused on their own', async () => {
    await pause(t.db, { ...ops });
    await pause(t.db, { mode: 'BALANCE', ...ops });
    expect((await pauseState(t.db)).pauses.map((p) => p.scope)).toEqual(['ALL', 'BALANCE']);
    await resume(t.db, { ...ops });
    expect((await pauseState(t.db)).pauses.map((p) => p.scope)).toEqual(['BALANCE']);
  });

  it('a pause with an auto-resume time stops pausing once the database clock passes it', async () => {
    const [id] = await seed('NORMAL', 1);
    const change = await pause(t.db, { forSeconds: 2, ...ops });
    const [info] = change.state.pauses;
    expect(info!.until!.getTime() - info!.since!.getTime()).toBe(2_000);
    expect(isPoolPaused(await rejected(t.pool.claimBatch({ owner: 'w' })))).toBe(true);
    await until('the pause expires', async () => (await pauseState(t.db)).pauses.length === 0);
    expect((await t.pool.claimBatch({ owner: 'w' })).map((entry) => entry.bookingId)).toEqual([id]);
  });

  it('a re-pause keeps its since and takes the new reason and until; an until in the past is refused', async () => {
    const first = await pause(t.db, { mode: 'NORMAL', ...ops });
    const until = new Date(Date.now() + 3_600_000);
    const again = await pause(t.db, { mode: 'NORMAL', until, actor: 'other@ops', reason: 'still broken' });
    expect(again.wasPaused).toBe(true);
    expect(again.state.pauses[0]).toMatchObject({ scope: 'NORMAL', since: first.state.pauses[0]!.since, until, pausedBy: 'other@ops', reason: 'still broken' });
    const past = await rejected(pause(t.db, { until: new Date(Date.now() - 60_000), ...ops }));
    expect(past).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/not in the future/) });
    expect(await rejected(pause(t.db, { until, forSeconds: 5, ...ops }))).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await rejected(pause(t.db, { mode: 'NOPE' as PoolMode, ...ops }))).toMatchObject({ code: 'INVALID_INPUT' });
    expect((await pauseState(t.db)).pauses.map((p) => p.scope)).toEqual(['NORMAL']);
  });
});

describe('audit', () => {
  it('pause and resume each leave an audit row with actor, reason and scope; no reason, nothing paused', async () => {
    await pause(t.db, { mode: 'BALANCE', forSeconds: 600, ...ops });
    await resume(t.db, { mode: 'BALANCE', actor: ops.actor, reason: 'INC-42 fixed' });
    const rows = await new AuditLog(t.db).list({ action: 'pool.', limit: 10 });
    const [resumed, paused] = rows.filter((row) => row.action === 'pool.pause' || row.action === 'pool.resume');
    expect(paused).toMatchObject({ action: 'pool.pause', actor: ops.actor, reason: ops.reason, outcome: 'ok', affectedRows: 1, parameters: { scope: 'BALANCE', forSeconds: 600 } });
    expect(resumed).toMatchObject({ action: 'pool.resume', actor: ops.actor, reason: 'INC-42 fixed', outcome: 'ok', affectedRows: 1, parameters: { scope: 'BALANCE' } });

    expect(await rejected(pause(t.db, { mode: 'BALANCE', actor: ops.actor }))).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'reason' } });
    expect(await rejected(resume(t.db, { mode: 'BALANCE', reason: ' ' }))).toMatchObject({ code: 'INVALID_INPUT' });
    expect((await pauseState(t.db)).pauses).toEqual([]);
  });
});

describe('before migration 0007', () => {
  const fresh = freshDatabase();

  it('claims work as always, the state says unavailable, and pause refuses naming the migration', async () => {
    await fresh.admin.query(hostSchemaSql('bare'));
    const db = new Database(fresh.profile);
    try {
      await new PoolMigrator(db).up({ to: '0005-pool-event-counts' });
      const ids = await insertBookings(fresh.admin, { count: 3 });
      await poolDirectly(fresh.admin, ids, { status: 'ready', mode: 'URGENT' });
      const pool = new DatabaseBookingPool(db);
      expect((await pool.claimBatch({ owner: 'w', mode: 'URGENT', limit: 2 })).map((entry) => entry.bookingId)).toEqual(ids.slice(0, 2));
      expect(await pool.markAsProcessing(ids[2]!, { owner: 'w' })).toBe(true);
      expect(await pauseState(db)).toMatchObject({ available: false, pauses: [] });
      expect(await rejected(pause(db, { ...ops }))).toMatchObject({ code: 'NO_TABLE', message: expect.stringMatching(/0007-pool-control/) });
    } finally {
      await db.close();
    }
  });
});
