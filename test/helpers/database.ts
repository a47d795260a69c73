import { randomBytes } from 'node:crypto';
import mysql, { type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, inject } from 'vitest';
import { LocalDatabaseServer } from '../../src/core/sandbox/local-server.js';
import type { ConnectionProfile } from '../../src/shared/profile.js';
import { makeTempDir } from './temp-dirs.js';
import '../setup/provided.js';

export interface FreshDatabase {
  /** The database's name, `t_` and 12 hex digits. */
  readonly name: string;
  /** A profile for the code under test. */
  readonly profile: ConnectionProfile;
  /** A connection to the database for set-up and checks; multipleStatements on, session in UTC. */
  readonly admin: Connection;
}

type Filling<T> = { -readonly [K in keyof T]?: T[K] };

/** Fields filled in by beforeAll; reading one earlier (at collection time) is a clear error, not undefined. */
function lateBound<T extends object>(what: string, keys: (keyof T)[], fields: Filling<T>): T {
  return new Proxy(fields, {
    get(target, key) {
      const value = target[key as keyof T];
      if (value === undefined && keys.includes(key as keyof T)) {
        throw new Error(`${what}.${String(key)} is only available inside tests and hooks (after beforeAll)`);
      }
      return value;
    },
  }) as T;
}

type ServerAddress = Pick<ConnectionProfile, 'host' | 'port' | 'user' | 'password'>;

async function createDatabase(server: ServerAddress): Promise<FreshDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const bootstrap = await mysql.createConnection(server);
  try {
    // --no-defaults leaves MariaDB on latin1; the host application's tables are utf8mb4
    await bootstrap.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await bootstrap.end();
  }
  const admin = await mysql.createConnection({ ...server, database: name, multipleStatements: true, timezone: 'Z' });
  await admin.query("SET time_zone = '+00:00'");
  return { name, admin, profile: { ...server, database: name } };
}

async function dropDatabase(server: ServerAddress, database: FreshDatabase): Promise<void> {
  // a test may have restarted the server under the admin connection; drop over a new one
  await database.admin.end().catch(() => database.admin.destroy());
  const connection = await mysql.createConnection(server);
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${database.name}\``);
  } finally {
    await connection.end();
  }
}

/**
 * A database of its own for the calling test file, on the shared test server. Call at the top
 * level of the file: it registers the beforeAll that creates the database and the afterAll that
 * drops it, and its fields are usable from then on.
 */
export function freshDatabase(): FreshDatabase {
  const fields: Filling<FreshDatabase> = {};
  const { host, port, user, password } = inject('testServer');
  const server = { host, port, user, password };
  beforeAll(async () => {
    Object.assign(fields, await createDatabase(server));
  });
  afterAll(async () => {
    if (fields.admin) await dropDatabase(server, fields as FreshDatabase);
  });
  return lateBound('freshDatabase()', ['name', 'profile', 'admin'], fields);
}

export type ServerControl = Pick<LocalDatabaseServer, 'start' | 'stop' | 'kill' | 'restart' | 'running' | 'port'>;

/**
 * Stops, kills and starts the SHARED test server. Other test files run in parallel against it,
 * so an outage here is an outage there: prefer privateServer() for outage tests. Call at the top
 * level of the file: an afterAll brings the server back if a test left it down.
 */
export function serverControl(): ServerControl {
  const { dataDir, port } = inject('testServer');
  if (dataDir === null) {
    throw new Error('serverControl() needs the local test server; POOL_TEST_DATABASE_URL names an external server, which tests must not stop');
  }
  const server = new LocalDatabaseServer({ dataDir, port });
  afterAll(async () => {
    if (!server.running) await server.start();
  });
  return server;
}

export interface PrivateServer {
  readonly server: LocalDatabaseServer;
  /** A database created on it in beforeAll, with an admin connection like freshDatabase()'s. */
  readonly database: FreshDatabase;
}

/**
 * A server of the calling file's own, in a temp dir, for tests that stop, kill or restart it
 * without disturbing other files. Removed in afterAll. Needs a server binary on the machine.
 */
export function privateServer(): PrivateServer {
  const fields: Filling<PrivateServer> = {};
  beforeAll(async () => {
    const server = new LocalDatabaseServer({ dataDir: await makeTempDir() });
    fields.server = server;
    await server.start();
    fields.database = await createDatabase({ host: '127.0.0.1', port: server.port, user: 'root', password: '' });
  });
  afterAll(async () => {
    // the test may have killed the server under this connection
    await fields.database?.admin.end().catch(() => fields.database?.admin.destroy());
    await fields.server?.remove();
  });
  return lateBound('privateServer()', ['server', 'database'], fields);
}
