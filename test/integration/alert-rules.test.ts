import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { alertOverview, readAlertEvents } from '../../src/core/alerts/alert-events.js';
import { readAlertRules, updateAlertRule } from '../../src/core/alerts/alert-rules.js';
import { evaluateAlerts } from '../../src/core/alerts/evaluate.js';
import { Database } from '../../src/core/db/database.js';
import { readPoolHealth } from '../../src/core/health/pool-health.js';
import { MetricsRecorder } from '../../src/core/metrics/metrics-recorder.js';
import { PoolMigrator } from '../../src/core/schema/migrator.js';
import { PoolError } from '../../src/shared/errors.js';
import { ALERT_KINDS, DEFAULT_ALERT_RULES, type AlertEvent, type AlertKind } from '../../src/shared/results/alerts.js';
import { hostSchemaSql } from '../fixtures/host-schema.js';
import { freshDatabase } from '../helpers/database.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';

/*
 * Each alert rule fires on crafted data and resolves once the data is fixed, evaluated as the
 * recorder's leader does (evaluateAlerts on the leader's Database). Only the rule under test is
 * switched on, so the others' figures cannot add events. Waits poll with generous deadlines.
 */
const t = poolDatabase();
const ops = { actor: 'ops@alerts-test', reason: 'INC-77 alert rules test' };
const GENEROUS = { timeout: 60_000, interval: 100 };

async function rows<T>(sql: string, values: unknown[] = []): Promise<T[]> {
  const [result] = await t.admin.query<RowDataPacket[]>(sql, values);
  return result as T[];
}

/** Only `kind` switched on, with its threshold and window. */
async function only(kind: AlertKind, threshold: number, windowMinutes: number): Promise<void> {
  await t.admin.query('UPDATE POOL_ALERT_RULES SET ENABLED = (KIND = ?)', [kind]);
  await t.admin.query('UPDATE POOL_ALERT_RULES SET THRESHOLD = ?, WINDOW_MINUTES = ? WHERE KIND = ?', [threshold, windowMinutes, kind]);
}

/** The events of `kind`, oldest first. */
async function eventsOf(kind: AlertKind): Promise<AlertEvent[]> {
  return (await readAlertEvents(t.db, { kind, limit: 100 })).reverse();
}

/** Evaluates as the leader, `times` times in a row; the events of `kind` after. */
async function evaluate(kind: AlertKind, times = 1): Promise<AlertEvent[]> {
  for (let i = 0; i < times; i += 1) await evaluateAlerts(t.db);
  return eventsOf(kind);
}

/** A recorded raw row `secondsAgo` (database clock) with these running event totals. */
async function sample(secondsAgo: number, totals: { claimed?: number; failed?: number } | null, intervalMs = 10_000): Promise<void> {
  const json = totals === null ? null : JSON.stringify({ entered: 0, claimed: 0, completed: 0, failed: 0, retried: 0, removed: 0, reset: 0, ...totals });
  await t.admin.query(
    `INSERT INTO POOL_METRICS (RESOLUTION, SAMPLE_TIME, RECORDER_ID, IN_POOL, WAITING, READY, PROCESSING, FAILED, ELIGIBLE, OVERDUE,
       EXPIRED_LEASES, FAILED_AT_MAX, DUE_1H, DUE_6H, DUE_24H, EVENT_TOTALS, SAMPLE_MS, INTERVAL_MS)
     VALUES (10, UTC_TIMESTAMP(3) - INTERVAL ? MICROSECOND, 'alerts test', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ?, 1, ?)`,
    [Math.round(secondsAgo * 1_000_000), json, intervalMs],
  );
}

const states = (events: AlertEvent[]) => events.map((event) => event.state);

beforeEach(async () => {
  await t.pool.clearPool({ confirm: t.name, audit: ops });
  await t.admin.query('UPDATE POOL_CONTROL SET PAUSED = 0, PAUSED_BY = NULL, PAUSE_REASON = NULL, PAUSED_AT = NULL, RESUME_AT = NULL');
  await t.admin.query('DELETE FROM POOL_ALERT_EVENTS');
  await t.admin.query('DELETE FROM POOL_METRICS');
});

