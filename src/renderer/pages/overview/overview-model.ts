import type { PoolStats } from '../../../shared/results/pool';
import type { PageId } from '../../app/pages';
import { eventRates, isOk, perMinute, rateTime, totalsComparable, type LivePoint, type OkSample } from './live-points';
import { firstIndexFrom, HOUR_MS, latestOk, okAtOrBefore, REQUESTED_INTERVAL_MS } from './live-series';

/* What the Overview shows, derived from the kept points: the window, the tiles, the deadline risk. */

export const WINDOWS = [
  { id: '5m', label: '5 min', ms: 5 * 60_000 },
  { id: '1h', label: '1 h', ms: HOUR_MS },
] as const;
export type WindowId = (typeof WINDOWS)[number]['id'];

export const DELTA_SPAN_MS = 5 * 60_000;
/** Below this, a change is noise, not a trend. */
const MIN_DELTA_SPAN_MS = 10_000;

/** A stretch of error samples: drawn as a red band, never as zeros. */
export interface ErrorRun {
  from: number;
  to: number;
}

export interface WindowView {
  points: LivePoint[];
  /** The time axis: the window ending at the newest sample (not the wall clock: a paused view stays put). */
  domain: [number, number];
  errorRuns: ErrorRun[];
}

export function windowView(all: readonly LivePoint[], windowMs: number): WindowView {
  const last = all.at(-1);
  if (!last) return { points: [], domain: [0, windowMs], errorRuns: [] };
  const points = all.slice(firstIndexFrom(all, last.t - windowMs));
  const errorRuns: ErrorRun[] = [];
  let open: ErrorRun | null = null;
  for (const point of points) {
    if (point.sample?.kind === 'error') {
      open ??= { from: point.t, to: point.t };
      open.to = point.t;
    } else if (open) {
      open.to = point.t;
      errorRuns.push(open);
      open = null;
    }
  }
  if (open) errorRuns.push({ from: open.from, to: open.to + REQUESTED_INTERVAL_MS });
  const end = Math.max(last.t, ...errorRuns.map((run) => run.to));
  return { points, domain: [end - windowMs, end], errorRuns };
}

export interface TileSpec {
  id: string;
  label: string;
  read: (stats: PoolStats) => number | null;
  format: 'count' | 'duration';
  /** Growth is a growing backlog (warn); null: neither good nor bad. */
  growthIsBad: boolean | null;
  /** A note the figure needs on this schema, e.g. leases judged by entry time before the migrations. */
  note?: (stats: PoolStats) => string | null;
  /** Where clicking the tile goes: the Entries page with its filter. */
  target: { page: PageId; state: Record<string, unknown>; hint: string };
}

export const TILES: readonly TileSpec[] = [
  { id: 'inPool', label: 'In pool', read: (s) => s.inPool, format: 'count', growthIsBad: true, target: { page: 'entries', state: {}, hint: 'all entries' } },
  {
    id: 'eligibleNow',
    label: 'Eligible now',
    read: (s) => s.eligibleNow,
    format: 'count',
    growthIsBad: true,
    // The entries filter has no "eligible": ready entries are the part an operator pushed through.
    target: { page: 'entries', state: { status: 'ready' }, hint: 'ready entries' },
  },
  {
    id: 'processing',
    label: 'Processing',
    read: (s) => s.byStatus.processing,
    format: 'count',
    growthIsBad: null,
    target: { page: 'entries', state: { status: 'processing' }, hint: 'processing entries' },
  },
  { id: 'failed', label: 'Failed', read: (s) => s.byStatus.failed, format: 'count', growthIsBad: true, target: { page: 'entries', state: { status: 'failed' }, hint: 'failed entries' } },
  { id: 'overdue', label: 'Overdue', read: (s) => s.overdue, format: 'count', growthIsBad: true, target: { page: 'entries', state: { overdue: true }, hint: 'overdue entries' } },
  {
    id: 'oldestAge',
    label: 'Oldest age',
    read: (s) => s.oldestEntryAgeSeconds,
    format: 'duration',
    growthIsBad: true,
    // Entries are listed oldest first: the first row is the oldest entry.
    target: { page: 'entries', state: {}, hint: 'entries, oldest first' },
  },
  {
    id: 'expiredLeases',
    label: 'Expired leases',
    read: (s) => s.expiredLeases,
    // Before migration 0003 there is no lease column: the back judges by entry time and says so.
    note: (s) => (s.leaseBasis === 'entry-time' ? 'by entry time' : null),
    format: 'count',
    growthIsBad: true,
    target: { page: 'entries', state: { status: 'processing' }, hint: 'processing entries (expired leases among them)' },
  },
];

