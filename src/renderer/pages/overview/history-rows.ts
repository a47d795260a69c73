import type { StatsSample } from '../../../shared/contract';
import type { PoolEvent } from '../../../shared/pool-types';
import type { HistoryResult, MetricsPoint } from '../../../shared/results/metrics';
import type { PoolStats } from '../../../shared/results/pool';

/** The figures the history charts draw; null where nothing is known (a gap, an unknown event count). */
export const ROW_KEYS = [
  'waiting', 'ready', 'processing', 'failed',
  'eligible', 'overdue', 'expiredLeases',
  'entered', 'claimed', 'completed', 'failedEvents',
  'hour1', 'hours6', 'hours24',
] as const;
export type RowKey = (typeof ROW_KEYS)[number];

/** One x position of the history charts: a recorded row, a live sample, or a gap's break. */
export type HistoryRow = { t: number; source: 'history' | 'live' | 'gap'; estimated: boolean } & Record<RowKey, number | null>;

const EVENT_KEYS: [RowKey, PoolEvent][] = [['entered', 'entered'], ['claimed', 'claimed'], ['completed', 'completed'], ['failedEvents', 'failed']];

const nulls = () => Object.fromEntries(ROW_KEYS.map((key) => [key, null])) as Record<RowKey, null>;

function counts(figures: { byStatus: PoolStats['byStatus']; eligible: number; overdue: number; expiredLeases: number; deadlineWithin: PoolStats['deadlineWithin'] }) {
  return {
    ...figures.byStatus,
    eligible: figures.eligible,
    overdue: figures.overdue,
    expiredLeases: figures.expiredLeases,
    hour1: figures.deadlineWithin.hour1,
    hours6: figures.deadlineWithin.hours6,
    hours24: figures.deadlineWithin.hours24,
  };
}

/** Events per minute of a recorded row: its deltas over the span it stands for; unknown stays null, never 0. */
function eventRates(point: MetricsPoint): Record<RowKey, number | null> {
  const spanMs = point.resolution === 10 ? point.intervalMs || 10_000 : point.resolution * 1000;
  const rates = {} as Record<RowKey, number | null>;
  for (const [key, event] of EVENT_KEYS) {
    const delta = point.events?.[event];
    rates[key] = delta == null ? null : (delta * 60_000) / spanMs;
  }
  return rates;
}

export function historyRow(point: MetricsPoint): HistoryRow {
  return { ...nulls(), ...counts(point), ...eventRates(point), t: point.time.getTime(), source: 'history', estimated: !point.exact };
}

/** A break in every line: recharts draws no segment across a null (connectNulls off). */
export const gapRow = (t: number): HistoryRow => ({ ...nulls(), t, source: 'gap', estimated: false });

type Ok = Extract<StatsSample, { kind: 'ok' }>;

/**
 * The live samples after the recorded rows, one per `stepMs` (the history's resolution, so a long
 * range does not get a point a second); event rates from the running totals between two taken samples.
 */
export function liveTail(samples: readonly StatsSample[], after: number, stepMs: number): HistoryRow[] {
  const rows: HistoryRow[] = [];
  let previous: Ok | null = null;
  for (const sample of samples) {
    if (sample.kind !== 'ok') continue;
    const t = sample.at.getTime();
    if (t <= after || (previous && t - previous.at.getTime() < stepMs)) continue;
    const { stats } = sample;
    const rates = {} as Record<RowKey, number | null>;
    for (const [key, event] of EVENT_KEYS) {
      const before = previous?.stats.eventTotals?.[event];
      const now = stats.eventTotals?.[event];
      const span = previous ? t - previous.at.getTime() : 0;
      rates[key] = before == null || now == null || span <= 0 || now < before ? null : ((now - before) * 60_000) / span;
    }
    rows.push({ ...nulls(), ...counts({ ...stats, eligible: stats.eligibleNow }), ...rates, t, source: 'live', estimated: false });
    previous = sample;
  }
  return rows;
}

/**
 * The chart rows of a history read, oldest first: each recorded row, a null row inside every gap
 * (so no line crosses it, and nothing reads as zero), then the live tail.
 */
export function historyRows(history: HistoryResult, tail: readonly StatsSample[] | null): HistoryRow[] {
  const rows = history.points.map(historyRow);
  for (const gap of history.gaps) rows.push(gapRow(gap.from.getTime()));
  rows.sort((a, b) => a.t - b.t);
  if (tail) {
    const lastRecorded = history.points.at(-1)?.time.getTime() ?? history.from.getTime();
    const live = liveTail(tail, Math.max(lastRecorded, history.to.getTime() - 1), history.resolution * 1000);
    // The live samples begin where the read ended; a pause before them (no recorder since) is a gap too.
    const firstLive = live[0];
    if (firstLive && firstLive.t - lastRecorded > 3 * history.resolution * 1000 && !rows.some((row) => row.source === 'gap' && row.t >= lastRecorded)) {
      rows.push(gapRow(lastRecorded + history.resolution * 1000));
    }
    rows.push(...live);
  }
  return rows;
}

/** Stretches of estimated rows, drawn as marked bands: [first t, last t]. */
export function estimateRuns(rows: readonly HistoryRow[]): [number, number][] {
  const runs: [number, number][] = [];
  let start: number | null = null;
  let last = 0;
  for (const row of rows) {
    if (row.estimated) {
      start ??= row.t;
      last = row.t;
    } else if (start !== null) {
      runs.push([start, last]);
      start = null;
    }
  }
  if (start !== null) runs.push([start, last]);
  return runs;
}
