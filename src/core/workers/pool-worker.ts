import { hostname } from 'node:os';
import { z } from 'zod';
import { PoolError } from '../../shared/errors.js';
import type { PauseInfo } from '../../shared/results/control.js';
import { classifyError } from '../db/classify-error.js';
import type { Database } from '../db/database.js';
import { modelQuery, named } from '../db/model-query.js';
import { isMissingTableError, optionalTablePresent, tableWentMissing } from '../schema/table-presence.js';
import { isPoolPaused } from '../control/paused-error.js';
import type { DatabaseBookingPool } from '../pool/database-booking-pool.js';
import { ownerSchema, type PoolEntry, type PoolMode, type PoolStatus } from '../pool/pool-types.js';
import { CONSOLE_VERSION } from '../version.js';
import { WORKERS_TABLE, workerModel } from './worker-model.js';

/*
 * A worker of the pool as the library runs it: it claims, completes and fails through the pool
 * under its owner id, counts what it does, and heartbeats into POOL_WORKERS (migration 0008) so the
 * console can tell it alive, late or dead. A paused pool is an answer ({ paused }), not an error.
 */

export const DEFAULT_HEARTBEAT_MS = 10_000;
const RATE_WINDOW_MS = 60_000;

const optionsSchema = z.object({
  ownerId: ownerSchema,
  host: z.string().trim().min(1).max(255).optional(),
  pid: z.number().int().min(0).max(4_294_967_295).optional(),
  version: z.string().trim().min(1).max(64).optional(),
  /** Between heartbeats; the console calls a worker dead after three missed ones. */
  intervalMs: z.number().int().min(50).max(3_600_000).default(DEFAULT_HEARTBEAT_MS),
});

export type PoolWorkerOptions = z.input<typeof optionsSchema> & {
  /** A heartbeat that failed (the worker keeps going and beats again at the next interval). */
  onHeartbeatError?: (error: PoolError) => void;
};

/** What a claim gives a worker: entries (possibly none: no work), or the pauses to back off on. */
export type ClaimOutcome = { entries: PoolEntry[]; paused?: undefined } | { entries?: undefined; paused: PauseInfo[] };

export interface WorkerCounts {
  claims: number;
  completes: number;
  fails: number;
  lastError: string | null;
}

export class PoolWorker {
  readonly ownerId: string;
  readonly intervalMs: number;
  private readonly db: Database;
  private readonly identity: { host: string; pid: number; version: string };
  private readonly counts: WorkerCounts = { claims: 0, completes: 0, fails: 0, lastError: null };
  /** Claims in the last minute, as (time, n) pairs on this process's monotonic clock. */
  private recentClaims: { at: number; n: number }[] = [];
  private errorSinceBeat = false;
  private registered = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private beating: Promise<void> = Promise.resolve();
  private stopped = false;

  private constructor(
    readonly pool: DatabaseBookingPool,
    options: z.output<typeof optionsSchema>,
    private readonly onHeartbeatError?: (error: PoolError) => void,
  ) {
    this.db = pool.db;
    this.ownerId = options.ownerId;
    this.intervalMs = options.intervalMs;
    this.identity = { host: options.host ?? hostname(), pid: options.pid ?? process.pid, version: options.version ?? CONSOLE_VERSION };
  }

