import type { ConnectionState } from '../../shared/contract.js';
import { PoolError } from '../../shared/errors.js';
import type { ConnectionProfile, SavedProfile } from '../../shared/profile.js';
import type { SystemStatus } from '../../shared/results/health.js';
import type { RecorderState } from '../../shared/results/metrics.js';
import { statusWithin } from '../health/status-within.js';
import { Database } from '../db/database.js';
import { Heartbeat } from '../db/heartbeat.js';
import { LatencyRecorder } from '../db/latency.js';
import { CONNECTED, LivenessMonitor, type Liveness } from '../db/liveness.js';
import { MetricsRecorder } from '../metrics/index.js';
import { DatabaseBookingPool } from '../pool/database-booking-pool.js';
import { EntryActions } from '../pool/entry-actions.js';
import { PoolMigrationManager } from '../pool/pool-migration-manager.js';
import { PoolStartupManager } from '../pool/pool-startup-manager.js';
import { serverInfo } from '../schema/introspect.js';
import { RecordedFigures } from './recorded-figures.js';
import { recorderIntervalMs } from './recorder-interval.js';

/** Everything a connected console works with; stats and charts read from the replica when there is one. */
export interface ActiveConnection {
  saved: SavedProfile;
  sandbox: boolean;
  db: Database;
  statsDb: Database;
  pool: DatabaseBookingPool;
  statsPool: DatabaseBookingPool;
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
    let statsDb = db;
    try {
      const info = await serverInfo(db);
      if (saved.replica) {
        statsDb = new Database({ ...profile, host: saved.replica.host, port: saved.replica.port, socketPath: undefined }, { latency: this.latency });
        await statsDb.ping();
      }
      await this.disconnect();
      const pool = new DatabaseBookingPool(db);
      const liveness = new LivenessMonitor({ heartbeat: new Heartbeat(profile, db.timeouts.heartbeatMs), timeoutMs: db.timeouts.heartbeatMs, database: profile.database });
      liveness.start();
      // on the primary: the leader writes its rows there, and a replica's newest row may lag
      const recorder = new MetricsRecorder(db, { role: 'console', intervalMs });
      // a read-only profile writes nothing, history rows included: it reads the others' rows
      if (this.options.record !== false && !saved.readOnly) recorder.start();
      const statsPool = statsDb === db ? pool : new DatabaseBookingPool(statsDb);
      this.active = {
        liveness, recorder, figures: new RecordedFigures(db, statsPool, recorder),
        saved, sandbox: Boolean(options.sandbox), db, statsDb, pool, statsPool,
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
      if (statsDb !== db) await statsDb.close().catch(() => undefined);
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
      await closing.db.close().catch(() => undefined);
      if (closing.statsDb !== closing.db) await closing.statsDb.close().catch(() => undefined);
    }
    this.latency.reset();
    for (const listener of this.switchListeners) listener();
    return this.current;
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
