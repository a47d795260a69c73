import { PoolError } from '../../shared/errors.js';
import type { LiveBackoff, LiveSample, LiveSampleError, LiveSampleListener } from './live-sample.js';

export const MIN_INTERVAL_MS = 1_000;
export const MAX_INTERVAL_MS = 30_000;
/** How far back history() reaches. */
export const HISTORY_MS = 60 * 60 * 1000;
/** A sample slower than this share of the interval makes the sampler back off. */
export const SLOW_SHARE = 0.05;
/**
 * The stream is never silent for two requested intervals: at this many intervals after the last
 * sample sent, the sampler asks the overdue option what to say (a margin under two, for timers
 * that fire late on a busy machine).
 */
export const SILENCE_INTERVALS = 1.8;
/** How soon to ask again when the overdue option cannot tell yet. */
const UNDECIDED_RECHECK_MS = 50;
/** One hour at the smallest interval: the ring never needs more. */
const RING_CAPACITY = HISTORY_MS / MIN_INTERVAL_MS;

export interface LiveSamplerOptions<Body, Connection> {
  /** Reads one sample (pool stats, query latencies…); a throw becomes an error sample. */
  sample: () => Promise<Body>;
  /** The connection's state, put in error samples so the UI can say why there is no data. */
  connectionState: (error: unknown, startedAt: number) => Connection | Promise<Connection>;
  /**
   * What to send when nothing was sent for SILENCE_INTERVALS requested intervals (a sample is
   * running long, since `inFlightSince`, or the sampler waits out a backoff: null), and again each
   * interval while that lasts: a database that never answers is reported, never met with silence.
   * Null: nothing to report (yet). `stalled` says the server itself does not answer: then the
   * running sample's length says nothing of load and does not slow sampling.
   */
  overdue?: (inFlightSince: number | null) => { error: LiveSampleError; connection: Connection; stalled: boolean } | null;
  /** Milliseconds; Date.now by default. Sample times and durations are measured with it. */
  clock?: () => number;
  /** A listener that throws does not stop the others; its error goes here (console.error by default). */
  onListenerError?: (error: unknown) => void;
}

interface Subscriber<Body, Connection> {
  intervalMs: number;
  listener: LiveSampleListener<Body, Connection>;
}

function formatInterval(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function toSampleError(error: unknown): LiveSampleError {
  if (error instanceof PoolError) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: message || 'The sample failed without a message.' };
}

/**
 * Samples while anyone subscribes, at the smallest interval any subscriber asked for, one sample
 * at a time (a slow one delays the next rather than overlapping it). Keeps the last hour of
 * samples. When a good sample takes more than 5% of the interval, the interval doubles (up to
 * 30 s) and comes back a step at a time once samples are fast again, so watching the pool never
 * loads the database it watches; failures and stalls do not back off (they say nothing of load,
 * and backing off on them delayed the first good sample after an outage by up to 30 s). The
 * stream is never silent: see `overdue`. Generic over what a sample holds: it knows nothing of
 * databases.
 */
export class LiveSampler<Body, Connection = unknown> {
  private readonly subscribers = new Set<Subscriber<Body, Connection>>();
  private readonly ring: LiveSample<Body, Connection>[] = [];
  private ringNext = 0;
  private readonly clock: () => number;
  /** Doublings of the requested interval in force because samples were slow. */
  private backoffLevel = 0;
  private lastSlow: { durationMs: number; intervalMs: number } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sampling = false;
  private lastStartedAt: number | null = null;
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  /** The sample being taken, and whether error samples were sent for it meanwhile. */
  private running: { started: number; overdueSent: boolean; stalled: boolean } | null = null;

  constructor(private readonly options: LiveSamplerOptions<Body, Connection>) {
    this.clock = options.clock ?? (() => Date.now());
  }

