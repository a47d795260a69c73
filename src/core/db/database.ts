import mysql2 from 'mysql2';
import { QueryTypes, Sequelize, type Transaction, type TransactionOptions } from 'sequelize';
import { retryAsPromised } from 'retry-as-promised';
import type { ConnectionProfile } from '../../shared/profile.js';
import { classifyError, errorTarget, type ErrorTarget } from './classify-error.js';
import { LatencyRecorder } from './latency.js';
import { StatementGuard, type GuardedQueryOptions } from './statement-guard.js';
import { resolveTimeouts, type Timeouts } from './timeouts.js';
import { conflictRetryWithin, otherTransientRetryWithin, retryWithin, TRANSIENT_RETRY } from './transient.js';
import { committed } from './when-committed.js';

export interface DatabaseOptions {
  /** Connections in the pool; a console needs few, a benchmark's claimers more. */
  poolMax?: number;
  latency?: LatencyRecorder;
  /** Shorthand for timeouts.connectMs. */
  connectTimeoutMs?: number;
  /** Overrides the defaults and the POOL_*_TIMEOUT_MS environment variables (see timeouts.ts). */
  timeouts?: Partial<Timeouts>;
}

export interface QueryOptions {
  replacements?: Record<string, unknown> | unknown[];
  transaction?: Transaction;
  /** This statement's bound, instead of the read or write default (e.g. a long maintenance batch). */
  timeoutMs?: number;
}

/** How long close() waits for the server to say goodbye before cutting the sockets. */
const CLOSE_GRACE_MS = 1_000;

/**
 * One booking database: a Sequelize instance in UTC with transient-failure retry, every query
 * timed under a name, and every failure classified.
 */
export class Database {
  readonly sequelize: Sequelize;
  readonly latency: LatencyRecorder;
  readonly target: ErrorTarget;
  readonly timeouts: Timeouts;
  private readonly guard = new StatementGuard();

  constructor(readonly profile: ConnectionProfile, options: DatabaseOptions = {}) {
    this.latency = options.latency ?? new LatencyRecorder();
    this.target = errorTarget(profile);
    this.timeouts = resolveTimeouts({ ...options.timeouts, ...(options.connectTimeoutMs !== undefined ? { connectMs: options.connectTimeoutMs } : {}) });
    this.sequelize = new Sequelize(profile.database, profile.user, profile.password, {
      dialect: 'mysql',
      dialectModule: this.guard.dialectModule(mysql2),
      host: profile.host,
      port: profile.port,
      timezone: '+00:00',
      dialectOptions: {
        socketPath: profile.socketPath,
        ssl: profile.tls ? { ca: profile.tls.ca, rejectUnauthorized: profile.tls.rejectUnauthorized } : undefined,
        connectTimeout: this.timeouts.connectMs,
        supportBigNumbers: true,
        bigNumberStrings: false,
        decimalNumbers: true,
        dateStrings: false,
      },
      pool: { max: options.poolMax ?? 5, min: 0, acquire: this.timeouts.acquireMs, idle: 10_000 },
      retry: TRANSIENT_RETRY,
      benchmark: true,
      logging: (_sql: string, milliseconds?: number, queryOptions?: { queryName?: string }) => {
        if (typeof milliseconds === 'number') this.latency.record(queryOptions?.queryName ?? 'other', milliseconds);
      },
    });
    this.guard.install(this.sequelize, this.timeouts.writeMs);
  }

  /** A named, timed SELECT; failures come out as PoolError. */
  async select<Row extends object>(queryName: string, sql: string, options: QueryOptions = {}): Promise<Row[]> {
    try {
      return await this.sequelize.query<Row>(sql, { ...this.runOptions(queryName, options, this.timeouts.readMs), type: QueryTypes.SELECT });
    } catch (error) {
      throw classifyError(error, this.target);
    }
  }

  /** A named, timed write or DDL statement; returns the affected rows the server reported. */
  async execute(queryName: string, sql: string, options: QueryOptions = {}): Promise<number> {
    try {
      const [result] = await this.sequelize.query(sql, { ...this.runOptions(queryName, options, this.timeouts.writeMs), type: QueryTypes.RAW });
      const header = result as { affectedRows?: number } | undefined;
      return header?.affectedRows ?? 0;
    } catch (error) {
      throw classifyError(error, this.target);
    }
  }

  /**
   * Runs `work` in one transaction, retrying the whole transaction on transient failures:
   * a deadlock rolls back everything, so retrying a single statement would be wrong. On Galera a
   * certification conflict fails the COMMIT itself with 1213; that is retried the same way, and
   * the result (a claim's entries, say) is returned only once a COMMIT succeeded.
   */
  async transaction<T>(work: (transaction: Transaction) => Promise<T>): Promise<T> {
    // BEGIN/COMMIT/ROLLBACK take these options: retrying them on a dead connection would only
    // delay the retry of the whole transaction on a new one.
    const onceOptions = { retry: { max: 1 } } as TransactionOptions;
    try {
      // each statement has its own bound; the whole transaction is retried only within a write's
      const deadline = Date.now() + this.timeouts.writeMs;
      const once = async () => {
        let done: Transaction | undefined;
        const result = await this.sequelize.transaction(onceOptions, (transaction) => {
          done = transaction;
          return work(transaction);
        });
        if (done) committed(done);
        return result;
      };
      // conflicts (deadlock, certification failure) around, connection trouble inside each try
      return await retryAsPromised(() => retryAsPromised(once, { ...otherTransientRetryWithin(deadline), name: 'transaction' }), {
        ...conflictRetryWithin(deadline),
        name: 'transaction after a conflict',
      });
    } catch (error) {
      throw classifyError(error, this.target);
    }
  }

  /** Fails with a classified error unless the server answers. */
  async ping(): Promise<void> {
    await this.select('ping', 'SELECT 1 AS ok');
  }

  /**
   * Closes the pool. A frozen server never answers the goodbye, so after a short grace the sockets
   * are cut: close() never hangs, and nothing left open keeps a CLI process alive.
   */
  async close(): Promise<void> {
    const closing = this.sequelize.close().then(() => true, () => true);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const graceOver = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_GRACE_MS)));
    const closed = await Promise.race([closing, graceOver]);
    clearTimeout(timer);
    if (!closed) {
      this.guard.destroyAll();
      await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
    }
  }

  private runOptions(queryName: string, options: QueryOptions, defaultMs: number): GuardedQueryOptions & Record<string, unknown> {
    const timeoutMs = options.timeoutMs ?? defaultMs;
    const deadlineAt = Date.now() + timeoutMs;
    return {
      replacements: options.replacements,
      transaction: options.transaction,
      // Inside a transaction only the whole transaction may be retried (see transaction()).
      retry: options.transaction ? { max: 1 } : retryWithin(deadlineAt),
      queryName,
      timeoutMs,
      deadlineAt,
    };
  }
}