describe('each rule fires on crafted data and resolves once it is fixed', () => {
  it('deadline-unclaimed: meetings within the window waiting, then claimed', async () => {
    await only('deadline-unclaimed', 2, 360);
    const soon = await insertBookings(t.admin, { count: 3, startInHours: 2 });
    const later = await insertBookings(t.admin, { count: 4, startInHours: 30 });
    await poolDirectly(t.admin, soon, { status: 'waiting', deadlineHoursFromNow: -1 });
    await poolDirectly(t.admin, later, { status: 'waiting', deadlineHoursFromNow: -1 });

    const fired = await evaluate('deadline-unclaimed', 3);
    expect(states(fired)).toEqual(['firing']);
    expect(fired[0]).toMatchObject({ value: 3, message: expect.stringContaining('3 entries whose meeting starts within 6 h are not being claimed') });

    await poolDirectly(t.admin, soon.slice(0, 2), { status: 'processing', claimedBy: 'w1', claimedSecondsAgo: 5 });
    const resolved = await evaluate('deadline-unclaimed', 2);
    expect(states(resolved)).toEqual(['firing', 'resolved']);
    expect(resolved[1]).toMatchObject({ value: 1 });
  });

  it('stuck-leases: leases older than the window, then renewed', async () => {
    await only('stuck-leases', 2, 30);
    const ids = await insertBookings(t.admin, { count: 4 });
    await poolDirectly(t.admin, ids.slice(0, 3), { status: 'processing', claimedBy: 'dead-worker', claimedSecondsAgo: 3600 });
    await poolDirectly(t.admin, ids.slice(3), { status: 'processing', claimedBy: 'live-worker', claimedSecondsAgo: 60 });

    const fired = await evaluate('stuck-leases', 2);
    expect(fired).toMatchObject([{ state: 'firing', value: 3, message: expect.stringContaining('3 leases held longer than 30 min') }]);

    await poolDirectly(t.admin, ids.slice(0, 3), { status: 'waiting', deadlineHoursFromNow: 5 });
    expect(states(await evaluate('stuck-leases', 2))).toEqual(['firing', 'resolved']);
  });

  it('failure-rate: failures per minute over the window from the recorded totals, then a quiet window', async () => {
    await only('failure-rate', 5, 5);
    await sample(290, { failed: 100 });
    await sample(0, { failed: 140 });

    const fired = await evaluate('failure-rate', 2);
    expect(fired).toMatchObject([{ state: 'firing', value: 8, message: expect.stringContaining('8 failures per minute over 5 min (40 failures') }]);

    await t.admin.query('DELETE FROM POOL_METRICS');
    await sample(290, { failed: 140 });
    await sample(0, { failed: 150 });
    const resolved = await evaluate('failure-rate', 2);
    expect(states(resolved)).toEqual(['firing', 'resolved']);
    expect(resolved[1]).toMatchObject({ value: 2 });
  });

  it('no-claims: eligible entries and no claim over the whole window, then a claim; a pause is not a stall', async () => {
    await only('no-claims', 2, 15);
    const ids = await insertBookings(t.admin, { count: 3 });
    await poolDirectly(t.admin, ids, { status: 'ready' });
    // rows for only the last 5 minutes: not enough history to judge 15 minutes
    await sample(300, { claimed: 500 });
    await sample(0, { claimed: 500 });
    expect(await evaluate('no-claims', 2)).toEqual([]);

    await sample(895, { claimed: 500 });
    const fired = await evaluate('no-claims', 2);
    expect(fired).toMatchObject([{ state: 'firing', value: 3, message: expect.stringContaining('no claim for 15 min while 3 entries are eligible') }]);

    await sample(0, { claimed: 501 });
    expect(states(await evaluate('no-claims', 2))).toEqual(['firing', 'resolved']);

    // the same stall while the whole pool is paused: not this rule's alarm
    await t.admin.query('DELETE FROM POOL_METRICS');
    await sample(895, { claimed: 501 });
    await sample(0, { claimed: 501 });
    await t.admin.query("UPDATE POOL_CONTROL SET PAUSED = 1, PAUSED_BY = 'ops', PAUSED_AT = UTC_TIMESTAMP(3) WHERE SCOPE = 'ALL'");
    expect(states(await evaluate('no-claims', 2))).toEqual(['firing', 'resolved']);
    await t.admin.query("UPDATE POOL_CONTROL SET PAUSED = 0 WHERE SCOPE = 'ALL'");
    expect(states(await evaluate('no-claims'))).toEqual(['firing', 'resolved', 'firing']);
  });

  it('paused-too-long: a pause in force longer than the window, then resumed', async () => {
    await only('paused-too-long', 0, 60);
    await t.admin.query("UPDATE POOL_CONTROL SET PAUSED = 1, PAUSED_BY = 'ops@desk', PAUSE_REASON = 'INC-9', PAUSED_AT = UTC_TIMESTAMP(3) - INTERVAL 10 MINUTE WHERE SCOPE = 'URGENT'");
    expect(await evaluate('paused-too-long')).toEqual([]);

    await t.admin.query("UPDATE POOL_CONTROL SET PAUSED_AT = UTC_TIMESTAMP(3) - INTERVAL 2 HOUR WHERE SCOPE = 'URGENT'");
    const fired = await evaluate('paused-too-long', 2);
    expect(fired).toMatchObject([{ state: 'firing', message: expect.stringContaining('Claiming paused for URGENT') }]);
    expect(fired[0]!.value).toBeGreaterThanOrEqual(120);

    await t.admin.query("UPDATE POOL_CONTROL SET PAUSED = 0 WHERE SCOPE = 'URGENT'");
    expect(states(await evaluate('paused-too-long', 2))).toEqual(['firing', 'resolved']);
  });

  it('recorder-gap: a follower reports the gap while it lasts; the leader resolves it when rows come again', async () => {
    await only('recorder-gap', 0, 5);
    await sample(3600, null);
    await sample(600, null);
    // a follower's pass: recorder-gap only, not the leader's evaluation time
    await evaluateAlerts(t.db, { kinds: ['recorder-gap'], markEvaluated: false });
    await evaluateAlerts(t.db, { kinds: ['recorder-gap'], markEvaluated: false });
    const fired = await eventsOf('recorder-gap');
    expect(fired).toMatchObject([{ state: 'firing', message: expect.stringContaining('no pool sample recorded since') }]);
    expect(fired[0]!.value).toBeGreaterThanOrEqual(10);

    await sample(0, null);
    const resolved = await evaluate('recorder-gap', 2);
    expect(states(resolved)).toEqual(['firing', 'resolved']);
    expect(resolved[1]!.message).toContain('recording again');
  });

  it('recorder-gap: a gap nobody saw is written by the next leader as a firing and a resolved event', async () => {
    await only('recorder-gap', 0, 5);
    await sample(1200, null);
    await sample(0, null);
    const events = await evaluate('recorder-gap', 3);
    expect(states(events)).toEqual(['firing', 'resolved']);
    expect(events[0]!.message).toContain('no pool sample recorded from');
    expect(events[0]!.value).toBeGreaterThanOrEqual(19);
    // fired when the gap passed the window (5 min after the last row before it), resolved now
    expect(events[1]!.at.getTime() - events[0]!.at.getTime()).toBeGreaterThan(14 * 60_000);
  });

  it('a rule switched off while firing resolves at the next evaluation', async () => {
    await only('stuck-leases', 0, 30);
    const ids = await insertBookings(t.admin, { count: 1 });
    await poolDirectly(t.admin, ids, { status: 'processing', claimedBy: 'dead-worker', claimedSecondsAgo: 7200 });
    expect(states(await evaluate('stuck-leases'))).toEqual(['firing']);
    expect((await alertOverview(t.db)).firing.map((event) => event.kind)).toEqual(['stuck-leases']);

    await updateAlertRule(t.db, { kind: 'stuck-leases', enabled: false, ...ops });
    const events = await evaluate('stuck-leases', 2);
    expect(events).toMatchObject([{ state: 'firing' }, { state: 'resolved', message: 'rule switched off by ops@alerts-test' }]);
    expect((await alertOverview(t.db)).firing).toEqual([]);
  });
});

