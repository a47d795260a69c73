import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dirs.js';

/*
 * `pool-console bulk ACTION [filters]` on the real server: the dry run prints the preview and
 * changes nothing, an apply needs --reason and is audited with the filter, a bad flag is refused
 * naming it, and Ctrl-C cancels between batches.
 */

const t = poolDatabase();
const cli = (args: string[]) => runCli(t.profile, args);

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const [rows] = await t.admin.query<RowDataPacket[]>(sql, params);
  return Number(rows[0]?.n);
}

function json<T>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

async function until(what: () => string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('pool-console bulk', { timeout: 180_000 }, () => {
  it('--dry-run previews by the filter flags; the apply changes exactly that, capped, audited with the filter', async () => {
    const vip = await insertBookings(t.admin, { count: 12, meetingType: 'VIP' });
    const general = await insertBookings(t.admin, { count: 5, meetingType: 'General' });
    await poolDirectly(t.admin, [...vip, ...general], { status: 'failed', attempts: 2 });
    await t.admin.query("UPDATE BOOKING_PLAN SET POOL_LAST_ERROR = 'Interpreter API timed out' WHERE BOOKING_ID IN (?)", [vip.slice(0, 10)]);
    const filter = ['--status', 'failed', '--meeting-type', 'VIP', '--error-contains', 'timed out'];

    const dry = await cli(['bulk', 'retry', ...filter, '--cap', '4', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('dry run: retry would change 4 of 10 matching entries now (cap 4 per run)');
    expect(dry.stdout).toContain('condition: failed entries, meeting type VIP, last error contains "timed out": the failed ones go back to waiting');
    expect(dry.stdout).toContain(String(vip[0]));
    const asJson = json<{ dryRun: boolean; willChange: number; matching: { count: number }; sample: { bookingId: number }[] }>(await cli(['bulk', 'retry', ...filter, '--dry-run', '--json']));
    expect(asJson).toMatchObject({ dryRun: true, willChange: 10, matching: { count: 10 } });
    expect(asJson.sample.map((entry) => entry.bookingId)).toEqual(vip.slice(0, 10));
    expect(await count("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS = 'failed'")).toBe(17);

    const applied = await cli(['bulk', 'retry', ...filter, '--cap', '4', '--reason', 'INC-cli-bulk', '--actor', 'cli-bulk-test']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('retry: changed 4 entries (the cap of 4 reached');
    expect(await count("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS = 'waiting' AND BOOKING_ID IN (?)", [vip.slice(0, 4)])).toBe(4);
    expect(await count("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS = 'failed'")).toBe(13);
    const [rows] = await t.admin.query<RowDataPacket[]>('SELECT ACTOR, ACTION, OUTCOME, AFFECTED_ROWS, REASON, PARAMETERS FROM POOL_AUDIT_LOG ORDER BY AUDIT_ID DESC LIMIT 1');
    const row = rows[0]!;
    expect(row).toMatchObject({ ACTOR: 'cli-bulk-test', ACTION: 'entries.bulk.retry', OUTCOME: 'ok', AFFECTED_ROWS: 4, REASON: 'INC-cli-bulk' });
    const parameters = typeof row.PARAMETERS === 'string' ? JSON.parse(row.PARAMETERS) : row.PARAMETERS;
    expect(parameters).toMatchObject({ match: { status: 'failed', meetingType: 'VIP', lastErrorContains: 'timed out' }, cap: 4 });

    // by listed ids, from a file
    const file = join(await makeTempDir(), 'ids.txt');
    await writeFile(file, `${general[0]}\n${general[1]}, ${general[2]}\n`);
    const removed = await cli(['bulk', 'remove', '--bookings-file', file, '--reason', 'INC-cli-ids', '--json']);
    expect(json(removed)).toEqual({ dryRun: false, action: 'remove', changed: 3, cap: 5000, capReached: false });
    expect(await count('SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS IS NULL AND BOOKING_ID IN (?)', [general.slice(0, 3)])).toBe(3);
  });

  it('refuses a missing reason, a bad flag or a missing deadline naming the flag, before connecting', async () => {
    const ids = await insertBookings(t.admin, { count: 3 });
    await poolDirectly(t.admin, ids, { status: 'failed', attempts: 1 });
    const runs: [string[], RegExp][] = [
      [['bulk', 'retry', '--status', 'failed'], /Invalid --reason/],
      [['bulk', 'set-deadline', '--reason', 'INC-x'], /Invalid --deadline: set-deadline needs the new deadline/],
      [['bulk', 'retry', '--deadline-from', '2030-02-01', '--deadline-to', '2030-01-01', '--dry-run'], /Invalid --deadline-to: the deadline window ends before it starts/],
      [['bulk', 'retry', '--meeting-type', 'Party', '--dry-run'], /Invalid --meeting-type/],
      [['bulk', 'retry', '--bookings', '1,two', '--dry-run'], /Invalid --bookings/],
      [['bulk', 'retry', '--cap', '60000', '--dry-run'], /Invalid --cap/],
      [['bulk', 'explode', '--dry-run'], /explode/],
    ];
    for (const [args, message] of runs) {
      const run = await cli(args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
    }
    expect(await count("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS = 'failed' AND BOOKING_ID IN (?)", [ids])).toBe(3);
  });

  it('Ctrl-C cancels between batches: the batches done stay done, the audit row says cancelled', async () => {
    await t.admin.query('DELETE FROM BOOKING_PLAN');
    const ids = await insertBookings(t.admin, { count: 3_000 });
    await poolDirectly(t.admin, ids, { status: 'failed', attempts: 1 });
    // a row of the second batch held by another session: the run is inside its second batch when Ctrl-C arrives
    const blocker = await mysql.createConnection({ ...t.profile, database: t.name });
    let stderr = '';
    let code: number | null;
    try {
      await blocker.beginTransaction();
      await blocker.query('SELECT BOOKING_ID FROM BOOKING_PLAN WHERE BOOKING_ID = ? FOR UPDATE', [ids[1_500]]);
      const { host, port, user, password, database } = t.profile;
      const child = spawn(process.execPath, ['bin/pool-console.mjs', 'bulk', 'retry', '--status', 'failed', '--reason', 'INC-ctrl-c', '--url', `mysql://${encodeURIComponent(user)}@${host}:${port}/${database}`], {
        env: { ...process.env, POOL_DATABASE_URL: '', POOL_DATABASE_PASSWORD: password },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
      await until(() => `the first batch (stderr: ${stderr})`, () => stderr.includes('retry: 1000 entries changed (at most 5000 this run)'));
      child.kill('SIGINT');
      await until(() => `the run to say it cancels (stderr: ${stderr})`, () => stderr.includes('Cancelling after the current batch'));
      await blocker.rollback();
      code = await exited;
    } finally {
      await blocker.rollback().catch(() => undefined);
      await blocker.end();
    }
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(/CANCELLED: Cancelled after 2,000 of the matching rows; audit #\d+ records it/);
    expect(await count("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS = 'waiting'")).toBe(2_000);
    expect(await count("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS = 'failed'")).toBe(1_000);
    const [rows] = await t.admin.query<RowDataPacket[]>('SELECT OUTCOME, AFFECTED_ROWS FROM POOL_AUDIT_LOG ORDER BY AUDIT_ID DESC LIMIT 1');
    expect(rows[0]).toMatchObject({ OUTCOME: 'cancelled', AFFECTED_ROWS: 2_000 });
  });
});
