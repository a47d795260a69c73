import type { ConnectionState } from '../../shared/contract.js';
import { PoolError } from '../../shared/errors.js';
import type { ConnectionProfile, SavedProfile } from '../../shared/profile.js';
import type { SystemStatus } from '../../shared/results/health.js';
import type { RecorderState } from '../../shared/results/metrics.js';
import type { ReadSource, ReplicaReport } from '../../shared/results/replica.js';
import { statusWithin } from '../health/status-within.js';
import { Database } from '../db/database.js';
import { Heartbeat } from '../db/heartbeat.js';
import { LatencyRecorder } from '../db/latency.js';
import { CONNECTED, LivenessMonitor, type Liveness } from '../db/liveness.js';
import { ReplicaRouter } from '../db/replica-router.js';
import { MetricsRecorder } from '../metrics/index.js';
import { DatabaseBookingPool } from '../pool/database-booking-pool.js';
import { EntryActions } from '../pool/entry-actions.js';
import { PoolMigrationManager } from '../pool/pool-migration-manager.js';
import { PoolStartupManager } from '../pool/pool-startup-manager.js';
import { serverInfo } from '../schema/introspect.js';
import { RecordedFigures } from './recorded-figures.js';
import { recorderIntervalMs } from './recorder-interval.js';

/** Everything a connected console works with; stats, history and entry lists read from the replica when there is one. */
export interface ActiveConnection {
  saved: SavedProfile;
  sandbox: boolean;
  /** The primary: every write, claim and migration, and every read when there is no replica. */
  db: Database;
  pool: DatabaseBookingPool;
  /** The profile's read replica, and where each read goes (null without one). */
  replica: ReplicaRouter | null;
  /** The pool on the replica (null without one). */
  replicaPool: DatabaseBookingPool | null;
  manager: PoolMigrationManager;
  startup: PoolStartupManager;
  entries: EntryActions;
  serverVersion: string;
  /** The primary's heartbeat: what the header, the live stream and the status say of the connection. */
  liveness: LivenessMonitor;
  /** This connection's history recorder (POOL_METRICS): leader or follower among every console and agent. */
  recorder: MetricsRecorder;
  /** What the live stream shows: the newest recorded row (a direct count only without one). */
  figures: RecordedFigures;
}

export interface ConnectionSessionOptions {
  /**
   * Whether each connection runs a history recorder (default true; never on a read-only profile).
   * A one-shot command-line call does not: it would contend for the lock and count the pool for
   * one row it never shows.
   */
  record?: boolean;
  /** Where POOL_RECORDER_INTERVAL_MS is read (process.env by default). */
  env?: NodeJS.ProcessEnv;
}

/** How long a disconnect waits for the recorder to stop before closing the connection anyway. */
const RECORDER_STOP_MS = 2_000;

/** Waits for `work` to settle, at most `ms`; its failure is of no interest here. */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([work.catch(() => undefined), bound]);
  clearTimeout(timer);
}

const DISCONNECTED: ConnectionState = {
  connected: false, profileName: null, environment: null, readOnly: false, sandbox: false,
  host: null, database: null, serverVersion: null, status: 'disconnected', message: null,
};

/** The console's one current connection: switching closes the previous one. */
export class ConnectionSession {
  private active: ActiveConnection | null = null;
  private current: ConnectionState = DISCONNECTED;
  readonly latency = new LatencyRecorder();
  private readonly switchListeners: (() => void)[] = [];

  constructor(private readonly options: ConnectionSessionOptions = {}) {}

  onSwitch(listener: () => void): void {
    this.switchListeners.push(listener);
  }

  /** The connection as chosen, with the heartbeat's verdict on it. */
  get state(): ConnectionState {
    if (!this.active || this.current.status !== 'connected') return this.current;
    const live = this.active.liveness.state;
    return live.status === 'connected' ? this.current : { ...this.current, status: live.status, message: live.message };
  }

  /** The heartbeat's verdict; connected when nothing is open. */
  liveness(): Liveness {
    return this.active?.liveness.state ?? CONNECTED;
  }

  /** The heartbeat's verdict after its next beat: for a read that just failed. */
  confirmLiveness(): Promise<Liveness> {
    return this.active?.liveness.confirm() ?? Promise.resolve(CONNECTED);
  }

  /** Whether the server answered anything (a heartbeat) at or after `time`. */
  answeredSince(time: number): boolean {
    return this.active?.liveness.answeredSince(time) ?? false;
  }

  /** The status `compute` finds, within the status deadline whatever the database does. */
  systemStatus(compute: (active: ActiveConnection) => Promise<SystemStatus>): Promise<SystemStatus> {
    const active = this.require();
    return statusWithin(() => compute(active), { liveness: () => active.liveness.state });
  }