describe('the health model', () => {
  it('a firing alert is a degraded finding, gone once it resolves', async () => {
    await only('stuck-leases', 0, 30);
    const ids = await insertBookings(t.admin, { count: 1 });
    await poolDirectly(t.admin, ids, { status: 'processing', claimedBy: 'dead-worker', claimedSecondsAgo: 7200 });
    await evaluateAlerts(t.db);
    const firing = await readPoolHealth(t.db, { leaseSeconds: 3600, maxAttempts: 3, plans: false });
    expect(firing.state).toBe('degraded');
    expect(firing.findings.filter((f) => f.code === 'alert-firing')).toEqual([
      { code: 'alert-firing', severity: 'degraded', message: expect.stringMatching(/^FIRING Stuck leases: 1 lease held longer than 30 min/), items: ['stuck-leases'] },
    ]);

    await poolDirectly(t.admin, ids, { status: 'waiting', deadlineHoursFromNow: 5 });
    await evaluateAlerts(t.db);
    const resolved = await readPoolHealth(t.db, { leaseSeconds: 3600, maxAttempts: 3, plans: false });
    expect(resolved.findings.map((f) => f.code)).not.toContain('alert-firing');
  });
});

describe('one event per state change', () => {
  let others: Database[];
  beforeAll(() => {
    others = [new Database(t.profile), new Database(t.profile), new Database(t.profile)];
  });
  afterAll(async () => {
    await Promise.all(others.map((db) => db.close()));
  });

  it('evaluators racing (a leadership hand-over, followers beside the leader) write each change once', async () => {
    await only('stuck-leases', 0, 30);
    const ids = await insertBookings(t.admin, { count: 2 });
    await poolDirectly(t.admin, ids, { status: 'processing', claimedBy: 'dead-worker', claimedSecondsAgo: 7200 });
    for (let round = 0; round < 5; round += 1) await Promise.all([t.db, ...others].map((db) => evaluateAlerts(db)));
    expect(states(await eventsOf('stuck-leases'))).toEqual(['firing']);

    await poolDirectly(t.admin, ids, { status: 'waiting', deadlineHoursFromNow: 5 });
    for (let round = 0; round < 5; round += 1) await Promise.all([t.db, ...others].map((db) => evaluateAlerts(db)));
    expect(states(await eventsOf('stuck-leases'))).toEqual(['firing', 'resolved']);
  });

  it('two recorders on one database: the leader evaluates after each row, and the firing is written once', async () => {
    await only('stuck-leases', 0, 30);
    await t.admin.query('UPDATE POOL_ALERT_RULES SET EVALUATED_AT = NULL');
    const ids = await insertBookings(t.admin, { count: 2 });
    await poolDirectly(t.admin, ids, { status: 'processing', claimedBy: 'dead-worker', claimedSecondsAgo: 7200 });
    const recorders = others.slice(0, 2).map((db, i) => new MetricsRecorder(db, { role: `alerts-${i}`, intervalMs: 200 }));
    try {
      for (const recorder of recorders) recorder.start();
      await vi.waitFor(async () => expect(await eventsOf('stuck-leases')).toHaveLength(1), GENEROUS);
      // several more rows, each followed by an evaluation that agrees: still one event
      const metricsRows = async () => Number((await rows<{ n: number }>('SELECT COUNT(*) AS n FROM POOL_METRICS'))[0]!.n);
      const before = await metricsRows();
      await vi.waitFor(async () => expect(await metricsRows()).toBeGreaterThan(before + 3), GENEROUS);
      expect(states(await eventsOf('stuck-leases'))).toEqual(['firing']);
      const overview = await alertOverview(t.db);
      expect(overview.evaluatedAt).toBeInstanceOf(Date);
      expect(recorders.map((recorder) => recorder.state().alertError ?? null)).toEqual([null, null]);
    } finally {
      await Promise.all(recorders.map((recorder) => recorder.stop()));
    }
  });
});

