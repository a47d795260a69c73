import mysql from 'mysql2/promise';
import type { TestProject } from 'vitest/node';
import { findServerBinary, LocalDatabaseServer } from '../../src/core/sandbox/local-server.js';
import { makeTempDir, sweepOrphanedTempDirs } from '../helpers/temp-dirs.js';
import type { TestServer } from './provided.js';

const NO_SERVER =
  "No database server for the tests: install Debian's mariadb-server (apt-get install -y mariadb-server) or MySQL 8, or set POOL_TEST_DATABASE_URL=mysql://user:pass@host:port/";

async function externalServer(url: string): Promise<TestServer> {
  const parsed = new URL(url);
  const server: TestServer = {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    dataDir: null,
  };
  // fail here, once, rather than in every test file
  try {
    const { host, port, user, password } = server;
    const connection = await mysql.createConnection({ host, port, user, password, connectTimeout: 5_000 });
    await connection.end();
  } catch (error) {
    throw new Error(
      `POOL_TEST_DATABASE_URL: cannot connect to ${server.user}@${server.host}:${server.port}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return server;
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const url = process.env.POOL_TEST_DATABASE_URL;
  if (url) {
    project.provide('testServer', await externalServer(url));
    return undefined;
  }

  const binary = findServerBinary();
  if (!binary) throw new Error(NO_SERVER);
  await sweepOrphanedTempDirs();
  const dataDir = await makeTempDir();
  const server = new LocalDatabaseServer({ dataDir, binary });
  try {
    await server.start();
  } catch (error) {
    await server.remove();
    throw error;
  }
  project.provide('testServer', { host: '127.0.0.1', port: server.port, user: 'root', password: '', dataDir });

  return async () => {
    // a test may have restarted the server from its own worker: stop() finds it by the pid file
    await server.remove();
  };
}
