import type { StatsSample } from '../../../shared/contract';
import { gapPoint, isOk, RATE_SPAN_MS, toPoint, type LivePoint, type OkSample } from './live-points';

/** One hour at one sample a second. */
export const CAPACITY = 3_600;
export const HOUR_MS = 60 * 60_000;
/** The interval the Overview asks the sampler for. */
export const REQUESTED_INTERVAL_MS = 1_000;
/** A pause longer than this many intervals between samples is drawn as a gap, not a straight line. */
const GAP_INTERVALS = 3;
/** A sample this much older than the newest means the clock was set back. */
const CLOCK_JUMP_MS = 60_000;

/**
 * The live samples the Overview shows: at most CAPACITY points and one hour, oldest first, in one
 * array that is appended to (and trimmed at the front), so a time is found by binary search. The
 * history lives on the back (the sampler's ring, stats.recent): a series starts from it (seed)
 * and appends the live stream, so a reload or a second window shows the last hour at once; time
 * nobody watched shows as a gap.
 */
export class LiveSeries {
  readonly points: LivePoint[] = [];
  /** Bumped on every change: the view's memo key, since `points` is changed in place. */
  version = 0;
  private readonly listeners = new Set<() => void>();
  /** The sampler's interval at the last sample: the yardstick for gaps. */
  private lastInterval = REQUESTED_INTERVAL_MS;

  constructor(private readonly capacity = CAPACITY) {}

  add(sample: StatsSample): void {
    this.append(sample);
    this.changed();
  }

  /**
   * The back's history (stats.recent) under what arrived live meanwhile, whichever came first:
   * one series, oldest first, each sample once. Seeding again with a newer history only adds.
   */
  seed(history: readonly StatsSample[]): void {
    const live = this.points.flatMap((point) => (point.sample ? [point.sample] : []));
    const all = [...history, ...live].sort((a, b) => a.at.getTime() - b.at.getTime());
    this.points.length = 0;
    this.lastInterval = REQUESTED_INTERVAL_MS;
    for (const sample of all) this.append(sample);
    this.changed();
  }

  private changed(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }

  private append(sample: StatsSample): void {
    const t = sample.at.getTime();
    let last = this.points.at(-1);
    if (last && t <= last.t) {
      // A repeated sample: drop it. A clock that went back (the back's host was reset): start again,
      // or the time axis would run backwards.
      if (last.t - t < CLOCK_JUMP_MS) return;
      this.points.length = 0;
      last = undefined;
    }
    const interval = sample.kind === 'ok' && sample.backoff ? sample.backoff.effectiveIntervalMs : REQUESTED_INTERVAL_MS;
    if (last && t - last.t > GAP_INTERVALS * Math.max(interval, this.lastInterval)) this.points.push(gapPoint(last.t + this.lastInterval));
    this.lastInterval = interval;
    this.points.push(toPoint(sample, this.rateReference(t)));
    this.trim(t);
  }

  /** For useSyncExternalStore. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  private rateReference(t: number): LivePoint | undefined {
    return okAtOrBefore(this.points, t - RATE_SPAN_MS) ?? this.points.find(isOk);
  }

  private trim(latest: number): void {
    let drop = Math.max(0, this.points.length - this.capacity);
    while (drop < this.points.length && this.points[drop]!.t < latest - HOUR_MS) drop += 1;
    if (drop > 0) this.points.splice(0, drop);
  }
}

/** Index of the first point at or after `t` (points.length when none). */
export function firstIndexFrom(points: readonly LivePoint[], t: number): number {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (points[middle]!.t < t) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The last ok point at or before `t`. */
export function okAtOrBefore(points: readonly LivePoint[], t: number): (LivePoint & { sample: OkSample }) | undefined {
  let index = firstIndexFrom(points, t + 1) - 1;
  while (index >= 0 && !isOk(points[index])) index -= 1;
  const point = points[index];
  return isOk(point) ? point : undefined;
}

export function latestOk(points: readonly LivePoint[]): (LivePoint & { sample: OkSample }) | undefined {
  return okAtOrBefore(points, Number.POSITIVE_INFINITY);
}
