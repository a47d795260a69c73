import type { RowDataPacket } from 'mysql2/promise';
import { beforeEach, describe, expect, it } from 'vitest';
import { isPoolPaused } from '../../src/core/control/paused-error.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';

/* pause → claims refused as paused → resume, and workers / workers release, through the CLI's contract operations. */

const t = poolDatabase();
const cli = (args: string[]) => runCli(t.profile, args);

function json<T = Record<string, unknown>>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

async function rows<T>(sql: string, values: unknown[] = []): Promise<T[]> {
  const [result] = await t.admin.query<RowDataPacket[]>(sql, values);
  return result as T[];
}

/** The error a claim rejects with, or null when it claimed. */
async function claimError(mode?: 'URGENT' | 'NORMAL'): Promise<unknown> {
  try {
    await t.pool.claimBatch({ owner: 'cli-test-worker', limit: 1, mode });
    return null;
  } catch (error) {
    return error;
  }
}

interface PauseJson {
  wasPaused: boolean;
  state: { available: boolean; pauses: { scope: string; pausedBy: string; reason: string; since: string; until: string | null }[] };
}

beforeEach(async () => {
  await t.admin.query("UPDATE BOOKING_PLAN SET POOL_STATUS = NULL, POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL WHERE POOL_STATUS IS NOT NULL");
  await t.admin.query('UPDATE POOL_CONTROL SET PAUSED = 0, PAUSED_BY = NULL, PAUSE_REASON = NULL, PAUSED_AT = NULL, RESUME_AT = NULL');
});