describe('a failing evaluation', () => {
  it('does not stop the recording: the recorder says why in alertError, and clears it once evaluation works again', async () => {
    const db = new Database(t.profile);
    const failures: unknown[] = [];
    const recorder = new MetricsRecorder(db, { role: 'alerts-failing', intervalMs: 200, onAlertError: (error) => failures.push(error) });
    const metricsRows = async () => Number((await rows<{ n: number }>('SELECT COUNT(*) AS n FROM POOL_METRICS'))[0]!.n);
    try {
      // a column the evaluation reads is gone (a DBA's mistake): every evaluation fails
      await t.admin.query('ALTER TABLE POOL_ALERT_EVENTS CHANGE FIGURE FIGURE_GONE DOUBLE NOT NULL');
      recorder.start();
      await vi.waitFor(() => expect(recorder.state().alertError?.message).toMatch(/FIGURE/), GENEROUS);
      const before = await metricsRows();
      await vi.waitFor(async () => expect(await metricsRows()).toBeGreaterThan(before + 2), GENEROUS);
      expect(recorder.state()).toMatchObject({ role: 'leader', lastError: null });
      expect(failures).toHaveLength(1); // reported once, not once per row

      await t.admin.query('ALTER TABLE POOL_ALERT_EVENTS CHANGE FIGURE_GONE FIGURE DOUBLE NOT NULL');
      await vi.waitFor(() => expect(recorder.state().alertError).toBeNull(), GENEROUS);
    } finally {
      await recorder.stop();
      await db.close();
      await t.admin.query('ALTER TABLE POOL_ALERT_EVENTS CHANGE FIGURE_GONE FIGURE DOUBLE NOT NULL').catch(() => undefined);
    }
  });
});

