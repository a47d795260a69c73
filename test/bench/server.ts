import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { partsFromUrl } from '../../src/core/db/profile-url.js';
import { findServerBinary, LocalDatabaseServer } from '../../src/core/sandbox/local-server.js';
import type { ConnectionProfile } from '../../src/shared/profile.js';

/** Where the benchmark's databases live: a private server of its own, or the one in POOL_BENCH_DATABASE_URL. */
export interface BenchServer {
  /** 'private' (started and removed by the bench) or 'external'. */
  kind: 'private' | 'external';
  profile(database: string): ConnectionProfile;
  /** A connection without a default database, for CREATE/DROP DATABASE and server variables. */
  admin(database?: string): Promise<mysql.Connection>;
  /** Stops and deletes a private server; on an external one drops only the databases the bench created. */
  close(createdDatabases: string[]): Promise<void>;
}

export async function openServer(url: string | undefined): Promise<BenchServer> {
  return url ? externalServer(url) : privateServer();
}

/** A multi-statement connection whose session clock is UTC, like Database's. */
async function connect(profile: ConnectionProfile, database?: string): Promise<mysql.Connection> {
  const connection = await mysql.createConnection({
    host: profile.host,
    port: profile.port,
    user: profile.user,
    password: profile.password,
    socketPath: profile.socketPath,
    database,
    multipleStatements: true,
    timezone: 'Z',
  });
  await connection.query("SET time_zone = '+00:00'");
  return connection;
}

async function privateServer(): Promise<BenchServer> {
  const binary = findServerBinary();
  if (!binary) {
    throw new Error("No MariaDB/MySQL server binary: install Debian's mariadb-server, or set POOL_BENCH_DATABASE_URL=mysql://user:pass@host:port/");
  }
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `pool-console-bench-${process.pid}-`));
  const server = new LocalDatabaseServer({ dataDir, binary });
  try {
    await server.start();
  } catch (error) {
    await server.remove();
    throw error;
  }
  const base = server.profile('mysql');
  return {
    kind: 'private',
    profile: (database) => server.profile(database),
    admin: (database) => connect(base, database),
    close: () => server.remove(),
  };
}

async function externalServer(url: string): Promise<BenchServer> {
  const parts = partsFromUrl(url);
  const base: ConnectionProfile = {
    host: parts.host ?? '127.0.0.1',
    port: parts.port ?? 3306,
    user: parts.user ?? 'root',
    password: parts.password ?? '',
    database: 'mysql',
    socketPath: parts.socketPath,
  };
  return {
    kind: 'external',
    profile: (database) => ({ ...base, database }),
    admin: (database) => connect(base, database),
    close: async (createdDatabases) => {
      const admin = await connect(base);
      try {
        for (const name of createdDatabases) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await admin.end();
      }
    },
  };
}

/**
 * Sets the InnoDB buffer pool (dynamic on MariaDB 10.2+ and MySQL 5.7+) and waits for the resize,
 * since LocalDatabaseServer takes no extra server options. Returns the size in MiB now in effect.
 */
export async function setBufferPool(admin: mysql.Connection, megabytes: number): Promise<number> {
  await admin.query('SET GLOBAL innodb_buffer_pool_size = ?', [megabytes * 1024 * 1024]);
  for (let i = 0; i < 300; i += 1) {
    const [rows] = await admin.query<mysql.RowDataPacket[]>("SHOW STATUS LIKE 'Innodb_buffer_pool_resize_status'");
    const status = String(rows[0]?.Value ?? '');
    if (status === '' || /completed|finished|not started/i.test(status)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return bufferPoolMb(admin);
}

export async function bufferPoolMb(admin: mysql.Connection): Promise<number> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>('SELECT @@innodb_buffer_pool_size AS size');
  return Math.round(Number(rows[0]?.size) / 1024 / 1024);
}

export async function serverVersion(admin: mysql.Connection): Promise<string> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>('SELECT VERSION() AS version, @@version_comment AS comment');
  return `${rows[0]?.version} (${rows[0]?.comment})`;
}

/** What one commit costs the server's disk, which bounds the ceiling: redo flush per commit, binary log. */
export async function durability(admin: mysql.Connection): Promise<string> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>('SELECT @@innodb_flush_log_at_trx_commit AS flush, @@log_bin AS binlog');
  return `innodb_flush_log_at_trx_commit = ${rows[0]?.flush}, binary log ${Number(rows[0]?.binlog) ? 'on' : 'off'}`;
}
