import { WHOLE_POOL, type PauseState } from '../../shared/results/control.js';
import type { AlertKind, AlertRule } from '../../shared/results/alerts.js';
import { describePause } from '../../shared/pause-text.js';
import { formatUtc } from '../../shared/format.js';
import { plural } from '../../shared/plural.js';
import { pauseState } from '../control/pool-control.js';
import type { Database } from '../db/database.js';
import { METRICS_TABLE } from '../metrics/metrics-model.js';
import { eligibleSql, expiredLeaseSql } from '../pool/conditions.js';
import { POOL_EVENTS, type PoolEvent } from '../pool/pool-types.js';
import { readWithPoolColumns, type PoolColumns } from '../schema/pool-columns.js';

/*
 * What each alert rule measures, from the database at one instant (`now`, the database clock read
 * once per evaluation), with the pool's one definition of each condition (conditions.ts) and the
 * recorded rows (POOL_METRICS) for rates. Each measure says whether its rule fires, the figure, and
 * one line a person can act on; null when it cannot judge (then the rule's state is left as it is).
 * The statements are exported so index health can explain the text that runs.
 */

export interface Judgement {
  firing: boolean;
  value: number;
  message: string;
  /**
   * A whole firing that began and ended between two evaluations (a recorder gap that nobody was
   * there to report): written as a firing event at `firedAt` and a resolved one now, unless an event
   * of the kind was written since `since` (someone reported it while it lasted).
   */
  episode?: { since: Date; firedAt: Date; value: number; message: string };
}

export interface Instant {
  now: Date;
  /** The pause state, read at most once per evaluation (two rules use it). */
  pauses: () => Promise<PauseState>;
}

/**
 * A time as SQL text to the millisecond: a Date replacement would be written to the second, and
 * `SAMPLE_TIME <= :now` would then miss the row written in the same second.
 */
export const sqlTime = (date: Date): string => date.toISOString().slice(0, 23).replace('T', ' ');

const minutes = (ms: number) => Math.round(ms / 6_000) / 10;
const window = (rule: AlertRule) => (rule.windowMinutes % 60 === 0 ? `${rule.windowMinutes / 60} h` : `${rule.windowMinutes} min`);

/**
 * In the pool, not being claimed (not processing), and the meeting starts within the window. Read
 * through the claim index's deadline range: a deadline is computed from the meeting's start and is
 * never after it, so an entry due within the window has its deadline within it too (an entry whose
 * deadline is after its meeting is an integrity finding of its own, not counted here).
 */
export const DEADLINE_UNCLAIMED_SQL = `SELECT COUNT(*) AS n FROM BOOKING_PLAN
 WHERE POOL_STATUS IN ('waiting', 'ready', 'failed') AND POOL_DEADLINE_TIME <= :until
   AND TIME_START > :now AND TIME_START <= :until`;

async function deadlineUnclaimed(db: Database, rule: AlertRule, at: Instant): Promise<Judgement> {
  const until = new Date(at.now.getTime() + rule.windowMinutes * 60_000);
  const [row] = await db.select<{ n: number }>('alerts.deadline-unclaimed', DEADLINE_UNCLAIMED_SQL, { replacements: { now: sqlTime(at.now), until: sqlTime(until) } });
  const n = Number(row?.n ?? 0);
  return {
    firing: n > rule.threshold,
    value: n,
    message: `${plural(n, 'entry', 'entries')} whose meeting starts within ${window(rule)} ${n === 1 ? 'is' : 'are'} not being claimed (waiting, ready or failed; alert above ${rule.threshold})`,
  };
}

/** Processing entries whose lease is older than the rule's window: the stats' "expired leases" at that lease time. */
export function stuckLeasesSql(columns: PoolColumns): string {
  return `SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE ${expiredLeaseSql(columns, { now: ':now', seconds: ':seconds' })}`;
}

async function stuckLeases(db: Database, rule: AlertRule, at: Instant): Promise<Judgement> {
  const [row] = await readWithPoolColumns(db, (columns) =>
    db.select<{ n: number }>('alerts.stuck-leases', stuckLeasesSql(columns), { replacements: { now: sqlTime(at.now), seconds: rule.windowMinutes * 60 } }),
  );
  const n = Number(row?.n ?? 0);
  return {
    firing: n > rule.threshold,
    value: n,
    message: `${plural(n, 'lease')} held longer than ${window(rule)} (stuck: the worker probably died; alert above ${rule.threshold})`,
  };
}

