import type { RowDataPacket } from 'mysql2/promise';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLEANUP_RULE_IDS, MEETING_STARTED_ERROR, type CleanupRuleId } from '../../src/core/maintenance/cleanup-rules.js';
import { applyCleanup, previewCleanup, validateIntegrity } from '../../src/core/maintenance/cleanup.js';
import { insertBookings, poolDatabase, poolDirectly, type BookingSeed } from '../helpers/pool-database.js';
import { committedCounter } from '../helpers/committed-counter.js';

const t = poolDatabase();
const DAY = 86_400;

/** Every column a cleanup could touch, for "untouched" checks (updated_at left out: any write moves it). */
const STATE_COLUMNS = `BOOKING_ID AS id, BOOKING_STATUS AS bookingStatus, INTERPRETER_EMP_CODE AS interpreter, TIME_START AS timeStart,
  POOL_STATUS AS status, POOL_ENTRY_TIME AS entryTime, POOL_DEADLINE_TIME AS deadlineTime, POOL_PROCESSING_ATTEMPTS AS attempts,
  POOL_MODE AS mode, POOL_CLAIMED_BY AS claimedBy, POOL_CLAIMED_AT AS claimedAt, POOL_LAST_ERROR AS lastError,
  TIMESTAMPDIFF(SECOND, POOL_DEADLINE_TIME, TIME_START) AS deadlineLeadSeconds, POOL_ENTRY_TIME = created_at AS entryIsCreatedAt`;

type State = RowDataPacket & {
  id: number; status: string | null; entryTime: Date | null; deadlineTime: Date | null; attempts: number | null; mode: string | null;
  claimedBy: string | null; claimedAt: Date | null; lastError: string | null; deadlineLeadSeconds: number | null; entryIsCreatedAt: number | null;
};

async function states(ids: number[]): Promise<Map<number, State>> {
  const [rows] = await t.admin.query<State[]>(`SELECT ${STATE_COLUMNS} FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) ORDER BY BOOKING_ID`, [ids]);
  return new Map(rows.map((row) => [Number(row.id), row]));
}

async function state(id: number): Promise<State> {
  const row = (await states([id])).get(id);
  if (!row) throw new Error(`booking ${id} is gone`);
  return row;
}

async function one(seed: Partial<BookingSeed> = {}): Promise<number> {
  const [id] = await insertBookings(t.admin, { count: 1, ...seed });
  return id!;
}

async function set(id: number, assignments: string, values: unknown[] = []): Promise<void> {
  await t.admin.query(`UPDATE BOOKING_PLAN SET ${assignments} WHERE BOOKING_ID = ?`, [...values, id]);
}

const LEFT_POOL = { status: null, entryTime: null, deadlineTime: null, attempts: 0, mode: null, claimedBy: null, claimedAt: null, lastError: null };