export interface TileValue {
  spec: TileSpec;
  /** Null: no sample yet, or the figure does not exist (an empty pool has no oldest entry). */
  value: number | null;
  /** What the value needs said with it: how it was judged on this schema (before the migrations). */
  note: string | null;
  /** Change against the sample about DELTA_SPAN_MS older (or the oldest there is); null while too little is known. */
  delta: number | null;
  deltaSpanMs: number;
}

/** Values from the newest ok sample, never from an error sample. */
export function tileValues(all: readonly LivePoint[]): { latest: OkSample | null; tiles: TileValue[] } {
  const latest = latestOk(all);
  if (!latest) return { latest: null, tiles: TILES.map((spec) => ({ spec, value: null, note: null, delta: null, deltaSpanMs: 0 })) };
  const reference = okAtOrBefore(all, latest.t - DELTA_SPAN_MS) ?? all.find(isOk);
  const span = reference ? latest.t - reference.t : 0;
  return {
    latest: latest.sample,
    tiles: TILES.map((spec) => {
      const value = spec.read(latest.sample.stats);
      const before = reference && span >= MIN_DELTA_SPAN_MS ? spec.read(reference.sample.stats) : null;
      return { spec, value, note: spec.note?.(latest.sample.stats) ?? null, delta: value !== null && before !== null ? value - before : null, deltaSpanMs: span };
    }),
  };
}

/**
 * What the drain time is measured by: the claim rate from the event counters, or — on a database
 * without them (eventTotals null) — the net fall of the eligible count.
 */
export type DrainBasis = 'claims' | 'net';

export type DrainProjection = { basis: DrainBasis } & (
  | { kind: 'empty' }
  | { kind: 'measuring' }
  | { kind: 'not-draining'; ratePerMinute: number }
  | { kind: 'draining'; ratePerMinute: number; seconds: number }
);

/**
 * The sample to measure the claim rate against: the one about five minutes back, or — when the
 * counters started again since (a total went down) or had no totals then — the oldest sample of
 * the last five minutes whose totals compare.
 */
function claimsReference(all: readonly LivePoint[], latest: LivePoint & { sample: OkSample }): LivePoint | undefined {
  const totals = latest.sample.stats.eventTotals;
  const comparable = (point: LivePoint | undefined) => isOk(point) && totalsComparable(point.sample.stats.eventTotals, totals);
  const back = okAtOrBefore(all, latest.t - DELTA_SPAN_MS);
  if (comparable(back)) return back;
  for (let index = firstIndexFrom(all, latest.t - DELTA_SPAN_MS); index < all.length; index += 1) {
    if (comparable(all[index])) return all[index];
  }
  return undefined;
}

/**
 * When the eligible entries run out at the current claim rate: entries claimed per minute over the
 * last five minutes (from the event counters), against the eligible count now. Entries that become
 * eligible meanwhile are not foreseen. Without event counters, the net rate the eligible count fell
 * over those five minutes (claims minus newly eligible entries) is the one the samples allow.
 */
export function drainProjection(all: readonly LivePoint[]): DrainProjection {
  const latest = latestOk(all);
  if (!latest) return { basis: 'claims', kind: 'measuring' };
  const { eligibleNow: eligible, eventTotals } = latest.sample.stats;
  const basis: DrainBasis = eventTotals ? 'claims' : 'net';
  if (eligible === 0) return { basis, kind: 'empty' };
  let rate: number | null;
  if (eventTotals) {
    rate = eventRates(rateTime(latest.sample), eventTotals, claimsReference(all, latest), 2 * DELTA_SPAN_MS)?.claimed ?? null;
  } else {
    const reference = okAtOrBefore(all, latest.t - DELTA_SPAN_MS) ?? all.find(isOk);
    const growth = perMinute(rateTime(latest.sample), eligible, reference, (s) => s.stats.eligibleNow, 2 * DELTA_SPAN_MS);
    rate = growth === null ? null : -growth;
  }
  if (rate === null) return { basis, kind: 'measuring' };
  if (rate <= 0) return { basis, kind: 'not-draining', ratePerMinute: rate };
  return { basis, kind: 'draining', ratePerMinute: rate, seconds: (eligible / rate) * 60 };
}
