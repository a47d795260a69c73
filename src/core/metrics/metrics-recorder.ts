import { z } from 'zod';
import type { Database } from '../db/database.js';
import { DEFAULT_MAX_ATTEMPTS } from '../pool/database-booking-pool.js';
import { isMissingTableError, optionalTablePresent, tableWentMissing } from '../schema/table-presence.js';
import { PoolError } from '../../shared/errors.js';
import type { MetricsPoint, RecorderRole, RecorderState } from '../../shared/results/metrics.js';
import type { ReadSource } from '../../shared/results/replica.js';
import { recorderIdentity } from './identity.js';
import { RecorderLock } from './leader-lock.js';
import { readLatest } from './history.js';
import { metricsModel, METRICS_TABLE, modelCall, toAttributes } from './metrics-model.js';
import { DEFAULT_RETENTION, pruneMetrics, PRUNE_BATCH, retentionSchema } from './retention.js';
import { rollUp } from './rollup.js';
import { estimateMetrics } from './estimate.js';
import { evaluateAlerts, type EvaluateOptions } from '../alerts/evaluate.js';
import { sampleMetrics } from './sample.js';

/** An exact sample costing more than this share of the interval makes the recorder count less often. */
export const SLOW_SHARE = 0.05;
/** The rows between exact counts double at most this many times (every 32nd row: 320 s at 10 s). */
export const MAX_BACKOFF_LEVEL = 5;

export const recorderOptionsSchema = z.object({
  /** Shown in the identity: 'console', 'agent', 'sandbox'… */
  role: z.string().trim().min(1).max(32).default('console'),
  /** Overrides the generated identity (role user@host pid tag). */
  identity: z.string().trim().min(1).max(128).optional(),
  intervalMs: z.number().int().min(100).max(3_600_000).default(10_000),
  leaseSeconds: z.number().int().min(1).default(3600),
  maxAttempts: z.number().int().min(1).max(1000).default(DEFAULT_MAX_ATTEMPTS),
  /** Seconds to keep rows of each resolution; defaults 24 h raw, 14 d minutes, 400 d hours. */
  retention: retentionSchema.default(() => ({ ...DEFAULT_RETENTION })),
  pruneBatch: z.number().int().min(1).max(PRUNE_BATCH).default(PRUNE_BATCH),
  /** How often the leader rolls up and prunes (milliseconds). */
  maintenanceEveryMs: z.number().int().min(0).default(60_000),
  /** The share of the interval an exact sample may cost before the recorder backs off (tests lower it). */
  slowShare: z.number().positive().max(1).default(SLOW_SHARE),
  /** Evaluate the alert rules (POOL_ALERT_RULES, migration 0009): all of them as leader, recorder-gap as follower. */
  alerts: z.boolean().default(true),
});
export type MetricsRecorderOptions = z.input<typeof recorderOptionsSchema> & {
  /** Milliseconds; Date.now by default. Timers and sample durations use it. */
  clock?: () => number;
  /** A listener that throws does not stop the others; its error goes here (console.error by default). */
  onListenerError?: (error: unknown) => void;
  /** An alert evaluation failed (the recording goes on); called once per new error (console.error by default). */
  onAlertError?: (error: unknown) => void;
  /**
   * Where the leader's exact count runs (a read replica fit to read, else the primary) and where it
   * ran; the row is always written on the primary, its note naming a replica count and its lag.
   */
  countVia?: CountVia;
};

/** Runs a read on the replica or the primary (ReplicaRouter.read), saying which. */
export type CountVia = <T>(work: (db: Database) => Promise<T>) => Promise<{ value: T; source: ReadSource }>;

export type { RecorderRole, RecorderState };

type Listener<T> = (value: T) => void;

const noTable = () =>
  new PoolError('NO_TABLE', `No ${METRICS_TABLE} table: migration 0006-pool-metrics is pending, so nothing is recorded. Run \`pool-console migrate up\`.`);

/**
 * One recorder per console or agent; across all of them on a database, one leader at a time
 * (GET_LOCK on a connection of its own, see RecorderLock). The leader samples the pool every
 * interval and writes a POOL_METRICS row, rolls rows up and prunes them; every other recorder
 * reads the newest row instead of sampling, so N consoles cost about what one does, and tries
 * the lock every interval, so a dead leader is replaced within two intervals. New rows (sampled
 * or read) reach `onRow` listeners; `latest()` is the newest.
 */
