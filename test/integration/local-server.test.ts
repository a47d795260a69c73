import fs from 'node:fs';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDatabaseServer } from '../../src/core/sandbox/local-server.js';
import { freshDatabase } from '../helpers/database.js';
import { makeTempDir } from '../helpers/temp-dirs.js';

/** The pid the server's pid file names; throws when the file is not there. */
function pidInFile(server: LocalDatabaseServer): number {
  return Number(fs.readFileSync(`${server.dataDir}/pid`, 'utf8'));
}

async function connect(server: LocalDatabaseServer, database?: string) {
  return mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'root', password: '', database, connectTimeout: 2_000 });
}

// each test starts and stops real servers: up to 33 s (the first, which initialises the data dir)
// and 22 s seen with both cores kept busy, against 2–6 s on an idle machine
describe('LocalDatabaseServer', { timeout: 90_000 }, () => {
  let server: LocalDatabaseServer;

  beforeAll(async () => {
    server = new LocalDatabaseServer({ dataDir: await makeTempDir() });
  });

  afterAll(async () => {
    await server?.remove();
  });

  it('starts on a free port and answers a query, its pid file naming it', async () => {
    await server.start();
    expect(server.running).toBe(true);
    expect(() => process.kill(pidInFile(server), 0)).not.toThrow();
    expect(server.profile('x')).toEqual({ host: '127.0.0.1', port: server.port, user: 'root', password: '', database: 'x' });
    const connection = await connect(server);
    try {
      const [rows] = await connection.query<RowDataPacket[]>('SELECT VERSION() AS version');
      expect(rows[0]?.version).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      await connection.end();
    }
  });

  it('survives a crash: kill() makes connections fail, start() on the same dir keeps the data and the port', async () => {
    const setup = await connect(server);
    await setup.query('CREATE DATABASE keep_me');
    await setup.query('CREATE TABLE keep_me.survivor (id INT PRIMARY KEY) ENGINE=InnoDB');
    await setup.query('INSERT INTO keep_me.survivor VALUES (42)');
    await setup.end();
    const port = server.port;
    const crashed = pidInFile(server);

    await server.kill();
    expect(server.running).toBe(false);
    expect(() => process.kill(crashed, 0)).toThrow();
    await expect(connect(server)).rejects.toThrow();

    await server.start();
    expect(server.port).toBe(port);
    const after = await connect(server, 'keep_me');
    try {
      const [rows] = await after.query<RowDataPacket[]>('SELECT id FROM survivor');
      expect(rows.map((row) => row.id)).toEqual([42]);
    } finally {
      await after.end();
    }
  });

  it('is stopped by another handle on the same dir, through the pid file', async () => {
    const handle = new LocalDatabaseServer({ dataDir: server.dataDir, port: server.port });
    expect(handle.running).toBe(true);
    const pid = pidInFile(server);
    await handle.stop();
    // gone, not a zombie waiting to be reaped: the handle that started it agrees at once
    expect(() => process.kill(pid, 0)).toThrow();
    expect(server.running).toBe(false);
    await expect(connect(server)).rejects.toThrow();

    await handle.start();
    expect(server.running).toBe(true);
    expect(pidInFile(server)).not.toBe(pid);
    await handle.stop();
  });

  it('stops a server left running on its dir before starting again', async () => {
    await server.start();
    const orphan = pidInFile(server);
    const successor = new LocalDatabaseServer({ dataDir: server.dataDir, port: server.port });
    await successor.start();
    expect(pidInFile(server)).not.toBe(orphan);
    expect(() => process.kill(orphan, 0)).toThrow();
    await successor.stop();
  });

  it('remove() stops the server and deletes the dir', async () => {
    await server.start();
    await server.remove();
    expect(server.running).toBe(false);
    expect(fs.existsSync(server.dataDir)).toBe(false);
  });
});

describe('freshDatabase()', () => {
  const db = freshDatabase();

  it('gives the file its own empty database', async () => {
    expect(db.name).toMatch(/^t_[0-9a-f]{12}$/);
    expect(db.profile.database).toBe(db.name);
    const [current] = await db.admin.query<RowDataPacket[]>('SELECT DATABASE() AS name');
    expect(current[0]?.name).toBe(db.name);
    const [tables] = await db.admin.query<RowDataPacket[]>(
      'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [db.name],
    );
    expect(Number(tables[0]?.n)).toBe(0);
  });
});