  /**
   * Starts sampling if nobody was subscribed (the first sample is taken at once); the sampler
   * then samples at the smallest interval among the subscribers. Returns the unsubscribe function.
   */
  subscribe(intervalMs: number, listener: LiveSampleListener<Body, Connection>): () => void {
    if (!Number.isInteger(intervalMs) || intervalMs < MIN_INTERVAL_MS || intervalMs > MAX_INTERVAL_MS) {
      throw new PoolError('INVALID_INPUT', `The live interval must be a whole number of milliseconds from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS}; got ${String(intervalMs)}.`);
    }
    const before = this.requestedIntervalMs;
    const subscriber: Subscriber<Body, Connection> = { intervalMs, listener };
    this.subscribers.add(subscriber);
    if (before === null) this.armWatchdog(SILENCE_INTERVALS * intervalMs);
    this.requestedChanged(before);
    return () => {
      if (!this.subscribers.delete(subscriber)) return;
      this.requestedChanged(this.requestedIntervalWith(subscriber));
    };
  }

  /** The samples of the last hour, oldest first. */
  history(): LiveSample<Body, Connection>[] {
    const since = this.clock() - HISTORY_MS;
    const ordered = this.ring.length < RING_CAPACITY ? this.ring : [...this.ring.slice(this.ringNext), ...this.ring.slice(0, this.ringNext)];
    return ordered.filter((sample) => sample.at.getTime() > since);
  }

