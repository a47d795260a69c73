import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { runLockName } from '../../src/core/audit/audit-run.js';
import { PoolMigrationManager } from '../../src/core/pool/pool-migration-manager.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';
import { makeTempDir } from '../helpers/temp-dirs.js';

/*
 * "Nothing done goes unrecorded": a CLI process running an audited write over several batches is
 * killed with SIGKILL part-way, and the audit row's count and the event counters must equal the
 * rows really changed, counted in the database against the crafted start.
 *
 * Part-way is made deterministic: this test holds a row lock on one row the run reaches in a later
 * batch, waits until the run's batch blocks on that very row (InnoDB's transaction list), and
 * kills the process there, mid-batch, with earlier batches committed. Then the next run marks the
 * dead row `interrupted` and finishes the job.
 */

const t = poolDatabase();
const ROWS = 5_500;
/** The locked row's position: batches of 1,000 commit before it, the one that reaches it blocks. */
const BLOCK_AT = 3_500;

function spawnCli(args: string[]): ChildProcess {
  const { host, port, user, password, database } = t.profile;
  const url = `mysql://${encodeURIComponent(user)}@${host}:${port}/${database}`;
  return spawn(process.execPath, ['bin/pool-console.mjs', ...args, '--url', url, '--actor', 'killed-run-test'], {
    env: { ...process.env, POOL_DATABASE_URL: '', POOL_DATABASE_PASSWORD: password },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

async function one<T>(sql: string, params: unknown[] = []): Promise<T> {
  const [rows] = await t.admin.query<RowDataPacket[]>(sql, params);
  return rows[0] as T;
}

async function eventTotal(event: string): Promise<number> {
  return Number((await one<{ n: number }>('SELECT COALESCE(SUM(TOTAL), 0) AS n FROM POOL_EVENT_COUNTS WHERE EVENT = ?', [event])).n);
}

async function until(what: string | (() => string), check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    // what the child has printed by then, not when the wait began
    if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Whether one of `threads` waits for the row lock on booking `bookingId`, read from InnoDB's own
 * transaction list (SHOW ENGINE INNODB STATUS): each waiting transaction prints its thread and the
 * primary-key record it waits for. Only that wait counts: a passing wait on anything else (the
 * audit row, a counter) must not get the run killed before its earlier batches committed.
 * (INNODB_TRX was tried first: on MariaDB 10.11 it left out a waiting UPDATE scan holding about
 * 7,000 row locks.)
 */
async function waitsOnBooking(threads: number[], bookingId: number): Promise<boolean> {
  const [status] = await t.admin.query<RowDataPacket[]>('SHOW ENGINE INNODB STATUS');
  const text = String(status[0]?.Status ?? '');
  // a signed INT key is stored with its sign bit flipped
  const key = `0: len 4; hex ${((bookingId | 0x80000000) >>> 0).toString(16)};`;
  return text.split('\n---TRANSACTION ').some((block) => {
    const thread = /(?:MariaDB|MySQL) thread id (\d+)/.exec(block)?.[1];
    return (
      thread !== undefined && threads.includes(Number(thread)) && /\nLOCK WAIT /.test(block) &&
      block.includes('FOR THIS LOCK TO BE GRANTED') && block.includes('`BOOKING_PLAN`') && block.includes(key)
    );
  });
}

/** Connections to this test's database other than those open now (the test's own). */
async function othersThan(mine: Set<number>): Promise<number[]> {
  const [rows] = await t.admin.query<RowDataPacket[]>('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ?', [t.name]);
  return rows.map((row) => Number(row.id)).filter((id) => !mine.has(id));
}

/**
 * Runs the CLI until its batch waits on the row this test locked, then signals it. SIGKILL: the
 * row is let go only once the process is dead. SIGINT (Ctrl-C, a cancel): the row is let go at
 * once, so the blocked batch can commit and the run stop at the next boundary. Then waits until
 * every connection the child had is gone (a killed run's open batch rolled back by the server).
 */
async function signalMidRun(args: string[], lockedId: number, signal: 'SIGKILL' | 'SIGINT' = 'SIGKILL'): Promise<{ code: number | null; stderr: string }> {
  const [before] = await t.admin.query<RowDataPacket[]>('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ?', [t.name]);
  const blocker = await mysql.createConnection({ ...t.profile, database: t.name });
  const mine = new Set([...before.map((row) => Number(row.id)), Number((await blocker.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id'))[0][0]?.id)]);
  let stderr = '';
  let code: number | null;
  try {
    await blocker.beginTransaction();
    await blocker.query('SELECT BOOKING_ID FROM BOOKING_PLAN WHERE BOOKING_ID = ? FOR UPDATE', [lockedId]);
    const child = spawnCli(args);
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
    await until(() => `the run to block on booking ${lockedId} (stderr: ${stderr})`, async () => {
      if (child.exitCode !== null) throw new Error(`the run ended before it was signalled (exit ${child.exitCode}): ${stderr}`);
      const children = await othersThan(mine);
      if (children.length === 0) return false;
      return waitsOnBooking(children, lockedId);
    });
    child.kill(signal);
    if (signal === 'SIGINT') {
      await until(() => `the run to say it cancels (stderr: ${stderr})`, async () => stderr.includes('Cancelling after the current batch'));
      await blocker.rollback();
    }
    code = await exited;
  } finally {
    await blocker.rollback().catch(() => undefined);
    await blocker.end();
  }
  await until('the signalled run’s connections to close', async () => (await othersThan(mine)).length === 0);
  return { code, stderr };
}

async function killMidRun(args: string[], lockedId: number): Promise<void> {
  await signalMidRun(args, lockedId, 'SIGKILL');
}

interface AuditRow {
  auditId: number;
  outcome: string;
  affectedRows: number;
  reason: string;
}

async function auditRow(action: string): Promise<AuditRow> {
  return one<AuditRow>(
    `SELECT AUDIT_ID AS auditId, OUTCOME AS outcome, AFFECTED_ROWS AS affectedRows, REASON AS reason
       FROM POOL_AUDIT_LOG WHERE ACTION = ? AND ACTOR = 'killed-run-test' ORDER BY AUDIT_ID DESC LIMIT 1`,
    [action],
  );
}

describe('a run killed with SIGKILL part-way leaves a true audit row and true event counters', { timeout: 180_000 }, () => {
  it('reset-stuck', async () => {
    const ids = await insertBookings(t.admin, { count: ROWS });
    await poolDirectly(t.admin, ids, { status: 'processing', attempts: 1, claimedBy: 'w-dead', claimedSecondsAgo: 7200 });
    const resetBefore = await eventTotal('reset');

    await killMidRun(['reset-stuck', '--lease-timeout', '3600', '--reason', 'INC-kill-reset'], ids[BLOCK_AT]!);

    const changed = Number((await one<{ n: number }>("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) AND POOL_STATUS = 'waiting'", [ids])).n);
    expect(changed).toBeGreaterThanOrEqual(1000);
    expect(changed).toBeLessThan(ROWS);
    const dead = await auditRow('pool.reset-stuck');
    expect(dead).toMatchObject({ outcome: 'running', affectedRows: changed, reason: 'INC-kill-reset' });
    expect((await eventTotal('reset')) - resetBefore).toBe(changed);

    // The next run marks the dead one interrupted (its count kept) and finishes the job.
    const { reset } = await t.pool.resetStuckProcessing({ olderThanSeconds: 3600, audit: { actor: 'killed-run-test', reason: 'INC-kill-reset rerun' } });
    expect(reset).toBe(ROWS - changed);
    expect(await one(`SELECT OUTCOME AS outcome, AFFECTED_ROWS AS affectedRows FROM POOL_AUDIT_LOG WHERE AUDIT_ID = ?`, [dead.auditId])).toEqual({
      outcome: 'interrupted',
      affectedRows: changed,
    });
    expect(await auditRow('pool.reset-stuck')).toMatchObject({ outcome: 'ok', affectedRows: ROWS - changed });
    expect((await eventTotal('reset')) - resetBefore).toBe(ROWS);
  });

  it('cleanup', async () => {
    const ids = await insertBookings(t.admin, { count: ROWS });
    await poolDirectly(t.admin, ids, { status: 'waiting', attempts: -1 });
    await poolDirectly(t.admin, ids.slice(0, 10), { status: 'waiting', attempts: 1 }); // healthy: never counted
    const crafted = ids.slice(10);

    await killMidRun(['cleanup', '--rule', 'attempts-out-of-range', '--reason', 'INC-kill-cleanup', '--confirm', t.name], ids[BLOCK_AT]!);

    const changed = Number((await one<{ n: number }>('SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) AND POOL_PROCESSING_ATTEMPTS = 0', [crafted])).n);
    expect(changed).toBeGreaterThanOrEqual(1000);
    expect(changed).toBeLessThan(crafted.length);
    const dead = await auditRow('maintenance.cleanup');
    expect(dead).toMatchObject({ outcome: 'running', affectedRows: changed });

    await new PoolMigrationManager(t.db).cleanupInconsistentPoolStates({
      dryRun: false,
      rules: ['attempts-out-of-range'],
      audit: { actor: 'killed-run-test', reason: 'INC-kill-cleanup rerun' },
    });
    expect(await one(`SELECT OUTCOME AS outcome, AFFECTED_ROWS AS affectedRows FROM POOL_AUDIT_LOG WHERE AUDIT_ID = ?`, [dead.auditId])).toEqual({
      outcome: 'interrupted',
      affectedRows: changed,
    });
    expect(await auditRow('maintenance.cleanup')).toMatchObject({ outcome: 'ok', affectedRows: crafted.length - changed });
  });

  it('cleanup of a rule that counts an event (stuck-processing): the counter equals the rows reset', async () => {
    const ids = await insertBookings(t.admin, { count: ROWS });
    await poolDirectly(t.admin, ids, { status: 'processing', attempts: 1, claimedBy: 'w-dead', claimedSecondsAgo: 7200 });
    const resetBefore = await eventTotal('reset');

    await killMidRun(['cleanup', '--rule', 'stuck-processing', '--reason', 'INC-kill-cleanup-2', '--confirm', t.name], ids[BLOCK_AT]!);

    const changed = Number((await one<{ n: number }>("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) AND POOL_STATUS = 'waiting'", [ids])).n);
    expect(changed).toBeGreaterThanOrEqual(1000);
    expect(changed).toBeLessThan(ROWS);
    expect(await auditRow('maintenance.cleanup')).toMatchObject({ outcome: 'running', affectedRows: changed });
    expect((await eventTotal('reset')) - resetBefore).toBe(changed);
    // Start-up-like: a sweep alone marks it.
    await t.pool.audit.sweepAbandoned();
    expect(await auditRow('maintenance.cleanup')).toMatchObject({ outcome: 'interrupted', affectedRows: changed });
  });

  it('a live run whose journal connection is lost stops at its next batch, rolled back, once another console closed its row', async () => {
    // Earlier tests' rows out of the pool (the killed stuck-processing cleanup left some stuck): only this test's rows are stuck.
    await t.admin.query('UPDATE BOOKING_PLAN SET POOL_STATUS = NULL, POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL WHERE POOL_STATUS IS NOT NULL');
    const ids = await insertBookings(t.admin, { count: ROWS });
    await poolDirectly(t.admin, ids, { status: 'processing', attempts: 1, claimedBy: 'w-lost', claimedSecondsAgo: 7200 });
    const resetBefore = await eventTotal('reset');
    const blocker = await mysql.createConnection({ ...t.profile, database: t.name });
    let run: Promise<unknown> | undefined;
    try {
      await blocker.beginTransaction();
      await blocker.query('SELECT BOOKING_ID FROM BOOKING_PLAN WHERE BOOKING_ID = ? FOR UPDATE', [ids[BLOCK_AT]]);
      run = t.pool.resetStuckProcessing({ olderThanSeconds: 3600, audit: { actor: 'lost-journal-test', reason: 'INC-lost-journal' } }).catch((error: unknown) => error);
      await until('the run to block', async () => {
        const [ours] = await t.admin.query<RowDataPacket[]>('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ?', [t.name]);
        return waitsOnBooking(ours.map((row) => Number(row.id)), ids[BLOCK_AT]!);
      });
      const { auditId } = await one<{ auditId: number }>("SELECT AUDIT_ID AS auditId FROM POOL_AUDIT_LOG WHERE ACTOR = 'lost-journal-test' AND OUTCOME = 'running'");
      const { holder } = await one<{ holder: number }>('SELECT IS_USED_LOCK(?) AS holder', [runLockName(Number(auditId), t.name)]);
      await t.admin.query(`KILL CONNECTION ${Number(holder)}`);
      await until('another console to close the row', async () => (await t.pool.audit.sweepAbandoned()).includes(Number(auditId)));
    } finally {
      await blocker.rollback().catch(() => undefined);
      await blocker.end();
    }
    expect(await run).toMatchObject({ code: 'CONFLICT' });
    const changed = Number((await one<{ n: number }>("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) AND POOL_STATUS = 'waiting'", [ids])).n);
    expect(changed).toBeGreaterThanOrEqual(1000);
    expect(changed).toBeLessThan(ROWS);
    expect(await one("SELECT OUTCOME AS outcome, AFFECTED_ROWS AS affectedRows FROM POOL_AUDIT_LOG WHERE ACTOR = 'lost-journal-test'")).toEqual({
      outcome: 'interrupted',
      affectedRows: changed,
    });
    expect((await eventTotal('reset')) - resetBefore).toBe(changed);
  });

  it('import-memory', async () => {
    const ids = await insertBookings(t.admin, { count: ROWS });
    const [bookings] = await t.admin.query<RowDataPacket[]>('SELECT BOOKING_ID AS id, MEETING_TYPE AS meetingType, TIME_START AS timeStart FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) ORDER BY BOOKING_ID', [ids]);
    const entries = bookings.map((booking, index) => {
      const start = (booking.timeStart as Date).getTime();
      return {
        bookingId: booking.id, meetingType: booking.meetingType, startTime: new Date(start).toISOString(), endTime: new Date(start + 3_600_000).toISOString(),
        priorityValue: 2, urgentThresholdDays: 3, generalThresholdDays: 30,
        poolEntryTime: new Date(Date.UTC(2025, 0, 1) + index * 1000).toISOString(), decisionWindowTime: new Date(start - 3 * 86_400_000).toISOString(),
      };
    });
    const file = join(await makeTempDir(), 'export.json');
    await writeFile(file, JSON.stringify({ entries }));
    const enteredBefore = await eventTotal('entered');

    await killMidRun(['import-memory', file, '--reason', 'INC-kill-import'], ids[BLOCK_AT]!);

    const changed = Number((await one<{ n: number }>('SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) AND POOL_STATUS IS NOT NULL', [ids])).n);
    expect(changed).toBeGreaterThanOrEqual(1000);
    expect(changed).toBeLessThan(ROWS);
    const dead = await auditRow('import.memory-pool');
    expect(dead).toMatchObject({ outcome: 'running', affectedRows: changed });
    expect((await eventTotal('entered')) - enteredBefore).toBe(changed);

    const rerun = await new PoolMigrationManager(t.db).migrateMemoryPoolToDatabase(JSON.stringify({ entries }), {
      dryRun: false,
      audit: { actor: 'killed-run-test', reason: 'INC-kill-import rerun' },
    });
    expect(rerun).toMatchObject({ added: ROWS - changed, alreadyPooled: changed });
    expect(await one(`SELECT OUTCOME AS outcome FROM POOL_AUDIT_LOG WHERE AUDIT_ID = ?`, [dead.auditId])).toEqual({ outcome: 'interrupted' });
    expect((await eventTotal('entered')) - enteredBefore).toBe(ROWS);
  });
  it('Ctrl-C cancels instead: the blocked batch commits, the run stops at the next boundary, its row says cancelled', async () => {
    await t.admin.query('UPDATE BOOKING_PLAN SET POOL_STATUS = NULL, POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL WHERE POOL_STATUS IS NOT NULL');
    const ids = await insertBookings(t.admin, { count: ROWS });
    await poolDirectly(t.admin, ids, { status: 'processing', attempts: 1, claimedBy: 'w-dead', claimedSecondsAgo: 7200 });
    const resetBefore = await eventTotal('reset');

    const { code, stderr } = await signalMidRun(['reset-stuck', '--lease-timeout', '3600', '--reason', 'INC-ctrl-c'], ids[BLOCK_AT]!, 'SIGINT');

    expect(code).toBe(2);
    expect(stderr).toContain('CANCELLED');
    const changed = Number((await one<{ n: number }>("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) AND POOL_STATUS = 'waiting'", [ids])).n);
    // the batch that waited on the locked row committed; the run stopped before the last one
    expect(changed).toBeGreaterThan(BLOCK_AT - 1000);
    expect(changed).toBeLessThan(ROWS);
    expect(await auditRow('pool.reset-stuck')).toMatchObject({ outcome: 'cancelled', affectedRows: changed });
    expect(stderr).toContain(`Cancelled after ${changed.toLocaleString('en-US')} of the matching rows`);
    expect((await eventTotal('reset')) - resetBefore).toBe(changed);
  });
});