describe('the rules are shared and their changes audited', () => {
  it('a change made through one console is what every console reads, with who and when; the audit log has the reason', async () => {
    const other = new Database(t.profile);
    try {
      const changed = await updateAlertRule(t.db, { kind: 'failure-rate', threshold: 12.5, windowMinutes: 10, enabled: true, actor: 'ops@desk-1', reason: 'CHG-12 noisy at 5/min' });
      expect(changed).toMatchObject({ kind: 'failure-rate', enabled: true, threshold: 12.5, windowMinutes: 10, updatedBy: 'ops@desk-1' });
      expect(changed.updatedAt).toBeInstanceOf(Date);
      const seen = (await readAlertRules(other)).find((rule) => rule.kind === 'failure-rate');
      expect(seen).toEqual(changed);
      expect((await alertOverview(other)).rules.map((rule) => rule.kind)).toEqual([...ALERT_KINDS]);
      const [audit] = await rows<{ action: string; reason: string; actor: string; parameters: string; affected: number }>(
        "SELECT ACTION AS action, REASON AS reason, ACTOR AS actor, PARAMETERS AS parameters, AFFECTED_ROWS AS affected FROM POOL_AUDIT_LOG WHERE ACTION = 'alerts.rule-update' ORDER BY AUDIT_ID DESC LIMIT 1",
      );
      expect(audit).toMatchObject({ action: 'alerts.rule-update', reason: 'CHG-12 noisy at 5/min', actor: 'ops@desk-1', affected: 1 });
      expect(typeof audit!.parameters === 'string' ? JSON.parse(audit!.parameters) : audit!.parameters).toEqual({ kind: 'failure-rate', threshold: 12.5, windowMinutes: 10, enabled: true });
    } finally {
      await other.close();
    }
  });

  it('refuses a change without a reason, or out of range, and changes nothing', async () => {
    const before = await readAlertRules(t.db);
    const noReason = await updateAlertRule(t.db, { kind: 'no-claims', threshold: 3 }).catch((error: unknown) => error);
    expect(noReason).toBeInstanceOf(PoolError);
    expect(noReason).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('reason') });
    const outOfRange = await updateAlertRule(t.db, { kind: 'no-claims', windowMinutes: 0, ...ops }).catch((error: unknown) => error);
    expect(outOfRange).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await readAlertRules(t.db)).toEqual(before);
  });
});

describe('before migration 0009', () => {
  const old = freshDatabase();
  let db: Database;
  beforeAll(async () => {
    await old.admin.query(hostSchemaSql('bare'));
    db = new Database(old.profile);
    await new PoolMigrator(db).up({ to: '0008-pool-workers' });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('answers available: false, no events, evaluates nothing, and refuses a rule change with NO_TABLE', async () => {
    expect(await alertOverview(db)).toEqual({ available: false, rules: [], firing: [], evaluatedAt: null });
    expect(await readAlertEvents(db, {})).toEqual([]);
    expect(await evaluateAlerts(db)).toBeNull();
    await expect(updateAlertRule(db, { kind: 'stuck-leases', threshold: 1, ...ops })).rejects.toMatchObject({ code: 'NO_TABLE', message: expect.stringContaining('0009-pool-alerts') });
  });

  it('the migration seeds the shipped defaults, unedited', async () => {
    await new PoolMigrator(db).up();
    const rules = await readAlertRules(db);
    expect(rules).toEqual(ALERT_KINDS.map((kind) => ({ kind, ...DEFAULT_ALERT_RULES[kind], updatedBy: null, updatedAt: null })));
    expect(await alertOverview(db)).toMatchObject({ available: true, firing: [], evaluatedAt: null });
  });
});