describe('pool-console pause, resume and workers', { timeout: 120_000 }, () => {
  it('pauses one mode until a time: its claims are refused as paused, other modes claim, status reports it; resume lets it claim again', async () => {
    const urgent = await insertBookings(t.admin, { count: 3 });
    const normal = await insertBookings(t.admin, { count: 3 });
    await poolDirectly(t.admin, urgent, { status: 'ready', mode: 'URGENT' });
    await poolDirectly(t.admin, normal, { status: 'ready', mode: 'NORMAL' });

    const paused = await cli(['pause', '--mode', 'URGENT', '--until', '30m', '--reason', 'INC-31 interpreter API down', '--actor', 'ops@desk', '--json']);
    expect(paused.code, paused.stderr).toBe(0);
    const body = json<PauseJson>(paused);
    expect(body.wasPaused).toBe(false);
    expect(body.state.pauses).toEqual([expect.objectContaining({ scope: 'URGENT', pausedBy: 'ops@desk', reason: 'INC-31 interpreter API down' })]);
    const pause = body.state.pauses[0]!;
    const minutes = (new Date(pause.until!).getTime() - new Date(pause.since).getTime()) / 60_000;
    expect(minutes).toBeCloseTo(30, 0);

    // the claim's own answer: paused, naming who and why; never an empty list
    const refused = await claimError('URGENT');
    expect(isPoolPaused(refused)).toBe(true);
    expect((refused as Error).message).toContain('INC-31 interpreter API down');
    expect(await claimError('NORMAL')).toBeNull();
    expect(await rows("SELECT BOOKING_ID FROM BOOKING_PLAN WHERE POOL_STATUS = 'processing' AND POOL_MODE = 'URGENT'")).toEqual([]);

    const status = await cli(['status', '--json']);
    expect(status.code).toBe(1);
    const finding = json<{ findings: { code: string; message: string; items?: string[] }[] }>(status).findings.find((f) => f.code === 'paused');
    expect(finding).toMatchObject({ items: ['URGENT'] });
    expect(finding!.message).toMatch(/^Claiming paused for URGENT since \d\d:\d\d UTC by ops@desk: INC-31 interpreter API down; auto-resume (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC/);
    const text = await cli(['status']);
    expect(text.stdout).toContain('[paused] Claiming paused for URGENT');

    const resumed = await cli(['resume', '--mode', 'URGENT', '--reason', 'INC-31 API back', '--actor', 'ops@desk']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('resumed: claiming of URGENT');
    expect(resumed.stdout).toContain('claiming runs: nothing is paused');
    expect(await claimError('URGENT')).toBeNull();

    const audit = await rows<{ ACTION: string; ACTOR: string; REASON: string; AFFECTED_ROWS: number }>(
      "SELECT ACTION, ACTOR, REASON, AFFECTED_ROWS FROM POOL_AUDIT_LOG WHERE ACTION IN ('pool.pause', 'pool.resume') ORDER BY AUDIT_ID DESC LIMIT 2",
    );
    expect(audit.map((row) => [row.ACTION, row.ACTOR, row.REASON, Number(row.AFFECTED_ROWS)])).toEqual([
      ['pool.resume', 'ops@desk', 'INC-31 API back', 1],
      ['pool.pause', 'ops@desk', 'INC-31 interpreter API down', 1],
    ]);
  });

  it('pauses the whole pool: every claim is refused; a resume without a reason or a bad --until is refused and changes nothing', async () => {
    const ids = await insertBookings(t.admin, { count: 2 });
    await poolDirectly(t.admin, ids, { status: 'ready', mode: 'NORMAL' });

    const badUntil = await cli(['pause', '--until', 'tomorrowish', '--reason', 'INC-32 deploy']);
    expect(badUntil.code).toBe(2);
    expect(badUntil.stderr).toMatch(/^error INVALID_INPUT: Invalid --until: .*\(got 'tomorrowish'\)/);
    const noReason = await cli(['pause']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/^error INVALID_INPUT: Invalid --reason: required/);
    expect(await claimError()).toBeNull();

    const paused = await cli(['pause', '--reason', 'INC-32 deploy']);
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toMatch(/paused: claiming of the whole pool\nin force now:\n {2}Claiming paused for the whole pool since \d\d:\d\d UTC by .+: INC-32 deploy; until someone resumes it/);
    expect(isPoolPaused(await claimError())).toBe(true);
    expect(isPoolPaused(await claimError('URGENT'))).toBe(true);

    const refused = await cli(['resume', '--json']);
    expect(refused.code).toBe(2);
    expect(json<{ error: { code: string; message: string } }>(refused).error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('--reason') });
    expect(isPoolPaused(await claimError())).toBe(true);

    // resuming a mode leaves the whole-pool pause in force
    const modeOnly = await cli(['resume', '--mode', 'URGENT', '--reason', 'INC-32 not this one', '--json']);
    expect(json<PauseJson>(modeOnly)).toMatchObject({ wasPaused: false, state: { pauses: [{ scope: 'ALL' }] } });
    expect(isPoolPaused(await claimError())).toBe(true);

    const resumed = await cli(['resume', '--reason', 'INC-32 deploy done', '--json']);
    expect(json<PauseJson>(resumed)).toMatchObject({ wasPaused: true, state: { pauses: [] } });
    expect(await claimError()).toBeNull();
  });

  it("workers lists an owner that holds leases and never heartbeat; workers release previews, then puts its leases back to waiting, audited", async () => {
    const held = await insertBookings(t.admin, { count: 4 });
    await poolDirectly(t.admin, held, { status: 'processing', claimedBy: 'legacy-worker-7', claimedSecondsAgo: 120 });

    const list = await cli(['workers', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const owner = json<{ workers: { ownerId: string; state: string; leases: number }[] }>(list).workers.find((w) => w.ownerId === 'legacy-worker-7');
    expect(owner).toMatchObject({ state: 'no-heartbeat', leases: 4 });
    const table = await cli(['workers']);
    expect(table.stdout).toMatch(/legacy-worker-7\s+no-heartbeat/);

    const dry = await cli(['workers', 'release', 'legacy-worker-7', '--dry-run', '--json']);
    expect(json(dry)).toMatchObject({ dryRun: true, ownerId: 'legacy-worker-7', count: 4, sampleIds: held, allowed: true });
    expect(await rows("SELECT BOOKING_ID FROM BOOKING_PLAN WHERE POOL_CLAIMED_BY = 'legacy-worker-7'")).toHaveLength(4);

    const noReason = await cli(['workers', 'release', 'legacy-worker-7']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('Invalid --reason');

    const released = await cli(['workers', 'release', 'legacy-worker-7', '--reason', 'INC-33 old worker gone']);
    expect(released.code, released.stderr).toBe(0);
    expect(released.stdout).toBe('released 4 leases of legacy-worker-7 (no-heartbeat) back to waiting\n');
    const after = await rows<{ POOL_STATUS: string; POOL_CLAIMED_BY: string | null }>('SELECT POOL_STATUS, POOL_CLAIMED_BY FROM BOOKING_PLAN WHERE BOOKING_ID IN (?)', [held]);
    expect(after).toEqual(held.map(() => ({ POOL_STATUS: 'waiting', POOL_CLAIMED_BY: null })));
    const [audit] = await rows<{ ACTION: string; REASON: string; AFFECTED_ROWS: number }>('SELECT ACTION, REASON, AFFECTED_ROWS FROM POOL_AUDIT_LOG ORDER BY AUDIT_ID DESC LIMIT 1');
    expect(audit).toMatchObject({ ACTION: 'workers.release-leases', REASON: 'INC-33 old worker gone' });
    expect(Number(audit!.AFFECTED_ROWS)).toBe(4);
  });
});
