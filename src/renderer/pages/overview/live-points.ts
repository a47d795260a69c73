import type { StatsSample } from '../../../shared/contract';
import { POOL_EVENTS, type PoolEvent } from '../../../shared/pool-types';
import type { LatencySummary } from '../../../shared/results/latency';
import type { PoolStats } from '../../../shared/results/pool';

/*
 * One chart point per live sample, built once when the sample arrives and never copied, so that
 * a chart update costs one new array of references, not 3,600 new objects.
 */

/**
 * The queries whose latency the Overview plots, as this console runs them: the sampler reads the
 * stats and a ready page each interval; entries pages as they are browsed. Workers' claims run
 * in other processes and are not timed here.
 */
export const KEY_QUERIES = [
  { id: 'stats', label: 'pool.stats', matches: (name: string) => name === 'pool.stats' },
  { id: 'ready', label: 'pool.ready (page of 100)', matches: (name: string) => name === 'pool.ready' },
  { id: 'entries', label: 'pool.entries', matches: (name: string) => name === 'pool.entries' },
] as const;
export type KeyQueryId = (typeof KEY_QUERIES)[number]['id'];
export type LatencyKey = `lat_${KeyQueryId}_${'p50' | 'p95'}`;

/** Net flows: what consecutive counts allow, for a database without event counters (eventTotals null). */
export const NET_FLOWS = [
  { key: 'netInPool', label: 'in pool (entered − left)' },
  { key: 'netEligible', label: 'eligible (newly eligible − claimed)' },
  { key: 'netFailed', label: 'failed (newly failed − retried)' },
] as const;
export type NetFlowKey = (typeof NET_FLOWS)[number]['key'];

/** Event rates: the rise of the running event totals (PoolStats.eventTotals), per minute. */
export const EVENT_FLOWS = [
  { key: 'enteredPerMinute', event: 'entered', label: 'entered' },
  { key: 'claimedPerMinute', event: 'claimed', label: 'claimed' },
  { key: 'completedPerMinute', event: 'completed', label: 'completed' },
  { key: 'failedPerMinute', event: 'failed', label: 'failed' },
] as const satisfies readonly { key: string; event: PoolEvent; label: string }[];
export type EventFlowKey = (typeof EVENT_FLOWS)[number]['key'];

export type StatusKey = 'waiting' | 'ready' | 'processing' | 'failed';
/** The plotted values of a point. */
export type SeriesKey = StatusKey | NetFlowKey | EventFlowKey | LatencyKey;

export type LivePoint = {
  /** The sampler's clock (ms) when the sample started: the time axis. */
  t: number;
  /** The sample itself; null for a gap point (no sample was taken: the page was closed, or sampling stalled). */
  sample: StatsSample | null;
} & Record<SeriesKey, number | null>;

export type OkSample = Extract<StatsSample, { kind: 'ok' }>;

/** A net flow is the change over this trailing span, scaled to a minute. */
export const RATE_SPAN_MS = 60_000;
/** Shorter spans are too noisy to call a rate. */
const MIN_RATE_SPAN_MS = 10_000;
/** Across a longer outage the average says nothing about now. */
const MAX_RATE_SPAN_MS = 5 * 60_000;

const EMPTY: Record<SeriesKey, null> = {
  waiting: null,
  ready: null,
  processing: null,
  failed: null,
  netInPool: null,
  netEligible: null,
  netFailed: null,
  enteredPerMinute: null,
  claimedPerMinute: null,
  completedPerMinute: null,
  failedPerMinute: null,
  lat_stats_p50: null,
  lat_stats_p95: null,
  lat_ready_p50: null,
  lat_ready_p95: null,
  lat_entries_p50: null,
  lat_entries_p95: null,
};

export function isOk(point: LivePoint | undefined): point is LivePoint & { sample: OkSample } {
  return point?.sample?.kind === 'ok';
}

export function gapPoint(t: number): LivePoint {
  return { t, sample: null, ...EMPTY };
}