describe('cleanup rules', () => {
  beforeAll(async () => {
    // The later host schema: attempts NULL-able. And a threshold that differs from the defaults,
    // to see the repair read MEETING_TYPE_PRIORITY (VIP urgent 2 → 4 days).
    await t.admin.query('ALTER TABLE BOOKING_PLAN MODIFY POOL_PROCESSING_ATTEMPTS INT NULL DEFAULT 0');
    await t.admin.query("UPDATE MEETING_TYPE_PRIORITY SET URGENT_THRESHOLD_DAYS = 4 WHERE MEETING_TYPE = 'VIP'");
  });

  it('previews each rule exactly, applies the same counts, repairs the rows and leaves near-misses alone', async () => {
    const pool = (id: number, s: Parameters<typeof poolDirectly>[2]) => poolDirectly(t.admin, [id], s);
    const stale = { claimedBy: 'w-dead', claimedSecondsAgo: 7200 };
    const live = { claimedBy: 'w-live', claimedSecondsAgo: 60 };

    // booking-finished
    const f1 = await one({ bookingStatus: 'approve' });
    await pool(f1, { status: 'waiting' });
    const f2 = await one({ bookingStatus: 'cancel' });
    await pool(f2, { status: 'ready' });
    const f3 = await one({ bookingStatus: 'complet' });
    await pool(f3, { status: 'failed', attempts: 3 });
    const f4 = await one({ bookingStatus: 'approve' });
    await pool(f4, { status: 'processing', attempts: 1, ...stale });
    const f5 = await one({ bookingStatus: 'approve', interpreter: 'I-9' }); // also assigned: counted here only
    await pool(f5, { status: 'waiting' });
    const nf1 = await one({ bookingStatus: 'approve' }); // a live worker finishes it
    await pool(nf1, { status: 'processing', attempts: 1, ...live });
    const nf2 = await one({ bookingStatus: 'approve' }); // not pooled

    // interpreter-assigned
    const i1 = await one({ interpreter: 'I-1' });
    await pool(i1, { status: 'waiting' });
    const i2 = await one({ interpreter: 'I-2' });
    await pool(i2, { status: 'processing', claimedBy: 'w-x', claimedSecondsAgo: null }); // no lease time: not live
    const ni1 = await one({ interpreter: 'I-3' });
    await pool(ni1, { status: 'processing', attempts: 1, ...live }); // a live claim has counted its attempt
    const ni2 = await one({ interpreter: 'I-4' });

    // meeting-started (deadline well before the start, so only this rule matches)
    const s1 = await one({ startInHours: -2 });
    await pool(s1, { status: 'waiting', deadlineHoursFromNow: -50 });
    const s2 = await one({ startInHours: -2 });
    await pool(s2, { status: 'ready', deadlineHoursFromNow: -50 });
    const s3 = await one({ startInHours: -2 });
    await pool(s3, { status: 'processing', deadlineHoursFromNow: -50, attempts: 2, ...stale });
    const ns1 = await one({ startInHours: -2 });
    await pool(ns1, { status: 'processing', deadlineHoursFromNow: -50, attempts: 1, ...live });
    const ns2 = await one({ startInHours: -2 });
    await pool(ns2, { status: 'failed', deadlineHoursFromNow: -50, attempts: 3 });
    await set(ns2, "POOL_LAST_ERROR = 'no interpreter free'");
    const ns3 = await one({ startInHours: 1 });
    await pool(ns3, { status: 'waiting' });

    // stuck-processing
    const k1 = await one();
    await pool(k1, { status: 'processing', attempts: 2, ...stale });
    const k2 = await one();
    await pool(k2, { status: 'processing', attempts: 1, claimedBy: 'w-y', claimedSecondsAgo: null });
    const nk1 = await one();
    await pool(nk1, { status: 'processing', attempts: 1, ...live });

    // missing-entry-or-deadline
    const m1 = await one();
    await pool(m1, { status: 'waiting' });
    await set(m1, 'POOL_ENTRY_TIME = NULL');
    const m2 = await one({ meetingType: 'DR' });
    await pool(m2, { status: 'waiting', mode: 'BALANCE' });
    await set(m2, 'POOL_DEADLINE_TIME = NULL');
    const m3 = await one({ meetingType: 'VIP' });
    await pool(m3, { status: 'ready' });
    await set(m3, 'POOL_DEADLINE_TIME = NULL, POOL_ENTRY_TIME = NULL, POOL_MODE = NULL');
    const nm1 = await one({ meetingType: 'DR' });
    await pool(nm1, { status: 'waiting', mode: 'BALANCE' });

    // deadline-after-start
    const d1 = await one({ meetingType: 'Other' });
    await pool(d1, { status: 'waiting', mode: 'URGENT' });
    await set(d1, 'POOL_DEADLINE_TIME = TIME_START + INTERVAL 1 DAY');
    const d2 = await one({ meetingType: 'DR' });
    await pool(d2, { status: 'failed', mode: 'BALANCE', attempts: 3 });
    await set(d2, 'POOL_DEADLINE_TIME = TIME_START + INTERVAL 1 HOUR');
    const nd1 = await one();
    await pool(nd1, { status: 'waiting' });
    await set(nd1, 'POOL_DEADLINE_TIME = TIME_START');

    // attempts-out-of-range
    const a1 = await one();
    await pool(a1, { status: 'waiting' });
    await set(a1, 'POOL_PROCESSING_ATTEMPTS = NULL');
    const a2 = await one();
    await pool(a2, { status: 'waiting', attempts: -3 });
    const a3 = await one();
    await pool(a3, { status: 'failed', attempts: 500 });
    const na1 = await one();
    await pool(na1, { status: 'failed', attempts: 100 });

    // null-status-leftovers
    const l1 = await one();
    await set(l1, 'POOL_ENTRY_TIME = UTC_TIMESTAMP()');
    const l2 = await one();
    await set(l2, "POOL_LAST_ERROR = 'old'");
    const l3 = await one();
    await set(l3, 'POOL_PROCESSING_ATTEMPTS = 2');
    const l4 = await one();
    await set(l4, "POOL_CLAIMED_BY = 'w-z', POOL_MODE = 'URGENT'");
    const nl1 = await one(); // outside the pool with NULL attempts: the NULL-able schema's normal state
    await set(nl1, 'POOL_PROCESSING_ATTEMPTS = NULL');

    // three problems in one row: started meeting, deadline after the start, negative attempts
    const o1 = await one({ startInHours: -2 });
    await pool(o1, { status: 'waiting', attempts: -1 });

    const expected: Record<CleanupRuleId, number[]> = {
      'booking-finished': [f1, f2, f3, f4, f5],
      'interpreter-assigned': [i1, i2],
      'meeting-started': [s1, s2, s3, o1],
      'stuck-processing': [k1, k2],
      'missing-entry-or-deadline': [m1, m2, m3],
      'deadline-after-start': [d1, d2, o1],
      'attempts-out-of-range': [a1, a2, a3, o1],
      'null-status-leftovers': [l1, l2, l3, l4],
      // the lifecycle-impossible states have their own test below
      'lease-on-idle-entry': [],
      'processing-without-attempt': [],
      'processing-without-owner': [],
    };
    const nearMisses = [nf1, nf2, ni1, ni2, ns1, ns2, ns3, nk1, nm1, nd1, na1, nl1];
    const before = await states(nearMisses);
    const m1Before = await state(m1);

    const before1 = await validateIntegrity(t.db);
    expect(before1.passed).toBe(false);

    const preview = await previewCleanup(t.db);
    expect(preview.rules.map((rule) => rule.id)).toEqual([...CLEANUP_RULE_IDS]);
    expect(preview.measuredAt).toBeInstanceOf(Date);
    for (const finding of preview.rules) {
      expect({ id: finding.id, count: finding.count, sampleIds: finding.sampleIds }).toEqual({
        id: finding.id,
        count: expected[finding.id].length,
        sampleIds: [...expected[finding.id]].sort((a, b) => a - b),
      });
      expect(finding.title).not.toBe('');
      expect(finding.detects).not.toBe('');
      expect(finding.fix).not.toBe('');
    }
    expect(preview.rules.find((rule) => rule.id === 'stuck-processing')?.detects).toContain('3600 s');
    expect(before1.rules.map((rule) => rule.count)).toEqual(preview.rules.map((rule) => rule.count));

    const progress = committedCounter();
    const applied = await applyCleanup(t.db, { counter: progress });
    expect(applied.rules).toEqual(preview.rules.map((rule) => ({ id: rule.id, fixed: rule.count })));
    expect(applied.total).toBe(preview.rules.reduce((sum, rule) => sum + rule.count, 0));
    expect(progress.affectedRows).toBe(applied.total);

    const after = await states(Object.values(expected).flat());
    const get = (id: number) => after.get(id)!;
    for (const id of [f1, f2, f3, f4, f5, i1, i2, l1, l2, l3, l4]) expect(get(id)).toMatchObject(LEFT_POOL);
    for (const id of [s1, s2, s3, o1]) {
      expect(get(id)).toMatchObject({ status: 'failed', lastError: MEETING_STARTED_ERROR, claimedBy: null, claimedAt: null });
    }
    expect(get(s3).attempts).toBe(2);
    expect(get(k1)).toMatchObject({ status: 'waiting', claimedBy: null, claimedAt: null, attempts: 2 });
    expect(get(k2)).toMatchObject({ status: 'waiting', claimedBy: null, claimedAt: null, attempts: 1 });
    // entry time from created_at; deadline from the meeting type's threshold, never now + 24 h
    expect(get(m1)).toMatchObject({ entryIsCreatedAt: 1, deadlineTime: m1Before.deadlineTime });
    expect(get(m2)).toMatchObject({ deadlineLeadSeconds: 2 * DAY, mode: 'BALANCE' }); // DR urgent 1 + 1 for BALANCE
    expect(get(m3)).toMatchObject({ deadlineLeadSeconds: 4 * DAY, mode: null, entryIsCreatedAt: 1 }); // VIP urgent 4 from the table, no mode → NORMAL
    expect(get(d1)).toMatchObject({ deadlineLeadSeconds: 5 * DAY, mode: 'URGENT' }); // Other urgent 5
    expect(get(d2)).toMatchObject({ deadlineLeadSeconds: 2 * DAY, status: 'failed' });
    expect(get(o1)).toMatchObject({ deadlineLeadSeconds: 3 * DAY, attempts: 0 }); // General urgent 3, NORMAL
    expect(get(a1).attempts).toBe(0);
    expect(get(a2).attempts).toBe(0);
    expect(get(a3)).toMatchObject({ attempts: 100, status: 'failed' });

    expect(await states(nearMisses)).toEqual(before);

    const again = await previewCleanup(t.db);
    expect(again.rules.map((rule) => [rule.id, rule.count, rule.sampleIds])).toEqual(CLEANUP_RULE_IDS.map((id) => [id, 0, []]));
    const after1 = await validateIntegrity(t.db);
    expect(after1.passed).toBe(true);
    expect(after1.checkedAt).toBeInstanceOf(Date);
  });

  it('takes the lease timeout as a parameter, and runs only the rules named, in the defined order', async () => {
    const fresh = await one();
    await poolDirectly(t.admin, [fresh], { status: 'processing', attempts: 1, claimedBy: 'w', claimedSecondsAgo: 900 });
    const byDefault = await previewCleanup(t.db, { rules: ['stuck-processing'] });
    expect(byDefault.rules).toEqual([expect.objectContaining({ id: 'stuck-processing', count: 0 })]);

    const short = await previewCleanup(t.db, { rules: ['attempts-out-of-range', 'stuck-processing'], leaseTimeoutSeconds: 600 });
    expect(short.rules.map((rule) => [rule.id, rule.count, rule.sampleIds])).toEqual([
      ['stuck-processing', 1, [fresh]],
      ['attempts-out-of-range', 0, []],
    ]);
    expect(short.rules[0]?.detects).toContain('600 s');
    const seen: { rule: string; fixed: number }[] = [];
    const applied = await applyCleanup(t.db, { rules: ['stuck-processing'], leaseTimeoutSeconds: 600, onProgress: (p) => seen.push(p) });
    expect(applied).toEqual({ rules: [{ id: 'stuck-processing', fixed: 1 }], total: 1 });
    expect(seen).toEqual([{ rule: 'stuck-processing', fixed: 1 }]);
    expect(await state(fresh)).toMatchObject({ status: 'waiting', claimedBy: null, attempts: 1 });
  });

  it('refuses unknown rules and bad timeouts, naming the valid rules, before touching anything', async () => {
    const bad = previewCleanup(t.db, { rules: ['stuck-processing', 'everything'] });
    await expect(bad).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining("unknown rule 'everything'") });
    await expect(bad).rejects.toMatchObject({ message: expect.stringContaining(CLEANUP_RULE_IDS.join(', ')) });
    await expect(applyCleanup(t.db, { rules: ['nope'] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(validateIntegrity(t.db, { rules: [] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    for (const leaseTimeoutSeconds of [0, -5, 1.5, Number.NaN]) {
      await expect(applyCleanup(t.db, { leaseTimeoutSeconds })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
  });

  it('finds and fixes what the lifecycle never produces: a lease off processing, a claim without an attempt or an owner', async () => {
    await t.admin.query('UPDATE BOOKING_PLAN SET POOL_STATUS = NULL, POOL_ENTRY_TIME = NULL, POOL_DEADLINE_TIME = NULL, POOL_MODE = NULL, POOL_PROCESSING_ATTEMPTS = 0, POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL, POOL_LAST_ERROR = NULL');
    const pool = (id: number, s: Parameters<typeof poolDirectly>[2]) => poolDirectly(t.admin, [id], s);
    const live = { claimedBy: 'w-live', claimedSecondsAgo: 60 };
    const stale = { claimedBy: 'w-dead', claimedSecondsAgo: 7200 };

    // lease-on-idle-entry: waiting, ready and failed entries holding an owner, a claim time, or both
    const e1 = await one();
    await pool(e1, { status: 'waiting', attempts: 1, ...live });
    const e2 = await one();
    await pool(e2, { status: 'failed', attempts: 3 });
    await set(e2, 'POOL_CLAIMED_AT = UTC_TIMESTAMP()');
    const e3 = await one();
    await pool(e3, { status: 'ready', claimedBy: 'w-gone', claimedSecondsAgo: null });
    // a started meeting's waiting entry with a lease: meeting-started takes it (and clears the lease), counted there only
    const e4 = await one({ startInHours: -1 });
    await pool(e4, { status: 'waiting', ...live });

    // processing-without-attempt: a live claim with attempts 0, or NULL (which attempts-out-of-range first makes 0)
    const p1 = await one();
    await pool(p1, { status: 'processing', attempts: 0, ...live });
    const p2 = await one();
    await pool(p2, { status: 'processing', attempts: 1, ...live });
    await set(p2, 'POOL_PROCESSING_ATTEMPTS = NULL');
    // a stale one goes back to waiting under stuck-processing instead (0 attempts is fine on waiting)
    const p3 = await one();
    await pool(p3, { status: 'processing', attempts: 0, ...stale });

    // processing-without-owner: a fresh claim time but nobody who could finish it
    const w1 = await one();
    await pool(w1, { status: 'processing', attempts: 2, ...live });
    await set(w1, 'POOL_CLAIMED_BY = NULL');
    // near misses: a healthy claim, and an ownerless one of a started meeting (meeting-started takes it once its claim time is stale)
    const nw1 = await one();
    await pool(nw1, { status: 'processing', attempts: 1, ...live });
    const nw2 = await one({ startInHours: -1 });
    await pool(nw2, { status: 'processing', attempts: 1, ...live });
    await set(nw2, 'POOL_CLAIMED_BY = NULL');
    const untouched = await states([nw1, nw2]);

    const report = await validateIntegrity(t.db);
    expect(report.passed).toBe(false);
    const counts = Object.fromEntries(report.rules.map((rule) => [rule.id, rule.sampleIds]));
    expect(counts).toMatchObject({
      'lease-on-idle-entry': [e1, e2, e3],
      'processing-without-attempt': [p1, p2],
      'processing-without-owner': [w1],
      'meeting-started': [e4],
      'stuck-processing': [p3],
      'attempts-out-of-range': [p2],
    });

    const preview = await previewCleanup(t.db);
    const applied = await applyCleanup(t.db, { counter: committedCounter() });
    expect(applied.rules).toEqual(preview.rules.map((rule) => ({ id: rule.id, fixed: rule.count })));

    const after = await states([e1, e2, e3, e4, p1, p2, p3, w1]);
    expect(after.get(e1)).toMatchObject({ status: 'waiting', claimedBy: null, claimedAt: null, attempts: 1 });
    expect(after.get(e2)).toMatchObject({ status: 'failed', claimedBy: null, claimedAt: null, attempts: 3 });
    expect(after.get(e3)).toMatchObject({ status: 'ready', claimedBy: null, claimedAt: null });
    expect(after.get(e4)).toMatchObject({ status: 'failed', claimedBy: null, claimedAt: null, lastError: MEETING_STARTED_ERROR });
    expect(after.get(p1)).toMatchObject({ status: 'processing', claimedBy: 'w-live', attempts: 1 });
    expect(after.get(p2)).toMatchObject({ status: 'processing', claimedBy: 'w-live', attempts: 1 });
    expect(after.get(p3)).toMatchObject({ status: 'waiting', claimedBy: null, attempts: 0 });
    expect(after.get(w1)).toMatchObject({ status: 'waiting', claimedBy: null, claimedAt: null, attempts: 2 });
    expect(await states([nw1, nw2])).toEqual(untouched);
    expect((await validateIntegrity(t.db)).passed).toBe(true);
  });

  it('fixes more than a batch of rows in several bounded statements', async () => {
    const ids = await insertBookings(t.admin, { count: 2500 });
    await poolDirectly(t.admin, ids, { status: 'waiting', attempts: -1 });
    const preview = await previewCleanup(t.db, { rules: ['attempts-out-of-range'] });
    expect(preview.rules[0]).toMatchObject({ count: 2500, sampleIds: ids.slice(0, 20) });

    const statements = () => t.db.latency.summary().find((s) => s.name === 'cleanup.apply.attempts-out-of-range')?.count ?? 0;
    const statementsBefore = statements();
    const seen: number[] = [];
    const progress = committedCounter();
    const applied = await applyCleanup(t.db, { rules: ['attempts-out-of-range'], counter: progress, onProgress: (p) => seen.push(p.fixed) });
    expect(applied.total).toBe(2500);
    expect(progress.affectedRows).toBe(2500);
    expect(seen).toEqual([1000, 2000, 2500]);
    expect(statements() - statementsBefore).toBe(3);
    const [[counted]] = await t.admin.query<RowDataPacket[]>(
      'SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) AND POOL_PROCESSING_ATTEMPTS = 0',
      [ids],
    );
    expect(Number(counted?.n)).toBe(2500);
    expect((await validateIntegrity(t.db)).passed).toBe(true);
  });
});
