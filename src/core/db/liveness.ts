import type { ConnectionHealth } from '../../shared/contract.js';
import { PoolError, type ErrorCode } from '../../shared/errors.js';
import { formatSeconds } from './timeouts.js';

/** What is known of the server right now; `since` is when that state began (for not-responding: the last answer). */
export interface Liveness {
  status: ConnectionHealth;
  since: Date | null;
  /** null while connected. */
  message: string | null;
  /** The error code a failed read during this state carries. */
  code: ErrorCode | null;
}

/** One heartbeat: resolves true (database there), false (database gone), or rejects with a PoolError. */
export interface HeartbeatSource {
  beat(): Promise<boolean>;
  /** Abandons the beat in flight (its connection) so the next one starts afresh. */
  reset(): void;
}

export interface LivenessMonitorOptions {
  heartbeat: HeartbeatSource;
  /** A beat unanswered for this long means "not responding". */
  timeoutMs: number;
  /** Time between the starts of two beats (250 ms); beats never overlap. */
  periodMs?: number;
  /** A beat unanswered for this long is abandoned and the connection reopened (a silent network). */
  staleMs?: number;
  clock?: () => number;
  /** Named in the message when the database is gone. */
  database?: string;
}

export const CONNECTED: Liveness = { status: 'connected', since: null, message: null, code: null };

function secondsSince(now: number, since: number): number {
  return Math.max(0, Math.round((now - since) / 1000));
}

/**
 * Tells "not responding" from "slow" for one connection: a heartbeat on its own connection every
 * `periodMs`; a beat that has had no answer for `timeoutMs` means the server does not respond
 * (frozen, or its network gone silent). An unanswered beat is kept, not replaced, so the moment
 * the server answers again is seen at once.
 */
export class LivenessMonitor {
  private readonly clock: () => number;
  private readonly periodMs: number;
  private readonly staleMs: number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastAnswerAt: number;
  private beatSince: number | null = null;
  private failure: Liveness | null = null;
  private lastBeat: Promise<void> = Promise.resolve();
  /** When the last beat that has settled was started. */
  private settledBeatStartedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: LivenessMonitorOptions) {
    this.clock = options.clock ?? Date.now;
    this.periodMs = options.periodMs ?? 250;
    this.staleMs = options.staleMs ?? Math.max(10_000, 5 * options.timeoutMs);
    // created right after a successful connect: that was an answer
    this.lastAnswerAt = this.clock();
  }

  start(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.periodMs);
    // the monitor watches; it never keeps a process alive
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.options.heartbeat.reset();
  }

  /**
   * Not responding once nothing has answered for three heartbeat periods while a beat waits (a
   * live server answers each beat in milliseconds), or a beat has waited its timeout; otherwise
   * what the last beat found.
   */
  get state(): Liveness {
    const now = this.clock();
    const { timeoutMs } = this.options;
    const waiting = this.beatSince !== null;
    const silent = waiting && now - this.lastAnswerAt >= Math.min(timeoutMs, 3 * this.periodMs);
    const beatLate = waiting && now - this.beatSince! >= timeoutMs;
    if (silent || beatLate || this.failure?.status === 'not-responding') return this.notResponding(now);
    return this.failure ?? CONNECTED;
  }

  /**
   * The state once a beat started from now on has settled (or the beat timeout has passed): for a
   * caller whose read just failed, before it says what the connection is.
   */
  async confirm(): Promise<Liveness> {
    const asked = this.clock();
    const until = asked + this.periodMs + this.options.timeoutMs;
    while (this.settledBeatStartedAt < asked && this.clock() < until && this.state.status === 'connected') {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.state;
  }

  /** Settles when the beat in flight (or the last one) has its answer or its failure. */
  beatSettled(): Promise<void> {
    return this.lastBeat;
  }

  /** Whether the server answered anything at or after `time`. */
  answeredSince(time: number): boolean {
    return this.lastAnswerAt >= time;
  }

  private notResponding(now: number): Liveness {
    return {
      status: 'not-responding',
      since: new Date(this.lastAnswerAt),
      message: `The database server has not responded for ${secondsSince(now, this.lastAnswerAt)} s (its heartbeat gets no answer within ${formatSeconds(this.options.timeoutMs)}): it may be frozen, overloaded, or cut off.`,
      code: 'TIMEOUT',
    };
  }

  private tick(): void {
    const now = this.clock();
    if (this.beatSince !== null) {
      if (now - this.beatSince >= this.staleMs) this.options.heartbeat.reset();
      return;
    }
    this.beatSince = now;
    this.lastBeat = this.options.heartbeat.beat().then(
      (present) => {
        this.lastAnswerAt = this.clock();
        this.beatSince = null;
        this.settledBeatStartedAt = now;
        this.failure = present ? null : this.persisting('database-missing', 'NO_DATABASE', `The database${this.options.database ? ` '${this.options.database}'` : ''} was dropped or renamed: the server answers, but has no database by this name. Restore it, or connect to another one.`);
      },
      (error: unknown) => {
        this.beatSince = null;
        this.settledBeatStartedAt = now;
        this.failure = this.fromError(error);
      },
    );
  }

  private fromError(error: unknown): Liveness {
    const failure = error instanceof PoolError ? error : new PoolError('INTERNAL', String(error));
    if (failure.code === 'NO_DATABASE') return this.persisting('database-missing', 'NO_DATABASE', failure.message);
    // a connect that times out reached a server that does not answer
    if (failure.details?.driverCode === 'ETIMEDOUT') return { status: 'not-responding', since: null, message: null, code: 'TIMEOUT' };
    return this.persisting('lost', failure.code, failure.message);
  }

  /** A failed state, keeping its start while it lasts. */
  private persisting(status: ConnectionHealth, code: ErrorCode, message: string): Liveness {
    const since = this.failure?.status === status ? this.failure.since : new Date(this.clock());
    return { status, since, message, code };
  }
}

/** One heartbeat's verdict within `timeoutMs`, for a process that keeps no monitor running (the CLI). */
export async function livenessOnce(heartbeat: HeartbeatSource, timeoutMs: number): Promise<Liveness> {
  const monitor = new LivenessMonitor({ heartbeat, timeoutMs, periodMs: 24 * 3_600_000 });
  monitor.start();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([monitor.beatSettled(), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs + 10)))]);
    return monitor.state;
  } finally {
    clearTimeout(timer);
    monitor.stop();
  }
}