  /**
   * Registers the worker (its first heartbeat, awaited: a failure is thrown) and heartbeats every
   * `intervalMs` until stop(). On a database without POOL_WORKERS it runs without heartbeats.
   */
  static async start(pool: DatabaseBookingPool, options: PoolWorkerOptions): Promise<PoolWorker> {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PoolError('INVALID_INPUT', `Invalid worker option ${issue?.path.join('.') || 'options'}: ${issue?.message ?? 'rejected'}.`);
    }
    const worker = new PoolWorker(pool, parsed.data, options.onHeartbeatError);
    await worker.heartbeat();
    worker.schedule();
    return worker;
  }

  get stats(): Readonly<WorkerCounts> {
    return { ...this.counts };
  }

  /** claimBatch under this worker's owner id; a pause comes back as `{ paused }`. */
  async claimBatch(options: { limit?: number; mode?: PoolMode } = {}): Promise<ClaimOutcome> {
    let entries: PoolEntry[];
    try {
      entries = await this.pool.claimBatch({ owner: this.ownerId, limit: options.limit, mode: options.mode });
    } catch (error) {
      if (isPoolPaused(error)) return { paused: error.pauses };
      this.recordError(error);
      throw error;
    }
    this.addClaims(entries.length);
    return { entries };
  }

  /** markAsProcessing under this worker's owner id: whether it won the entry, or the pauses. */
  async markAsProcessing(bookingId: number): Promise<{ claimed: boolean; paused?: undefined } | { claimed: false; paused: PauseInfo[] }> {
    return this.counted(async () => {
      try {
        const claimed = await this.pool.markAsProcessing(bookingId, { owner: this.ownerId });
        if (claimed) this.addClaims(1);
        return { claimed };
      } catch (error) {
        if (isPoolPaused(error)) return { claimed: false as const, paused: error.pauses };
        throw error;
      }
    });
  }

  async complete(bookingId: number): Promise<void> {
    await this.counted(() => this.pool.completeProcessing(bookingId, { owner: this.ownerId }));
    this.counts.completes += 1;
  }

  /** failProcessing under this worker's owner id; the error text also becomes the worker's last error. */
  async fail(bookingId: number, options: { error: string; maxAttempts?: number }): Promise<{ status: PoolStatus }> {
    const result = await this.counted(() => this.pool.failProcessing(bookingId, { owner: this.ownerId, error: options.error, maxAttempts: options.maxAttempts }));
    this.counts.fails += 1;
    this.recordError(options.error);
    return result;
  }

  /** Records an error of the worker's own (shown as its last error on the Workers page). */
  recordError(error: unknown): void {
    const text = error instanceof Error ? error.message : String(error);
    this.counts.lastError = text.slice(0, 1000);
    this.errorSinceBeat = true;
  }

  /** Writes the heartbeat now (the timer calls it; tests and shutdown paths may too). Failures are thrown. */
  async heartbeat(): Promise<void> {
    const beat = this.beating.then(() => this.writeHeartbeat());
    this.beating = beat.catch(() => undefined);
    return beat;
  }

  /** Stops heartbeating and marks the row stopped (the worker said goodbye: not dead, gone). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.beating;
    if (!this.registered) return;
    await modelQuery(this.db, () =>
      workerModel(this.db).update(
        { stoppedAt: this.db.sequelize.fn('UTC_TIMESTAMP', 3) as unknown as Date, ...this.figures() },
        { where: { ownerId: this.ownerId }, ...named('workers.stop') },
      ),
    );
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.heartbeat()
        .catch((error: unknown) => this.onHeartbeatError?.(classifyError(error, this.db.target)))
        .finally(() => this.schedule());
    }, this.intervalMs);
    // A worker's heartbeat alone must not keep a process alive.
    this.timer.unref?.();
  }

  private async writeHeartbeat(): Promise<void> {
    if (this.stopped) return;
    if (!(await optionalTablePresent(this.db, WORKERS_TABLE))) return;
    const model = workerModel(this.db);
    const now = this.db.sequelize.fn('UTC_TIMESTAMP', 3) as unknown as Date;
    const figures = this.figures();
    const lastErrorAt = this.errorSinceBeat ? { lastErrorAt: now } : {};
    this.errorSinceBeat = false;
    try {
      if (this.registered) {
        const [changed] = await modelQuery(this.db, () => model.update({ heartbeatAt: now, stoppedAt: null, ...figures, ...lastErrorAt }, { where: { ownerId: this.ownerId }, ...named('workers.heartbeat') }));
        if (changed === 1) return;
        // The row was removed meanwhile: register again.
      }
      await modelQuery(this.db, () =>
        model.upsert(
          { ownerId: this.ownerId, ...this.identity, startedAt: now, heartbeatAt: now, heartbeatIntervalMs: this.intervalMs, stoppedAt: null, ...figures, ...lastErrorAt },
          named('workers.register'),
        ),
      );
      this.registered = true;
    } catch (error) {
      if (!isMissingTableError(error, WORKERS_TABLE)) throw error;
      tableWentMissing(this.db, WORKERS_TABLE);
      this.registered = false;
    }
  }

  private figures() {
    const since = performance.now() - RATE_WINDOW_MS;
    this.recentClaims = this.recentClaims.filter((claim) => claim.at >= since);
    return {
      claims: this.counts.claims,
      completes: this.counts.completes,
      fails: this.counts.fails,
      claimsPerMinute: this.recentClaims.reduce((sum, claim) => sum + claim.n, 0),
      lastError: this.counts.lastError,
    };
  }

  private addClaims(n: number): void {
    if (n === 0) return;
    this.counts.claims += n;
    this.recentClaims.push({ at: performance.now(), n });
  }

  /** Runs a pool call; its failure becomes the worker's last error, then is thrown. */
  private async counted<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      this.recordError(error);
      throw error;
    }
  }
}