export class MetricsRecorder {
  private readonly options: z.output<typeof recorderOptionsSchema>;
  private readonly clock: () => number;
  private readonly lock: RecorderLock;
  private readonly rowListeners = new Set<Listener<MetricsPoint>>();
  private readonly stateListeners = new Set<Listener<RecorderState>>();
  private current: RecorderState;
  private newest: MetricsPoint | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private backoffLevel = 0;
  /** The last exact row this leader counted, and the estimated rows still to write before the next count. */
  private lastExact: MetricsPoint | null = null;
  private rowsUntilExact = 0;
  /** After losing the lock, this recorder lets the others take it first. */
  private cooldownUntil = 0;
  private nextMaintenanceAt = 0;
  /** Counts start() calls, so that a pass still running from before a stop schedules no more. */
  private generation = 0;

  constructor(private readonly db: Database, options: MetricsRecorderOptions = {}) {
    const { clock, onListenerError, onAlertError, countVia, ...rest } = options;
    this.countVia = countVia ?? (async (work) => ({ value: await work(db), source: { server: 'primary', lagSeconds: null } }));
    const parsed = recorderOptionsSchema.safeParse(rest);
    if (!parsed.success) throw new PoolError('INVALID_INPUT', `Recorder options: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}.`);
    this.options = parsed.data;
    this.clock = clock ?? Date.now;
    this.onListenerError = onListenerError ?? ((error) => console.error('metrics recorder listener failed', error));
    this.onAlertError = onAlertError ?? ((error) => console.error('alert evaluation failed (recording goes on)', error));
    this.lock = new RecorderLock(db.profile, db, () => this.options.intervalMs);
    this.current = {
      identity: this.options.identity ?? recorderIdentity(this.options.role),
      role: 'stopped',
      lockName: this.lock.name,
      lockConnectionId: null,
      intervalMs: this.options.intervalMs,
      exactEvery: 1,
      backoff: null,
      lastError: null,
      alertError: null,
    };
  }

  private readonly onListenerError: (error: unknown) => void;
  private readonly onAlertError: (error: unknown) => void;
  private readonly countVia: CountVia;

  get identity(): string {
    return this.current.identity;
  }

  state(): RecorderState {
    return { ...this.current };
  }

  /** The newest row this recorder wrote or read; null before the first. */
  latest(): MetricsPoint | null {
    return this.newest;
  }

  /** Calls `listener` with each new row (written by this leader, or read as a follower); returns the unsubscribe. */
  onRow(listener: Listener<MetricsPoint>): () => void {
    this.rowListeners.add(listener);
    return () => this.rowListeners.delete(listener);
  }

  /** Calls `listener` whenever the role, interval, backoff or error changes; returns the unsubscribe. */
  onState(listener: Listener<RecorderState>): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Starts the passes (the first at once); a started recorder is left as it is. */
  start(): void {
    if (this.current.role !== 'stopped') return;
    this.generation += 1;
    this.setState({ role: 'starting' });
    this.schedule(0, this.generation);
  }

  /** Stops after the pass under way, giving the lock up (another recorder takes over at once). */
  async stop(): Promise<void> {
    this.generation += 1;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const wasRunning = this.current.role !== 'stopped';
    this.setState({ role: 'stopped', lockConnectionId: null });
    await this.running;
    if (wasRunning) await this.lock.release();
  }

  /** A new interval for the next passes (the backoff starts again from it). */
  setIntervalMs(intervalMs: number): void {
    const parsed = recorderOptionsSchema.shape.intervalMs.safeParse(intervalMs);
    if (!parsed.success) throw new PoolError('INVALID_INPUT', `The recorder interval must be a whole number of milliseconds from 100 to 3,600,000; got ${String(intervalMs)}.`);
    this.options.intervalMs = parsed.data;
    this.backoffLevel = 0;
    this.rowsUntilExact = 0;
    this.setState({ intervalMs: parsed.data, exactEvery: 1, backoff: null });
  }