function latencyFields(latency: LatencySummary[]): Record<LatencyKey, number | null> {
  const fields: Record<string, number | null> = {};
  for (const query of KEY_QUERIES) {
    const runs = latency.filter((summary) => summary.count > 0 && query.matches(summary.name));
    fields[`lat_${query.id}_p50`] = runs.length ? Math.max(...runs.map((summary) => summary.p50)) : null;
    fields[`lat_${query.id}_p95`] = runs.length ? Math.max(...runs.map((summary) => summary.p95)) : null;
  }
  return fields as Record<LatencyKey, number | null>;
}

function eventFields(rates: Record<PoolEvent, number> | null): Record<EventFlowKey, number | null> {
  const fields: Record<string, number | null> = {};
  for (const flow of EVENT_FLOWS) fields[flow.key] = rates ? rates[flow.event] : null;
  return fields as Record<EventFlowKey, number | null>;
}

/** Change per minute of `value` between `reference` and now, or null when the span says nothing. */
/**
 * When a sample's figures were counted (the recorded row's time, database clock), not when the
 * sample arrived: a console reads the newest row every second while the row changes once per
 * recorder interval, so a rate over arrival times would jump at each new row.
 */
export function rateTime(sample: OkSample): number {
  return sample.recordedAt.getTime();
}

export function perMinute(
  now: number,
  value: number,
  reference: LivePoint | undefined,
  read: (sample: OkSample) => number,
  maxSpanMs = MAX_RATE_SPAN_MS,
): number | null {
  if (!isOk(reference)) return null;
  const span = now - rateTime(reference.sample);
  if (span < MIN_RATE_SPAN_MS || span > maxSpanMs) return null;
  return ((value - read(reference.sample)) * 60_000) / span;
}

type EventTotals = PoolStats['eventTotals'];

/**
 * True when `after` can be compared with `before`: both have totals and none went down. A total
 * that went down means the counters started again (their table was dropped and created anew).
 */
export function totalsComparable(before: EventTotals | undefined, after: EventTotals | undefined): boolean {
  return Boolean(before && after && POOL_EVENTS.every((event) => after[event] >= before[event]));
}

/**
 * Events per minute between `reference` and now, or null when the pair says nothing: no totals on
 * either side (a database without the counters, or a back too old to send them), a total that
 * went down, or a span too short or too long.
 */
export function eventRates(now: number, totals: EventTotals | undefined, reference: LivePoint | undefined, maxSpanMs = MAX_RATE_SPAN_MS): Record<PoolEvent, number> | null {
  if (!isOk(reference) || !totals) return null;
  const before = reference.sample.stats.eventTotals;
  if (!before || !totalsComparable(before, totals)) return null;
  const span = now - rateTime(reference.sample);
  if (span < MIN_RATE_SPAN_MS || span > maxSpanMs) return null;
  return Object.fromEntries(POOL_EVENTS.map((event) => [event, ((totals[event] - before[event]) * 60_000) / span])) as Record<PoolEvent, number>;
}

/**
 * The point for a sample. `rateReference` is the last ok point at least RATE_SPAN_MS older, or
 * the oldest one there is.
 */
export function toPoint(sample: StatsSample, rateReference: LivePoint | undefined): LivePoint {
  const t = sample.at.getTime();
  if (sample.kind === 'error') return { ...gapPoint(t), sample };
  const { stats } = sample;
  const counted = rateTime(sample);
  return {
    t,
    sample,
    ...stats.byStatus,
    netInPool: perMinute(counted, stats.inPool, rateReference, (s) => s.stats.inPool),
    netEligible: perMinute(counted, stats.eligibleNow, rateReference, (s) => s.stats.eligibleNow),
    netFailed: perMinute(counted, stats.byStatus.failed, rateReference, (s) => s.stats.byStatus.failed),
    ...eventFields(eventRates(counted, stats.eventTotals, rateReference)),
    ...latencyFields(sample.latency),
  };
}
