import type mysql from 'mysql2/promise';
import type { ConnectionProfile } from '../../shared/profile.js';
import { CLUSTER_LOCK_TTL_SECONDS, TableLock } from '../db/cluster-lock.js';
import type { Database } from '../db/database.js';
import { isGalera } from '../db/galera.js';
import { ensureLockTable } from '../db/lock-table.js';
import { lockName, openSession } from '../db/named-lock.js';
import { resolveTimeouts } from '../db/timeouts.js';

/** The lock's purpose; lockName() scopes it to one database (the server's locks are server-wide). */
export const RECORDER_LOCK_PURPOSE = 'recorder';

/** The recorder lock's name for a database: `pool_console.recorder.<digest of the database name>`. */
export function recorderLockName(database: string): string {
  return lockName(RECORDER_LOCK_PURPOSE, database);
}

/**
 * Leadership among recorders: GET_LOCK(name, 0) held on a connection of its own. The server frees
 * the lock when that connection ends, however it ends (process killed, network gone, KILL), so a
 * dead leader never blocks the others; `held()` asks the server whether this connection still
 * holds it, and is checked before every write.
 *
 * On a Galera cluster GET_LOCK holds on one node only, so with `db` on a Galera node the lock is a
 * POOL_LOCKS row instead (db/cluster-lock.ts): `held()` renews it, and a dead leader's row lapses
 * within its TTL (60 s, or three recorder intervals), after which another recorder takes over.
 */
export class RecorderLock {
  private session: mysql.Connection | null = null;
  private sessionId: number | null = null;
  readonly name: string;
  private row: TableLock | null = null;

  /**
   * `renewEveryMs`: how often the recorder checks `held()`, i.e. renews the row on Galera; the row
   * lives three of those (at least 60 s), so a leader that ticks slowly does not lose it between ticks.
   */
  constructor(
    private readonly profile: ConnectionProfile,
    private readonly db?: Database,
    private readonly renewEveryMs: () => number = () => 0,
  ) {
    this.name = recorderLockName(profile.database);
  }

  /** The row lock on a Galera cluster (table created if missing), else null: asked once. */
  private async clusterRow(): Promise<TableLock | null> {
    if (!this.db || !(await isGalera(this.db))) return null;
    if (!this.row) {
      await ensureLockTable(this.db);
      this.row = new TableLock(this.db, this.name, () => Math.max(CLUSTER_LOCK_TTL_SECONDS, Math.ceil((3 * this.renewEveryMs()) / 1000)));
    }
    return this.row;
  }

  /** The server's id of the connection holding the lock while this recorder leads, else null. */
  get connectionId(): number | null {
    return this.sessionId;
  }

  /** Tries once, without waiting; true when this recorder now holds the lock. Failures are thrown. */
  async tryAcquire(): Promise<boolean> {
    const row = await this.clusterRow();
    if (row) return row.tryAcquire();
    const session = await this.open();
    try {
      const [rows] = await session.query<mysql.RowDataPacket[]>({ sql: 'SELECT GET_LOCK(?, 0) AS got, CONNECTION_ID() AS id', values: [this.name], timeout: resolveTimeouts().readMs });
      if (Number(rows[0]?.got) !== 1) return false;
      this.sessionId = Number(rows[0]?.id);
      return true;
    } catch (error) {
      this.drop();
      throw error;
    }
  }

  /** Whether this recorder's connection still holds the lock; false (and the connection dropped) when it was lost. */
  async held(): Promise<boolean> {
    if (this.row) return this.row.renew().catch(() => false);
    const session = this.session;
    if (!session || this.sessionId === null) return false;
    try {
      const [rows] = await session.query<mysql.RowDataPacket[]>({ sql: 'SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS mine', values: [this.name], timeout: resolveTimeouts().readMs });
      if (Number(rows[0]?.mine) === 1) return true;
    } catch {
      // the connection died (killed, network): the server has freed the lock with it
    }
    this.drop();
    return false;
  }

  /** Gives the lock up and closes its connection. */
  async release(): Promise<void> {
    if (this.row) {
      await this.row.release().catch(() => undefined);
      return;
    }
    const session = this.session;
    this.session = null;
    this.sessionId = null;
    if (!session) return;
    await session.query({ sql: 'SELECT RELEASE_LOCK(?)', values: [this.name], timeout: 1_000 }).catch(() => undefined);
    // a frozen server never acknowledges the quit: after a second, the socket is closed anyway
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 1_000);
    });
    await Promise.race([session.end().catch(() => undefined), bound]);
    clearTimeout(timer);
    session.destroy();
  }

  private async open(): Promise<mysql.Connection> {
    if (this.session) return this.session;
    const session = await openSession(this.profile);
    // A connection killed while idle emits 'error'; unheard, that would crash the process.
    session.on('error', () => {
      if (this.session === session) this.drop();
    });
    this.session = session;
    return session;
  }

  private drop(): void {
    const session = this.session;
    this.session = null;
    this.sessionId = null;
    session?.destroy();
  }
}
