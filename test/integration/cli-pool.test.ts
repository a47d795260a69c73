import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';
import { makeTempDir } from '../helpers/temp-dirs.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';

const t = poolDatabase();

/** `node bin/pool-console.mjs …` against the test database; the password (if any) through the environment. */
const cli = (args: string[], options: { url?: string } = {}) => runCli(t.profile, args, options);

/** The JSON a --json run printed; fails the test with the run's output when it is not JSON. */
function json<T = Record<string, unknown>>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

async function row<T>(sql: string, params: unknown[] = []): Promise<T> {
  const [rows] = (await t.admin.query(sql, params)) as unknown as [T[]];
  return rows[0]!;
}

// each test spawns a few CLI processes of about a second each; a busy machine runs them slower
describe('pool-console pool commands', { timeout: 90_000 }, () => {
  it('stats --json is the pool’s own snapshot', async () => {
    const ids = await insertBookings(t.admin, { count: 6 });
    await poolDirectly(t.admin, ids.slice(0, 3), { status: 'waiting', deadlineHoursFromNow: -1, mode: 'URGENT' });
    await poolDirectly(t.admin, ids.slice(3, 5), { status: 'failed', attempts: 3, mode: 'BALANCE' });
    await poolDirectly(t.admin, ids.slice(5), { status: 'processing', claimedBy: 'w', claimedSecondsAgo: 30 });
    const run = await cli(['stats', '--json']);
    expect(run.code).toBe(0);
    const printed = json(run);
    const direct = await t.pool.getPoolStats();
    // the two snapshots were read a moment apart: only the clock and the oldest entry's age may differ
    const timeless = (stats: Record<string, unknown>) => ({ ...stats, measuredAt: undefined, oldestEntryAgeSeconds: undefined });
    expect(timeless(printed)).toEqual(timeless(JSON.parse(JSON.stringify(direct))));
    expect(new Date(printed.measuredAt as string).getTime()).not.toBeNaN();
    expect(Math.abs(Number(printed.oldestEntryAgeSeconds) - Number(direct.oldestEntryAgeSeconds))).toBeLessThanOrEqual(60);
    expect(direct.byStatus).toMatchObject({ waiting: 3, failed: 2, processing: 1 });
  });

  it('entries pages by keyset with the cursor it prints', async () => {
    const ids = await insertBookings(t.admin, { count: 25 });
    await poolDirectly(t.admin, ids, { status: 'ready', mode: 'CUSTOM', deadlineHoursFromNow: 5 });
    const seen: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page += 1) {
      const run: CliRun = await cli(['entries', '--mode', 'CUSTOM', '--limit', '10', '--json', ...(after ? ['--after', after] : [])]);
      expect(run.code).toBe(0);
      const body = json<{ entries: { bookingId: number; mode: string }[]; next: string | null }>(run);
      expect(body.entries.every((entry) => entry.mode === 'CUSTOM')).toBe(true);
      seen.push(...body.entries.map((entry) => entry.bookingId));
      after = body.next;
      if (page < 2) expect(after).toMatch(/^\d{4}-\d\d-\d\dT.*Z,\d+$/);
    }
    expect(after).toBeNull();
    expect(seen).toEqual(ids);
  });

  it('retry-failed and reset-stuck change rows, report counts and audit them', async () => {
    const failed = await insertBookings(t.admin, { count: 3 });
    await poolDirectly(t.admin, failed.slice(0, 2), { status: 'failed', attempts: 1 });
    await poolDirectly(t.admin, failed.slice(2), { status: 'failed', attempts: 5 });
    const stuck = await insertBookings(t.admin, { count: 2 });
    await poolDirectly(t.admin, stuck.slice(0, 1), { status: 'processing', claimedBy: 'dead', claimedSecondsAgo: 7200 });
    await poolDirectly(t.admin, stuck.slice(1), { status: 'processing', claimedBy: 'alive', claimedSecondsAgo: 5 });
    const [dryRetry, dryReset] = await Promise.all([
      cli(['retry-failed', '--max-attempts', '4', '--dry-run', '--json']),
      cli(['reset-stuck', '--lease-timeout', '600', '--dry-run', '--json']),
    ]);
    expect([dryRetry.code, dryReset.code]).toEqual([0, 0]);
    const wouldRetry = json(dryRetry).wouldRetry as number;
    const wouldReset = json(dryReset).wouldReset as number;
    expect(wouldRetry).toBeGreaterThanOrEqual(2);
    expect(wouldReset).toBeGreaterThanOrEqual(1);
    expect(await row(`SELECT POOL_STATUS AS s FROM BOOKING_PLAN WHERE BOOKING_ID = ?`, [failed[0]])).toEqual({ s: 'failed' });

    const retry = await cli(['retry-failed', '--max-attempts', '4', '--reason', 'incident 12', '--actor', 'cli-test', '--json']);
    expect(retry.code).toBe(0);
    expect(json(retry)).toMatchObject({ dryRun: false, retried: wouldRetry });
    const reset = await cli(['reset-stuck', '--lease-timeout', '600', '--reason', 'incident 12', '--actor', 'cli-test', '--json']);
    expect(reset.code).toBe(0);
    expect(json(reset)).toMatchObject({ dryRun: false, reset: wouldReset });

    const [states] = (await t.admin.query(`SELECT BOOKING_ID AS id, POOL_STATUS AS s, POOL_CLAIMED_BY AS owner FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) ORDER BY BOOKING_ID`, [
      [...failed, ...stuck],
    ])) as unknown as [{ id: number; s: string; owner: string | null }[]];
    expect(states.map((state) => [state.s, state.owner])).toEqual([
      ['waiting', null], ['waiting', null], ['failed', null], ['waiting', null], ['processing', 'alive'],
    ]);
    const audit = await t.pool.audit.list({ actor: 'cli-test' });
    expect(audit.map((entry) => [entry.action, entry.affectedRows])).toEqual([['pool.reset-stuck', wouldReset], ['pool.retry-failed', wouldRetry]]);
    expect(audit[1]?.reason).toBe('incident 12');
  });

  it('refuses bad flags with INVALID_INPUT naming the flag, before connecting', async () => {
    const runs = await Promise.all([
      cli(['entries', '--limit', 'abc', '--json']),
      cli(['entries', '--status', 'sleeping', '--json']),
      cli(['entries', '--after', 'yesterday', '--json']),
      cli(['stats', '--overdue', '--json']),
      cli(['stats', '--bogus', '--json']),
      cli(['cleanup', '--rule', 'no-such-rule', '--json']),
      cli(['simulate', '--seed-bookings', '10', '--json']),
      cli(['import-memory', '/nonexistent/pool.json', '--dry-run', '--json']),
      // the contract's own limits, named by the flag
      cli(['stats', '--lease-timeout', '0', '--json']),
      cli(['retry-failed', '--max-attempts', '101', '--dry-run', '--json']),
    ]);
    const expected = ['--limit', '--status', '--after', '--overdue', 'bogus', '--rule', '--confirm', '/nonexistent/pool.json', '--lease-timeout', '--max-attempts'];
    runs.forEach((run, i) => {
      expect(run.code, run.stdout + run.stderr).toBe(2);
      const { error } = json<{ error: { code: string; message: string } }>(run);
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain(expected[i]);
    });
  });

  it('--read-only refuses every write through the service (NO_PRIVILEGE), changes nothing, and still reads', async () => {
    const [id] = await insertBookings(t.admin, { count: 1 });
    await poolDirectly(t.admin, [id!], { status: 'failed', attempts: 1 });
    const runs = await Promise.all([
      cli(['retry-failed', '--reason', 'read-only test', '--read-only', '--json']),
      cli(['reset-stuck', '--reason', 'read-only test', '--read-only', '--json']),
      cli(['call', 'entries.retry', JSON.stringify({ bookingId: id, reason: 'read-only test' }), '--read-only']),
    ]);
    for (const run of runs) {
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(run.stdout).toContain('"NO_PRIVILEGE"');
      expect(run.stdout).toContain("Profile 'command line' is read-only");
    }
    expect(await t.pool.getPoolEntry(id!)).toMatchObject({ status: 'failed' });
    const preview = await cli(['retry-failed', '--dry-run', '--read-only', '--json']);
    expect(preview.code, preview.stderr).toBe(0);
    expect(json(preview).wouldRetry).toBeGreaterThanOrEqual(1);
  });

  it('validate exits 1 on a crafted problem, and cleanup previews then fixes exactly that', async () => {
    const [finished] = await insertBookings(t.admin, { count: 1, bookingStatus: 'approve' });
    await poolDirectly(t.admin, [finished!], { status: 'waiting', deadlineHoursFromNow: 10 });
    const validate = await cli(['validate', '--json']);
    expect(validate.code).toBe(1);
    const report = json<{ passed: boolean; rules: { id: string; count: number; sampleIds: number[] }[] }>(validate);
    expect(report.passed).toBe(false);
    expect(report.rules.find((rule) => rule.id === 'booking-finished')).toMatchObject({ count: 1, sampleIds: [finished] });

    const preview = await cli(['cleanup', '--dry-run', '--rule', 'booking-finished', '--json']);
    expect(preview.code).toBe(0);
    expect(json(preview)).toMatchObject({ dryRun: true, rules: [{ id: 'booking-finished', count: 1, sampleIds: [finished] }] });
    expect(await t.pool.isInPool(finished!)).toBe(true);

    // as in the console, applying names the database it runs on
    const unconfirmed = await cli(['cleanup', '--rule', 'booking-finished', '--reason', 'approved bookings left pooled', '--json']);
    expect(unconfirmed.code).toBe(2);
    expect(json<{ error: { code: string; message: string } }>(unconfirmed).error.message).toMatch(/^Invalid --confirm: required/);
    const wrong = await cli(['cleanup', '--rule', 'booking-finished', '--reason', 'approved bookings left pooled', '--confirm', 'production', '--json']);
    expect(json<{ error: { code: string } }>(wrong).error.code).toBe('INVALID_INPUT');
    expect(await t.pool.isInPool(finished!)).toBe(true);

    const apply = await cli(['cleanup', '--rule', 'booking-finished', '--reason', 'approved bookings left pooled', '--confirm', t.name, '--actor', 'cli-cleanup', '--json']);
    expect(apply.code).toBe(0);
    expect(json(apply)).toMatchObject({ dryRun: false, rules: [{ id: 'booking-finished', fixed: 1 }], total: 1 });
    expect(await t.pool.isInPool(finished!)).toBe(false);
    const [audit] = await t.pool.audit.list({ actor: 'cli-cleanup' });
    expect(audit).toMatchObject({ action: 'maintenance.cleanup', affectedRows: 1, reason: 'approved bookings left pooled' });
  });

  it('import-memory previews a legacy export, then imports it', async () => {
    const [id] = await insertBookings(t.admin, { count: 1, meetingType: 'VIP', startInHours: 300 });
    const booking = await row<{ start: Date; end: Date }>('SELECT TIME_START AS start, TIME_END AS end FROM BOOKING_PLAN WHERE BOOKING_ID = ?', [id]);
    const entry = (bookingId: number) => ({
      bookingId, meetingType: 'VIP', startTime: booking.start.toISOString(), endTime: booking.end.toISOString(),
      priorityValue: 4, urgentThresholdDays: 2, generalThresholdDays: 14, poolEntryTime: new Date(Date.now() - 3_600_000).toISOString(),
      decisionWindowTime: new Date(booking.start.getTime() - 2 * 86_400_000).toISOString(),
    });
    const file = join(await makeTempDir(), 'memory-pool.json');
    await writeFile(file, JSON.stringify({ entries: [entry(id!), entry(99_999_999)] }));

    const preview = await cli(['import-memory', file, '--dry-run', '--json']);
    expect(preview.code).toBe(0);
    expect(json(preview)).toMatchObject({ dryRun: true, total: 2, counts: { 'will-add': 1, 'booking-missing': 1 } });
    expect(await t.pool.isInPool(id!)).toBe(false);

    const apply = await cli(['import-memory', file, '--reason', 'legacy server retired', '--json']);
    expect(apply.code).toBe(0);
    expect(json(apply)).toMatchObject({ dryRun: false, total: 2, added: 1, skipped: { 'booking-missing': 1 } });
    expect(await t.pool.getPoolEntry(id!)).toMatchObject({ status: 'waiting' });
  });

  it('status and indexes exit by what they find; status says down (exit 2) when the server is unreachable', async () => {
    const free = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const [status, down, indexes] = await Promise.all([
      cli(['status', '--json']),
      cli(['status', '--json'], { url: `mysql://root@127.0.0.1:${free}/nowhere` }),
      cli(['indexes', '--json']),
    ]);
    const state = json<{ state: string; reasons: string[]; findings: { code: string; count?: number }[] }>(status);
    expect(status.code).toBe({ healthy: 0, degraded: 1, down: 2 }[state.state]);
    expect(state.state).not.toBe('down');
    // the earlier tests left expired and failed-for-good entries: the status must say so
    expect(state.state).toBe('degraded');
    expect(state.findings).toContainEqual(expect.objectContaining({ code: 'failed-at-max' }));
    expect(state.reasons.join('\n')).toMatch(/reached 3 attempts/);

    expect(down.code).toBe(2);
    expect(json(down)).toMatchObject({ state: 'down' });

    const health = json<{ missing: string[]; duplicates: unknown[]; redundant: unknown[]; queries: { verdict: string }[] }>(indexes);
    expect(health.missing).toEqual([]);
    const findings = health.duplicates.length + health.redundant.length + health.queries.filter((q) => q.verdict === 'bad').length;
    expect(indexes.code).toBe(findings > 0 ? 1 : 0);
  });

  it('simulate seeds, runs and prints counters that reconcile; it refuses a database it was not told', async () => {
    const before = await t.pool.getPoolStats();
    const wrong = await cli(['simulate', '--confirm', 'production', '--seed-bookings', '10', '--json']);
    expect(wrong.code).toBe(2);
    expect(json<{ error: { code: string } }>(wrong).error.code).toBe('INVALID_INPUT');
    expect((await t.pool.getPoolStats()).inPool).toBe(before.inPool);

    const run = await cli([
      'simulate', '--confirm', t.name, '--seed-bookings', '400', '--seed-pooled', '150', '--workers', '2', '--seconds', '2',
      '--fail-rate', '0.2', '--die-rate', '0.05', '--seed', '9', '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const body = json<{
      seeded: { bookings: number; pooled: number };
      simulation: { counters: Record<string, number>; stoppedBy: string };
      stats: { inPool: number };
    }>(run);
    expect(body.seeded).toMatchObject({ bookings: 400, pooled: 150 });
    const c = body.simulation.counters;
    expect(body.simulation.stoppedBy).toBe('duration');
    expect(c.errors).toBe(0);
    expect(c.claimed).toBeGreaterThan(0);
    expect(c.claimed).toBe(c.completed! + c.failed! + c.died! + c.abandoned! + c.lost!);
    expect(body.stats.inPool).toBe(before.inPool + 150 + c.entered! - c.completed!);
    expect((await t.pool.getPoolStats()).inPool).toBe(body.stats.inPool);
  });
});
