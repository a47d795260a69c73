import { PoolError } from '../../shared/errors.js';
import type { ReadSource, ReplicaReport, ReplicationThreads } from '../../shared/results/replica.js';
import type { Database } from './database.js';
import { Heartbeat } from './heartbeat.js';
import { LivenessMonitor } from './liveness.js';
import { readReplicationThreads } from './replica-status.js';

/** How often the replica's threads and lag are read again. */
const CHECK_EVERY_MS = 1_000;
/** A metrics row newer than this on the primary means a recorder is writing, so the replica's newest row tells its lag. */
const RECORDER_FRESH_SECONDS = 60;

export interface ReplicaRouterOptions {
  primary: Database;
  replica: Database;
  maxLagSeconds: number;
  /** Between two checks of the threads (default 1 s); a check never overlaps the previous one. */
  checkEveryMs?: number;
}

/** What one check found, before liveness and read failures are weighed in. */
interface Check {
  threads: ReplicationThreads | null;
  threadsNote: string | null;
  lagSeconds: number | null;
  lagBasis: ReplicaReport['lagBasis'];
  checkedAt: Date;
  /** The check itself failed to reach the replica. */
  unreachable: string | null;
}

/**
 * Where a read goes: the replica while it answers, both its threads run and its lag is known and
 * at most the threshold; the primary otherwise, with the reason. Pure, so every rule is tested alone.
 */
export function decideRoute(input: { reachable: string | null; check: Check | null; maxLagSeconds: number }): ReadSource {
  const { check, maxLagSeconds } = input;
  const lag = check?.lagSeconds ?? null;
  const primary = (fallbackReason: string): ReadSource => ({ server: 'primary', lagSeconds: lag, fallbackReason });
  if (input.reachable) return primary(`the replica does not answer: ${input.reachable}`);
  if (!check) return primary('the replica has not been checked yet');
  if (check.unreachable) return primary(`the replica does not answer: ${check.unreachable}`);
  const threads = check.threads;
  if (threads && !threads.ioRunning) return primary(`the replica's IO thread is stopped${threads.lastError ? ` (${threads.lastError})` : ''}`);
  if (threads && !threads.sqlRunning) return primary(`the replica's SQL thread is stopped${threads.lastError ? ` (${threads.lastError})` : ''}`);
  if (lag === null) return primary(`the replica's lag is unknown: ${check.threadsNote ?? 'the server does not say'}`);
  if (lag > maxLagSeconds) return primary(`replica ${lag} s behind (threshold ${maxLagSeconds} s)`);
  return { server: 'replica', lagSeconds: lag };
}

/**
 * The replica side of a connection (issue 13): a heartbeat on its own connection (the liveness
 * monitor the primary uses), a check of its replication threads every second, and the choice, per
 * read, of replica or primary. A read that fails on the replica is run again on the primary at once,
 * and reads stay there until a later check finds the replica answering.
 */
export class ReplicaRouter {
  readonly liveness: LivenessMonitor;
  private last: Check | null = null;
  private readFailure: { at: number; message: string } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private checking: Promise<Check> | null = null;
  private stopped = true;

  constructor(private readonly options: ReplicaRouterOptions) {
    const { replica } = options;
    this.liveness = new LivenessMonitor({ heartbeat: new Heartbeat(replica.profile, replica.timeouts.heartbeatMs), timeoutMs: replica.timeouts.heartbeatMs, database: replica.profile.database });
  }

  get primary(): Database {
    return this.options.primary;
  }

  get replica(): Database {
    return this.options.replica;
  }

  get address(): string {
    return `${this.options.replica.profile.host}:${this.options.replica.profile.port}`;
  }

  /** Starts the heartbeat and the checks; the first check is awaited, so the first read is routed on facts. */
  async start(): Promise<void> {
    this.stopped = false;
    this.liveness.start();
    await this.check();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.liveness.stop();
  }

  /** What the console knows of the replica now. */
  get report(): ReplicaReport {
    const route = this.route();
    const check = this.last;
    return {
      address: this.address,
      maxLagSeconds: this.options.maxLagSeconds,
      reachable: this.liveness.state.status === 'connected' && !check?.unreachable,
      threads: check?.threads ?? null,
      threadsNote: check?.threadsNote ?? null,
      lagSeconds: check?.lagSeconds ?? null,
      lagBasis: check?.lagBasis ?? 'unknown',
      route,
      checkedAt: check?.checkedAt ?? null,
    };
  }

  /** Where the next read goes, and why not the replica when it does not. */
  route(): ReadSource {
    const live = this.liveness.state;
    const reachable = live.status !== 'connected'
      ? (live.message ?? `its heartbeat gets no answer within ${this.options.replica.timeouts.heartbeatMs} ms`)
      : this.readFailure?.message ?? null;
    return decideRoute({ reachable, check: this.last, maxLagSeconds: this.options.maxLagSeconds });
  }