  /** Opens and checks a connection before it replaces the current one; a failure leaves the old one. */
  async connect(saved: SavedProfile, profile: ConnectionProfile, options: { sandbox?: boolean } = {}): Promise<ConnectionState> {
    const intervalMs = recorderIntervalMs(this.options.env);
    const db = new Database(profile, { latency: this.latency });
    let replica: ReplicaRouter | null = null;
    try {
      const info = await serverInfo(db);
      if (saved.replica) {
        const replicaDb = new Database({ ...profile, host: saved.replica.host, port: saved.replica.port, socketPath: undefined }, { latency: this.latency });
        replica = new ReplicaRouter({ primary: db, replica: replicaDb, maxLagSeconds: saved.replica.maxLagSeconds });
        // a replica that does not answer does not stop the connection: reads go to the primary and say why
        await replica.start();
      }
      await this.disconnect();
      const pool = new DatabaseBookingPool(db);
      const liveness = new LivenessMonitor({ heartbeat: new Heartbeat(profile, db.timeouts.heartbeatMs), timeoutMs: db.timeouts.heartbeatMs, database: profile.database });
      liveness.start();
      // on the primary: the leader writes its rows there, and a replica's newest row may lag;
      // the leader's count runs on the replica while it is fit to read; its rows are written here
      const recorder = new MetricsRecorder(db, { role: 'console', intervalMs, ...(replica ? { countVia: replica.read.bind(replica) } : {}) });
      // a read-only profile writes nothing, history rows included: it reads the others' rows
      if (this.options.record !== false && !saved.readOnly) recorder.start();
      const replicaPool = replica ? new DatabaseBookingPool(replica.replica) : null;
      this.active = {
        liveness, recorder, figures: new RecordedFigures(db, (work) => this.readFromReplica(work), recorder),
        saved, sandbox: Boolean(options.sandbox), db, pool, replica, replicaPool,
        manager: new PoolMigrationManager(db), startup: new PoolStartupManager(db), entries: new EntryActions(db, pool),
        serverVersion: info.version,
      };
      this.current = {
        connected: true, profileName: saved.name, environment: saved.environment, readOnly: saved.readOnly, sandbox: Boolean(options.sandbox),
        host: profile.socketPath ?? `${profile.host}:${profile.port}`, database: profile.database, serverVersion: info.version,
        status: 'connected', message: null,
      };
      return this.current;
    } catch (error) {
      await db.close().catch(() => undefined);
      replica?.stop();
      await replica?.replica.close().catch(() => undefined);
      throw error;
    }
  }

  async disconnect(): Promise<ConnectionState> {
    const closing = this.active;
    this.active = null;
    this.current = DISCONNECTED;
    if (closing) {
      closing.liveness.stop();
      // gives the lock up, so another console leads at once; bounded, as a frozen server answers
      // neither the pass under way nor the release (the lock then dies with its connection)
      await settledWithin(closing.recorder.stop(), RECORDER_STOP_MS);
      closing.replica?.stop();
      await closing.db.close().catch(() => undefined);
      await closing.replica?.replica.close().catch(() => undefined);
    }
    this.latency.reset();
    for (const listener of this.switchListeners) listener();
    return this.current;
  }

  /**
   * A read that may go to the replica (stats, history, entry lists): run where the replica router
   * says, with where it ran and the lag attached as `source`. Without a replica, on the primary
   * and without `source`.
   */
  async readFromReplica<T extends object>(work: (pool: DatabaseBookingPool, db: Database) => Promise<T>): Promise<T & { source?: ReadSource }> {
    const active = this.require();
    const { replica, replicaPool } = active;
    if (!replica || !replicaPool) return work(active.pool, active.db);
    const { value, source } = await replica.read((db) => (db === active.db ? work(active.pool, db) : work(replicaPool, db)));
    return { ...value, source };
  }

  /** What the console knows of the profile's replica; null without one. */
  replicaReport(): ReplicaReport | null {
    return this.require().replica?.report ?? null;
  }

  /** This connection's recorder: its role, interval, backoff and last error. */
  recorderState(): RecorderState {
    return this.require().recorder.state();
  }

  require(): ActiveConnection {
    if (!this.active) throw new PoolError('UNREACHABLE', 'No database is connected: choose a profile on the Connection page, or open the sandbox.');
    return this.active;
  }

  /** A read-only profile refuses every writing operation here, whatever the front sends. */
  assertWritable(operation: string): void {
    const active = this.require();
    if (active.saved.readOnly) {
      throw new PoolError('NO_PRIVILEGE', `Profile '${active.saved.name}' is read-only: '${operation}' would change the database. Use a profile without the read-only flag.`);
    }
  }

}