/** The first raw row of the window (oldest first on the primary key) and the newest one, with their running event totals. */
export const WINDOW_TOTALS_SQL = `(SELECT 'first' AS edge, SAMPLE_TIME AS time, INTERVAL_MS AS intervalMs, EVENT_TOTALS AS totals FROM ${METRICS_TABLE}
   WHERE RESOLUTION = 10 AND SAMPLE_TIME >= :from AND SAMPLE_TIME <= :now ORDER BY SAMPLE_TIME LIMIT 1)
 UNION ALL
 (SELECT 'last' AS edge, SAMPLE_TIME AS time, INTERVAL_MS AS intervalMs, EVENT_TOTALS AS totals FROM ${METRICS_TABLE}
   WHERE RESOLUTION = 10 AND SAMPLE_TIME >= :from AND SAMPLE_TIME <= :now ORDER BY SAMPLE_TIME DESC LIMIT 1)`;

interface WindowEvents {
  /** Events between the window's first and last rows (from the running totals, so a gap between loses none). */
  counts: Record<PoolEvent, number>;
  /** Whether the rows reach back to the window's start (within two of its first row's intervals). */
  covered: boolean;
  first: Date;
}

/** The events of the last `windowMinutes` from the recorded rows; null when no row with event totals is in the window. */
async function windowEvents(db: Database, now: Date, windowMinutes: number): Promise<WindowEvents | null> {
  const from = new Date(now.getTime() - windowMinutes * 60_000);
  const rows = await db.select<{ edge: string; time: Date; intervalMs: number; totals: unknown }>('alerts.window-totals', WINDOW_TOTALS_SQL, { replacements: { from: sqlTime(from), now: sqlTime(now) } });
  const first = rows.find((row) => row.edge === 'first');
  const last = rows.find((row) => row.edge === 'last');
  const before = totalsOf(first?.totals);
  const after = totalsOf(last?.totals);
  if (!first || !before || !after) return null;
  const counts = Object.fromEntries(POOL_EVENTS.map((event) => [event, (after[event] ?? 0) - (before[event] ?? 0)])) as Record<PoolEvent, number>;
  // the counters were reset or recreated inside the window: no count can be trusted
  if (POOL_EVENTS.some((event) => counts[event] < 0)) return null;
  const firstTime = first.time instanceof Date ? first.time : new Date(first.time);
  const covered = firstTime.getTime() - from.getTime() <= 2 * Math.max(10_000, Number(first.intervalMs));
  return { counts, covered, first: firstTime };
}

/** MariaDB hands JSON back as text, MySQL 8 as an object. */
function totalsOf(value: unknown): Partial<Record<PoolEvent, number>> | null {
  if (value === null || value === undefined) return null;
  return (typeof value === 'string' ? JSON.parse(value) : value) as Partial<Record<PoolEvent, number>>;
}

/**
 * Failures per minute over the window: the failures recorded in it divided by the whole window
 * (so a recorder younger than the window under-states rather than alarms on its first failure).
 */
async function failureRate(db: Database, rule: AlertRule, at: Instant): Promise<Judgement | null> {
  const events = await windowEvents(db, at.now, rule.windowMinutes);
  if (!events) return null;
  const failed = events.counts.failed;
  const rate = Math.round((failed / rule.windowMinutes) * 100) / 100;
  return {
    firing: rate > rule.threshold,
    value: rate,
    message: `${rate.toLocaleString('en-US')} failures per minute over ${window(rule)} (${plural(failed, 'failure')}; alert above ${rule.threshold} per minute)`,
  };
}

/** Eligible entries a claim could take now: eligible, and of no paused mode. */
export function claimableSql(pausedModes: readonly string[]): string {
  return `SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE ${eligibleSql(':now')}${pausedModes.length ? ' AND (POOL_MODE IS NULL OR POOL_MODE NOT IN (:pausedModes))' : ''}`;
}

/**
 * No claim recorded over the whole window while at least `threshold` entries could be claimed. A
 * pause is not a stall (paused-too-long reports it): entries of paused modes are not counted, and
 * a whole-pool pause counts none. Cannot judge (null) until the recorded rows cover the window.
 */
async function noClaims(db: Database, rule: AlertRule, at: Instant): Promise<Judgement | null> {
  const events = await windowEvents(db, at.now, rule.windowMinutes);
  if (!events?.covered) return null;
  const paused = (await at.pauses()).pauses.map((pause) => pause.scope);
  const claims = events.counts.claimed;
  if (paused.includes(WHOLE_POOL)) {
    return { firing: false, value: 0, message: `no entry can be claimed: the whole pool is paused (${plural(claims, 'claim')} in the last ${window(rule)})` };
  }
  const [row] = await db.select<{ n: number }>('alerts.claimable', claimableSql(paused), { replacements: { now: sqlTime(at.now), pausedModes: paused } });
  const eligible = Number(row?.n ?? 0);
  return {
    firing: claims === 0 && eligible >= rule.threshold,
    value: eligible,
    message:
      claims === 0
        ? `no claim for ${window(rule)} while ${plural(eligible, 'entry', 'entries')} ${eligible === 1 ? 'is' : 'are'} eligible${paused.length ? ` (paused modes not counted: ${paused.join(', ')})` : ''}; are the workers running?`
        : `${plural(claims, 'claim')} in the last ${window(rule)}; ${plural(eligible, 'entry', 'entries')} eligible`,
  };
}