  /**
   * Runs `work` where the route says; a replica read that fails (its server gone, its table not
   * there yet) runs again on the primary, and the result says so.
   */
  async read<T>(work: (db: Database) => Promise<T>): Promise<{ value: T; source: ReadSource }> {
    const source = this.route();
    if (source.server === 'primary') return { value: await work(this.primary), source };
    try {
      return { value: await work(this.replica), source };
    } catch (error) {
      if (!(error instanceof PoolError) || error.code === 'INVALID_INPUT' || error.code === 'CANCELLED') throw error;
      this.readFailure = { at: Date.now(), message: error.message };
      return { value: await work(this.primary), source: { server: 'primary', lagSeconds: source.lagSeconds, fallbackReason: `the replica failed to answer: ${error.message}` } };
    }
  }

  /** One check now (or the one under way): the threads, the lag, whether the replica answers. */
  check(): Promise<Check> {
    this.checking ??= this.checkOnce().finally(() => (this.checking = null));
    return this.checking;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.check().finally(() => this.schedule());
    }, this.options.checkEveryMs ?? CHECK_EVERY_MS);
    this.timer.unref?.();
  }

  private async checkOnce(): Promise<Check> {
    const started = Date.now();
    const timeoutMs = Math.max(1_000, 2 * this.replica.timeouts.heartbeatMs);
    let check: Check;
    try {
      const threads = await readReplicationThreads(this.replica, timeoutMs);
      if (threads) {
        check = { threads, threadsNote: null, lagSeconds: threads.lagSeconds, lagBasis: threads.lagSeconds === null ? 'unknown' : 'replication-status', checkedAt: new Date(), unreachable: null };
      } else {
        check = await this.estimated(`${this.address} replicates from nothing (SHOW REPLICA STATUS is empty): is it the replica?`, timeoutMs);
      }
    } catch (error) {
      if (!(error instanceof PoolError)) throw error;
      if (error.code === 'NO_PRIVILEGE') {
        check = await this.estimated(`user '${this.replica.profile.user}' may not read the replication status (it needs REPLICATION CLIENT on MySQL, SLAVE MONITOR on MariaDB)`, timeoutMs);
      } else {
        check = { threads: null, threadsNote: error.message, lagSeconds: null, lagBasis: 'unknown', checkedAt: new Date(), unreachable: error.message };
      }
    }
    // a read failure is forgotten only once a check started after it reached the replica
    if (!check.unreachable && this.readFailure && this.readFailure.at <= started) this.readFailure = null;
    this.last = check;
    return check;
  }

  /**
   * Without the threads' figure: the newest POOL_METRICS row on the replica against the primary's,
   * while a recorder writes one every few seconds there; otherwise the lag stays unknown.
   */
  private async estimated(note: string, timeoutMs: number): Promise<Check> {
    const base = { threads: null, lagBasis: 'unknown' as const, checkedAt: new Date(), unreachable: null };
    const sql = "SELECT MAX(SAMPLE_TIME) AS newest, UTC_TIMESTAMP(3) AS now FROM POOL_METRICS WHERE RESOLUTION = 10";
    let primaryRow: { newest: Date | null; now: Date } | undefined;
    let replicaRow: { newest: Date | null } | undefined;
    try {
      [primaryRow] = await this.primary.select<{ newest: Date | null; now: Date }>('replica.lag.primary-row', sql, { timeoutMs });
      [replicaRow] = await this.replica.select<{ newest: Date | null }>('replica.lag.replica-row', sql, { timeoutMs });
    } catch (error) {
      if (!(error instanceof PoolError)) throw error;
      return { ...base, threadsNote: `${note}; the history rows cannot tell it either (${error.message})`, lagSeconds: null };
    }
    const primaryNewest = primaryRow?.newest;
    if (!primaryRow || !primaryNewest || primaryRow.now.getTime() - primaryNewest.getTime() > RECORDER_FRESH_SECONDS * 1000) {
      return { ...base, threadsNote: `${note}; no recorder writes history rows to compare`, lagSeconds: null };
    }
    const replicaNewest = replicaRow?.newest?.getTime() ?? Number.NEGATIVE_INFINITY;
    const lagSeconds = Math.max(0, Math.round((primaryNewest.getTime() - replicaNewest) / 1000));
    return { ...base, threadsNote: `${note}; lag estimated from the newest history row`, lagSeconds: Number.isFinite(lagSeconds) ? lagSeconds : null, lagBasis: 'metrics-rows' };
  }
}