  /** Forgets the history, e.g. when the console switches to another database. */
  clearHistory(): void {
    this.ring.length = 0;
    this.ringNext = 0;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** The smallest interval the subscribers asked for; null when nobody subscribes. */
  get requestedIntervalMs(): number | null {
    let smallest: number | null = null;
    for (const { intervalMs } of this.subscribers) smallest = smallest === null ? intervalMs : Math.min(smallest, intervalMs);
    return smallest;
  }

  /** The interval in force (the requested one, or longer while backed off); null when stopped. */
  get effectiveIntervalMs(): number | null {
    const requested = this.requestedIntervalMs;
    return requested === null ? null : this.intervalAt(requested, this.backoffLevel);
  }

  /** Whether a timer is pending or a sample is being taken. */
  get active(): boolean {
    return this.timer !== null || this.sampling;
  }

  /** The requested interval as it was while `removed` was still subscribed. */
  private requestedIntervalWith(removed: Subscriber<Body, Connection>): number {
    const current = this.requestedIntervalMs;
    return current === null ? removed.intervalMs : Math.min(current, removed.intervalMs);
  }

  private intervalAt(requested: number, level: number): number {
    return Math.min(requested * 2 ** level, MAX_INTERVAL_MS);
  }

  private requestedChanged(before: number | null): void {
    const after = this.requestedIntervalMs;
    if (after === null) {
      this.stop();
      return;
    }
    if (before !== null && before !== after && this.backoffLevel > 0) {
      // keep sampling about as slowly as before: the database was slow for the old interval
      const was = this.intervalAt(before, this.backoffLevel);
      this.backoffLevel = Math.max(0, Math.ceil(Math.log2(was / after)));
    }
    this.reschedule();
  }

  private stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.watchdog !== null) clearTimeout(this.watchdog);
    this.watchdog = null;
    this.backoffLevel = 0;
    this.lastSlow = null;
    this.lastStartedAt = null;
  }

  /** Sets the timer for the next sample, at the last start plus the interval in force. */
  private reschedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const interval = this.effectiveIntervalMs;
    // while a sample runs, its end schedules the next one: samples never overlap
    if (interval === null || this.sampling) return;
    const delay = this.lastStartedAt === null ? 0 : this.lastStartedAt + interval - this.clock();
    if (delay <= 0) {
      // overdue (the first sample, or after one slower than the interval): no timer's extra tick
      void this.takeSample();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.takeSample();
    }, delay);
  }

  private async takeSample(): Promise<void> {
    this.sampling = true;
    const started = this.clock();
    this.lastStartedAt = started;
    const running = { started, overdueSent: false, stalled: false };
    this.running = running;
    let sample: LiveSample<Body, Connection>;
    try {
      const body = await this.options.sample();
      const finished = this.clock();
      const durationMs = finished - started;
      // a sample that outlived a stall measured the stall, not the load
      const backoff = running.stalled ? this.currentBackoff() : this.adjustInterval(durationMs);
      // after error samples sent meanwhile, its time is when it came back: times keep increasing
      sample = { kind: 'ok', at: new Date(running.overdueSent ? finished : started), durationMs, body, backoff };
    } catch (error) {
      const finished = this.clock();
      const connection = await this.options.connectionState(error, started);
      // a failure says nothing of load: the interval stays, so good samples resume at once when it is back
      sample = { kind: 'error', at: new Date(running.overdueSent ? finished : started), durationMs: finished - started, error: toSampleError(error), connection, backoff: this.currentBackoff() };
    } finally {
      this.sampling = false;
      this.running = null;
    }
    this.publish(sample);
    this.reschedule();
  }

  private armWatchdog(delayMs: number): void {
    if (this.watchdog !== null) clearTimeout(this.watchdog);
    this.watchdog = null;
    if (!this.options.overdue || this.subscribers.size === 0) return;
    // setImmediate: an answer already received is handled first (timers run before I/O callbacks)
    this.watchdog = setTimeout(() => setImmediate(() => this.checkSilence()), delayMs);
  }

  /** Nothing sent for a while: an error sample if the overdue option has something to say. */
  private checkSilence(): void {
    this.watchdog = null;
    const requested = this.requestedIntervalMs;
    const report = this.options.overdue;
    if (requested === null || !report) return;
    const running = this.running;
    const found = report(running?.started ?? null);
    if (!found) {
      this.armWatchdog(running ? UNDECIDED_RECHECK_MS : requested);
      return;
    }
    if (running) {
      running.overdueSent = true;
      running.stalled ||= found.stalled;
    }
    const now = this.clock();
    const { error, connection } = found;
    this.publish({ kind: 'error', at: new Date(now), durationMs: running ? now - running.started : 0, error, connection, backoff: this.currentBackoff() }, requested);
  }

  /** Sends a sample; the stream is checked again for silence `nextCheckMs` later. */
  private publish(sample: LiveSample<Body, Connection>, nextCheckMs?: number): void {
    const requested = this.requestedIntervalMs;
    if (requested !== null) this.armWatchdog(nextCheckMs ?? SILENCE_INTERVALS * requested);
    this.remember(sample);
    for (const { listener } of [...this.subscribers]) {
      try {
        listener(sample);
      } catch (error) {
        (this.options.onListenerError ?? ((e: unknown) => console.error('A live-sample listener failed:', e)))(error);
      }
    }
  }

  /** Backs off after a slow sample, comes back a step after a fast one; describes what is in force. */
  private adjustInterval(durationMs: number): LiveBackoff | null {
    const requested = this.requestedIntervalMs;
    if (requested === null) return null; // everyone left while the sample ran
    const current = this.intervalAt(requested, this.backoffLevel);
    if (durationMs > SLOW_SHARE * current) {
      this.lastSlow = { durationMs, intervalMs: current };
      if (current < MAX_INTERVAL_MS) this.backoffLevel += 1;
    } else if (this.backoffLevel > 0 && durationMs <= SLOW_SHARE * this.intervalAt(requested, this.backoffLevel - 1)) {
      this.backoffLevel -= 1;
    }
    return this.currentBackoff();
  }

  /** The backoff in force, described; null when sampling at the requested interval. */
  private currentBackoff(): LiveBackoff | null {
    const requested = this.requestedIntervalMs;
    if (requested === null) return null;
    const effective = this.intervalAt(requested, this.backoffLevel);
    if (effective === requested || this.lastSlow === null) return null;
    return {
      effectiveIntervalMs: effective,
      requestedIntervalMs: requested,
      reason:
        `A sample took ${Math.round(this.lastSlow.durationMs)} ms, more than ${SLOW_SHARE * 100}% of the ${formatInterval(this.lastSlow.intervalMs)} interval: ` +
        `sampling every ${formatInterval(effective)} instead of ${formatInterval(requested)} until samples are fast again.`,
    };
  }

  private remember(sample: LiveSample<Body, Connection>): void {
    if (this.ring.length < RING_CAPACITY) this.ring.push(sample);
    else this.ring[this.ringNext] = sample;
    this.ringNext = (this.ringNext + 1) % RING_CAPACITY;
  }
}