  /** Schedules the next pass of run `generation`; a pass of an earlier run (stopped, then started again) schedules none. */
  private schedule(delayMs: number, generation: number): void {
    if (this.current.role === 'stopped' || generation !== this.generation) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.pass(generation).finally(() => {
        this.running = null;
      });
    }, delayMs);
  }

  /** One pass: contend for the lock or check it is still ours, then sample (leader) or read (follower). */
  private async pass(generation: number): Promise<void> {
    const started = this.clock();
    try {
      // Before migration 0006 there is nowhere to write: no pool count runs for nothing.
      if (!(await optionalTablePresent(this.db, METRICS_TABLE))) throw noTable();
      await this.settleRole();
      if (this.current.role === 'leader') await this.lead();
      else if (this.current.role === 'follower') await this.follow();
      if (this.current.lastError) this.setState({ lastError: null });
    } catch (error) {
      const missing = isMissingTableError(error, METRICS_TABLE);
      // dropped since it was seen (a migration down): believe it absent until the re-check
      if (missing) tableWentMissing(this.db, METRICS_TABLE);
      const failure = missing ? noTable() : error;
      this.setState({
        lastError: failure instanceof PoolError ? { code: failure.code, message: failure.message } : { code: 'INTERNAL', message: failure instanceof Error ? failure.message : String(failure) },
      });
    }
    this.schedule(Math.max(0, started + this.options.intervalMs - this.clock()), generation);
  }

  private async settleRole(): Promise<void> {
    if (this.current.role === 'stopped') return;
    if (this.current.role === 'leader') {
      if (await this.lock.held()) return;
      this.loseLead();
      return;
    }
    const mayContend = this.clock() >= this.cooldownUntil;
    if (mayContend && (await this.lock.tryAcquire())) {
      // stop() may have come while the lock was asked for; it releases the lock once this pass ends
      if ((this.current.role as RecorderRole) === 'stopped') return;
      this.nextMaintenanceAt = 0;
      this.lastExact = null;
      this.rowsUntilExact = 0;
      this.setState({ role: 'leader', lockConnectionId: this.lock.connectionId });
    } else if (this.current.role === 'starting') {
      this.setState({ role: 'follower' });
    }
  }

  /** The lock's connection died (or was killed): a follower now, letting the others take the lock first. */
  private loseLead(): void {
    // stop() came meanwhile: stay stopped (no further pass is scheduled)
    if (this.current.role === 'stopped') return;
    this.cooldownUntil = this.clock() + 2 * this.options.intervalMs;
    this.backoffLevel = 0;
    this.lastExact = null;
    this.setState({ role: 'follower', lockConnectionId: null, exactEvery: 1, backoff: null });
  }

  private async lead(): Promise<void> {
    const model = metricsModel(this.db);
    const previous = this.newest ?? (await this.readNewest());
    const written = await this.nextRow(previous);
    if (!written) return;
    // Only the lock's holder writes: checked again after the sample, right before the write.
    if (!(await this.lock.held())) {
      this.loseLead();
      return;
    }
    await modelCall(this.db, 'metrics.write', (named) => model.create(toAttributes(written), named));
    this.deliver(written);
    if (this.clock() >= this.nextMaintenanceAt) await this.maintain(written.time);
    await this.evaluateAlerts({});
  }

  /**
   * The alert rules after a written row (leader) or on a follower's pass (recorder-gap only: see
   * core/alerts/evaluate.ts). Its failure never stops the recording: it is kept in `alertError`
   * and given to onAlertError (logged), and cleared by the next evaluation that succeeds.
   */
  private async evaluateAlerts(options: EvaluateOptions): Promise<void> {
    if (!this.options.alerts) return;
    try {
      await evaluateAlerts(this.db, options);
      if (this.current.alertError) this.setState({ alertError: null });
    } catch (error) {
      const alertError = error instanceof PoolError ? { code: error.code, message: error.message } : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
      if (JSON.stringify(alertError) !== JSON.stringify(this.current.alertError ?? null)) this.onAlertError(error);
      this.setState({ alertError });
    }
  }

  /** Rollups, then pruning; again on the next pass while a rollup window was full. */
  private async maintain(now: Date): Promise<void> {
    const rolled = await rollUp(this.db, now);
    await pruneMetrics(this.db, now, this.options.retention, this.options.pruneBatch);
    this.nextMaintenanceAt = rolled.more ? 0 : this.clock() + this.options.maintenanceEveryMs;
  }

  /**
   * This pass's row: an exact count when one is due (every `exactEvery` rows), else an estimate
   * from the last exact count and the events since; null when no estimate can be made (no event
   * counters): then no row is written until the next exact count.
   */
  private async nextRow(previous: MetricsPoint | null): Promise<MetricsPoint | null> {
    const base = this.options.intervalMs;
    if (this.lastExact && this.rowsUntilExact > 0) {
      this.rowsUntilExact -= 1;
      if (!previous || !this.lastExact.eventTotals) return null;
      return estimateMetrics(this.db, {
        recorderId: this.current.identity,
        intervalMs: base,
        lastExact: this.lastExact,
        previous,
        note: `estimate: the exact count of ${this.lastExact.time.toISOString()} plus the events since; recounted every ${this.current.exactEvery} rows`,
        clock: this.clock,
      });
    }
    const { value: point, source } = await this.countVia((db) => sampleMetrics(db, {
      recorderId: this.current.identity,
      intervalMs: base,
      leaseSeconds: this.options.leaseSeconds,
      maxAttempts: this.options.maxAttempts,
      previous,
      clock: this.clock,
    }));
    const backoff = this.adjustBackoff(point.sampleMs);
    this.lastExact = point;
    this.rowsUntilExact = this.current.exactEvery - 1;
    // Without counters no estimates fill in: the next row comes with the next exact count.
    const spacing = point.eventTotals ? base : base * this.current.exactEvery;
    const counted = source.server === 'replica' ? `counted on the read replica, ${source.lagSeconds ?? '?'} s behind` : null;
    return { ...point, intervalMs: spacing, note: [backoff, counted].filter(Boolean).join('; ') || null };
  }

  /**
   * Doubles the rows between exact counts while an exact count costs more than `slowShare` of the
   * time it is spread over, and halves them once it would fit in half that share of the shorter
   * spread. Returns the note for the row: why counting is backed off, or null.
   */
  private adjustBackoff(sampleMs: number): string | null {
    const base = this.options.intervalMs;
    const share = this.options.slowShare;
    const spreadAt = (level: number) => base * 2 ** level;
    if (sampleMs > share * spreadAt(this.backoffLevel) && this.backoffLevel < MAX_BACKOFF_LEVEL) this.backoffLevel += 1;
    else if (this.backoffLevel > 0 && sampleMs <= (share / 2) * spreadAt(this.backoffLevel - 1)) this.backoffLevel -= 1;
    const exactEvery = 2 ** this.backoffLevel;
    const backoff =
      this.backoffLevel === 0
        ? null
        : `slow count: ${Math.round(sampleMs)} ms, over ${+(share * 100).toFixed(4)} % of the ${seconds(base)} interval; counted exactly every ${exactEvery} rows (${seconds(spreadAt(this.backoffLevel))}), estimated between`;
    this.setState({ exactEvery, backoff });
    return backoff;
  }

  private async follow(): Promise<void> {
    const newest = await this.readNewest();
    if (newest && (!this.newest || newest.time.getTime() > this.newest.time.getTime())) this.deliver(newest);
    // the leader may be gone or stuck: a gap is reported by whoever is still recording
    await this.evaluateAlerts({ kinds: ['recorder-gap'], markEvaluated: false });
  }

  private readNewest(): Promise<MetricsPoint | null> {
    return readLatest(this.db);
  }

  private deliver(point: MetricsPoint): void {
    this.newest = point;
    for (const listener of this.rowListeners) {
      try {
        listener(point);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  private setState(change: Partial<RecorderState>): void {
    const next = { ...this.current, ...change };
    const changed = (Object.keys(change) as (keyof RecorderState)[]).some((key) => JSON.stringify(next[key]) !== JSON.stringify(this.current[key]));
    this.current = next;
    if (!changed) return;
    for (const listener of this.stateListeners) {
      try {
        listener(this.state());
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