/** The longest pause in force, by its start (POOL_CONTROL, the database clock). */
async function pausedTooLong(_db: Database, rule: AlertRule, at: Instant): Promise<Judgement> {
  const state = await at.pauses();
  const longest = state.pauses
    .filter((pause) => pause.since !== null)
    .sort((a, b) => a.since!.getTime() - b.since!.getTime())[0];
  const forMs = longest?.since ? state.measuredAt.getTime() - longest.since.getTime() : 0;
  const value = minutes(forMs);
  return {
    firing: longest !== undefined && forMs > rule.windowMinutes * 60_000,
    value,
    message: longest ? `${describePause(longest, state.measuredAt)} (${value} min; alert after ${window(rule)})` : 'claiming runs: nothing is paused',
  };
}

/** The newest raw row and the one before it: how old the history is, and the gap the newest row ended. */
export const NEWEST_SAMPLES_SQL = `SELECT SAMPLE_TIME AS time, INTERVAL_MS AS intervalMs FROM ${METRICS_TABLE}
 WHERE RESOLUTION = 10 AND SAMPLE_TIME <= :now ORDER BY SAMPLE_TIME DESC LIMIT 2`;

/** Too long without a row: more than the window, and more than twice the newest row's own interval (a backed-off recorder spaces its rows). */
export function isRecorderGap(rule: AlertRule, gapMs: number, intervalMs: number): boolean {
  return gapMs > rule.windowMinutes * 60_000 && gapMs > 2 * intervalMs;
}

/**
 * The age of the newest recorded row. Evaluated by the leader after each row it writes (the age
 * is then about 0: a gap reported by a follower resolves) and by every follower on each pass (a
 * leader that holds the lock but writes nothing, or none at all while a console still runs). A gap
 * nobody saw (no recorder ran) is written by the next leader, from the row before its first, as
 * an episode: firing when it began to exceed the window, resolved now.
 */
async function recorderGap(db: Database, rule: AlertRule, at: Instant): Promise<Judgement | null> {
  const rows = await db.select<{ time: Date; intervalMs: number }>('alerts.newest-samples', NEWEST_SAMPLES_SQL, { replacements: { now: sqlTime(at.now) } });
  const [newest, previous] = rows.map((row) => ({ time: row.time instanceof Date ? row.time : new Date(row.time), intervalMs: Number(row.intervalMs) }));
  if (!newest) return null;
  return judgeGap(rule, at.now, newest, previous);
}

/** The recorder-gap judgement from the newest row (and the one before it, when known). */
export function judgeGap(rule: AlertRule, now: Date, newest: { time: Date; intervalMs: number }, previous?: { time: Date; intervalMs: number }): Judgement {
  const ageMs = Math.max(0, now.getTime() - newest.time.getTime());
  if (isRecorderGap(rule, ageMs, newest.intervalMs)) {
    return {
      firing: true,
      value: minutes(ageMs),
      message: `no pool sample recorded since ${formatUtc(newest.time, { seconds: false })} (${minutes(ageMs)} min; alert after ${window(rule)}): no console or agent is recording, or the recorder cannot write`,
    };
  }
  const resolved: Judgement = { firing: false, value: minutes(ageMs), message: `recording: the newest sample is ${Math.round(ageMs / 1000)} s old` };
  const gapMs = previous ? newest.time.getTime() - previous.time.getTime() : 0;
  if (previous && isRecorderGap(rule, gapMs, previous.intervalMs)) {
    const span = `${formatUtc(previous.time, { seconds: false })} to ${formatUtc(newest.time, { seconds: false })}`;
    resolved.message = `recording again: no pool sample was recorded from ${span} (${minutes(gapMs)} min)`;
    resolved.episode = {
      since: previous.time,
      firedAt: new Date(previous.time.getTime() + rule.windowMinutes * 60_000),
      value: minutes(gapMs),
      message: `no pool sample recorded from ${span} (${minutes(gapMs)} min; alert after ${window(rule)}): no console or agent was recording`,
    };
  }
  return resolved;
}

export type Measure = (db: Database, rule: AlertRule, at: Instant) => Promise<Judgement | null>;

export const MEASURES: Record<AlertKind, Measure> = {
  'deadline-unclaimed': deadlineUnclaimed,
  'stuck-leases': stuckLeases,
  'failure-rate': failureRate,
  'no-claims': noClaims,
  'paused-too-long': pausedTooLong,
  'recorder-gap': recorderGap,
};

export const instantOf = (db: Database, now: Date): Instant => {
  let pauses: Promise<PauseState> | null = null;
  return { now, pauses: () => (pauses ??= pauseState(db)) };
};
