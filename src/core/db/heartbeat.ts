import mysql from 'mysql2/promise';
import type { PoolError } from '../../shared/errors.js';
import type { ConnectionProfile } from '../../shared/profile.js';
import { classifyError, errorTarget } from './classify-error.js';

const PROBE_SQL = 'SELECT 1 AS ok, EXISTS(SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?) AS present';

/**
 * The heartbeat's own connection: never one of the pool's, so a pool full of slow statements
 * cannot make the heartbeat wait. It opens without a default database, so that it can still ask
 * the server after the database was dropped, and asks whether the database exists.
 */
export class Heartbeat {
  private connection: Promise<mysql.Connection> | null = null;

  constructor(private readonly profile: ConnectionProfile, private readonly connectTimeoutMs: number) {}

  /**
   * True when the server answered and the database exists, false when it answered that the
   * database is gone; rejects with a PoolError when the server cannot be asked. Has no timeout of
   * its own: the caller decides how long an answer may take (a late answer still proves the
   * server is back).
   */
  async beat(): Promise<boolean> {
    const connection = await (this.connection ??= this.open());
    try {
      const [rows] = await connection.query<mysql.RowDataPacket[]>(PROBE_SQL, [this.profile.database]);
      return Number(rows[0]?.present) === 1;
    } catch (error) {
      this.reset();
      throw this.classify(error);
    }
  }

  /** Drops the connection at once (an unanswered beat fails); the next beat opens a new one. */
  reset(): void {
    const closing = this.connection;
    this.connection = null;
    void closing?.then((connection) => connection.destroy(), () => undefined);
  }

  private async open(): Promise<mysql.Connection> {
    try {
      const connection = await mysql.createConnection({
        host: this.profile.host,
        port: this.profile.port,
        user: this.profile.user,
        password: this.profile.password,
        socketPath: this.profile.socketPath,
        ssl: this.profile.tls ? { ca: this.profile.tls.ca, rejectUnauthorized: this.profile.tls.rejectUnauthorized } : undefined,
        connectTimeout: this.connectTimeoutMs,
      });
      // an idle connection the server closes emits 'error': without a listener that would crash the process
      connection.on('error', () => this.reset());
      return connection;
    } catch (error) {
      this.connection = null;
      throw this.classify(error);
    }
  }

  private classify(error: unknown): PoolError {
    return classifyError(error, errorTarget(this.profile));
  }
}
