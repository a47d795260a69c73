import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll } from 'vitest';
import { LocalDatabaseServer } from '../../src/core/sandbox/local-server.js';
import type { ConnectionProfile } from '../../src/shared/profile.js';
import { makeTempDir, sweepOrphanedTempDirs } from './temp-dirs.js';

/* A real primary and a real replica (binary log, GTID) on loopback, each a throwaway server of its own. */

const PRIMARY_ARGS = ['--server-id=1', '--log-bin=primary-bin', '--binlog-format=ROW', '--gtid-strict-mode=ON'];
// read_only: root (SUPER / READ_ONLY ADMIN) may still write there, as a test that diverges it on purpose does
const REPLICA_ARGS = ['--server-id=2', '--read-only=ON', '--relay-log=replica-relay', '--gtid-strict-mode=ON'];
const REPLICATION_USER = 'pool_repl';
const WAIT_MS = 20_000;

export interface ReplicaPair {
  readonly primary: LocalDatabaseServer;
  readonly replica: LocalDatabaseServer;
  /** A root connection to the primary (no default database), session in UTC. */
  readonly primaryAdmin: Connection;
  /** A connection to the server as root; the caller ends it. */
  connect(server: 'primary' | 'replica', database?: string): Promise<Connection>;
  /** The primary's profile for a database, and where its replica is. */
  profile(database: string): ConnectionProfile;
  replicaAddress(): { host: string; port: number };
  /** Waits until the replica has applied everything the primary has written so far. */
  caughtUp(): Promise<void>;
  /** Runs one statement on the replica as root (STOP SLAVE SQL_THREAD, CHANGE MASTER TO MASTER_DELAY …). */
  onReplica(sql: string): Promise<RowDataPacket[]>;
  /** SHOW SLAVE STATUS's row, as the replica says it. */
  replicaStatus(): Promise<RowDataPacket>;
  /** Stops both servers and removes their folders. */
  remove(): Promise<void>;
}

async function rootConnection(server: LocalDatabaseServer, database?: string): Promise<Connection> {
  const connection = await mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'root', password: '', database, multipleStatements: true, timezone: 'Z' });
  await connection.query("SET time_zone = '+00:00'");
  return connection;
}

async function query(server: LocalDatabaseServer, sql: string): Promise<RowDataPacket[]> {
  const connection = await rootConnection(server);
  try {
    const [rows] = await connection.query<RowDataPacket[]>(sql);
    return rows;
  } finally {
    await connection.end();
  }
}

async function waitForThreads(replica: LocalDatabaseServer): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  let last: RowDataPacket | undefined;
  while (Date.now() < deadline) {
    [last] = await query(replica, 'SHOW SLAVE STATUS');
    if (last?.Slave_IO_Running === 'Yes' && last.Slave_SQL_Running === 'Yes') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The replica's threads did not start within ${WAIT_MS / 1000} s: IO ${last?.Slave_IO_Running}, SQL ${last?.Slave_SQL_Running}, ${last?.Last_IO_Error || last?.Last_SQL_Error || 'no error'}`);
}

/** Starts a primary and a replica replicating from it (MASTER_USE_GTID=slave_pos), threads running. */
export async function startReplicaPair(): Promise<ReplicaPair> {
  await sweepOrphanedTempDirs();
  const primary = new LocalDatabaseServer({ dataDir: await makeTempDir(), extraArgs: PRIMARY_ARGS });
  const replica = new LocalDatabaseServer({ dataDir: await makeTempDir(), extraArgs: REPLICA_ARGS });
  const remove = async () => {
    await Promise.all([primary.remove(), replica.remove()]);
  };
  let primaryAdmin: Connection | undefined;
  try {
    await Promise.all([primary.start(), replica.start()]);
    await query(primary, `CREATE USER '${REPLICATION_USER}'@'127.0.0.1' IDENTIFIED BY 'repl'; GRANT REPLICATION SLAVE ON *.* TO '${REPLICATION_USER}'@'127.0.0.1'`);
    await query(
      replica,
      `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary.port}, MASTER_USER='${REPLICATION_USER}', MASTER_PASSWORD='repl', MASTER_CONNECT_RETRY=1, MASTER_USE_GTID=slave_pos; START SLAVE`,
    );
    await waitForThreads(replica);
    primaryAdmin = await rootConnection(primary);
  } catch (error) {
    await remove();
    throw error;
  }
  const admin = primaryAdmin;

  return {
    primary,
    replica,
    primaryAdmin: admin,
    connect: (server, database) => rootConnection(server === 'primary' ? primary : replica, database),
    profile: (database) => ({ ...primary.profile(database) }),
    replicaAddress: () => ({ host: '127.0.0.1', port: replica.port }),
    async caughtUp() {
      const [position] = await query(primary, 'SELECT @@gtid_binlog_pos AS pos');
      const [waited] = await query(replica, `SELECT MASTER_GTID_WAIT('${String(position?.pos)}', ${WAIT_MS / 1000}) AS result`);
      if (Number(waited?.result) !== 0) throw new Error(`The replica did not reach the primary's position ${String(position?.pos)} within ${WAIT_MS / 1000} s`);
    },
    onReplica: (sql) => query(replica, sql),
    async replicaStatus() {
      const [row] = await query(replica, 'SHOW SLAVE STATUS');
      if (!row) throw new Error('The replica has no replication configured');
      return row;
    },
    async remove() {
      await admin.end().catch(() => admin.destroy());
      await remove();
    },
  };
}

/**
 * A primary and replica of the calling file's own, started in beforeAll and removed in afterAll
 * (a run killed before then leaves temp dirs the next run's sweep stops and removes).
 */
export function replicaPair(): { readonly pair: ReplicaPair } {
  const holder: { pair?: ReplicaPair } = {};
  beforeAll(async () => {
    holder.pair = await startReplicaPair();
  }, 120_000);
  afterAll(async () => {
    await holder.pair?.remove();
  });
  return {
    get pair(): ReplicaPair {
      if (!holder.pair) throw new Error('replicaPair() is only available inside tests and hooks (after beforeAll)');
      return holder.pair;
    },
  };
}
