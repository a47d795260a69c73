import net from 'node:net';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/core/db/database.js';
import { TRANSIENT_RETRY } from '../../src/core/db/transient.js';
import { PoolError } from '../../src/shared/errors.js';
import { freshDatabase } from '../helpers/database.js';

const fresh = freshDatabase();
let db: Database;

beforeAll(() => {
  db = new Database(fresh.profile);
});
afterAll(async () => {
  await db.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The error a promise rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<PoolError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(PoolError);
  return outcome.error as PoolError;
}

/** A TCP port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return port;
}

/** Opens a Database, runs `use`, always closes it. */
async function withDatabase<T>(profile: Database['profile'], use: (database: Database) => Promise<T>): Promise<T> {
  const database = new Database(profile, { connectTimeoutMs: 2000 });
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}

describe('transient failures', () => {
  it('retries a query on a new connection when its connection is killed mid-flight', async () => {
    const sql = 'SELECT SLEEP(1) AS s, CONNECTION_ID() AS id';
    const query = db
      .select<{ s: number; id: number }>('sleep', sql)
      .then((rows) => ({ rows }), (error: unknown) => ({ error }));

    let killed: number | undefined;
    for (let poll = 0; poll < 500 && killed === undefined; poll += 1) {
      const [rows] = await fresh.admin.query<RowDataPacket[]>(
        'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE ?',
        [fresh.name, 'SELECT SLEEP(1) AS s, CONNECTION_ID()%'],
      );
      const id = rows[0]?.id;
      if (id === undefined) {
        await pause(10);
        continue;
      }
      killed = Number(id);
      await fresh.admin.query(`KILL CONNECTION ${killed}`);
    }

    const outcome = await query;
    expect(killed, 'the sleeping query never showed up in the process list').toBeTypeOf('number');
    expect(outcome).not.toHaveProperty('error');
    const rows = 'rows' in outcome ? outcome.rows : [];
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]?.id)).not.toBe(killed);
    // the retry slept its full second rather than being interrupted
    expect(Number(rows[0]?.s)).toBe(0);
    // the killed connection is really gone
    const [still] = await fresh.admin.query<RowDataPacket[]>('SELECT ID FROM information_schema.PROCESSLIST WHERE ID = ?', [killed]);
    expect(still).toEqual([]);
  });

  it('classifies a lock wait timeout (1205) as TIMEOUT after retrying the whole transaction', async () => {
    await fresh.admin.query('CREATE TABLE lock_probe (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB; INSERT INTO lock_probe VALUES (1, 0)');
    const locked = new Database(fresh.profile, { poolMax: 1 });
    let attempts = 0;
    await fresh.admin.query('START TRANSACTION');
    try {
      await fresh.admin.query('SELECT n FROM lock_probe WHERE id = 1 FOR UPDATE');
      const started = Date.now();
      const error = await rejection(
        locked.transaction(async (transaction) => {
          attempts += 1;
          await locked.execute('lock.wait-timeout', 'SET SESSION innodb_lock_wait_timeout = 1', { transaction });
          return locked.execute('lock.update', 'UPDATE lock_probe SET n = n + 1 WHERE id = 1', { transaction });
        }),
      );
      const elapsed = Date.now() - started;
      expect(error.code).toBe('TIMEOUT');
      expect(error.details).toMatchObject({ errno: 1205 });
      // every attempt waited out the lock: the transaction was retried, each time from the start
      expect(attempts).toBe(TRANSIENT_RETRY.max);
      expect(elapsed).toBeGreaterThan(1000);
    } finally {
      await fresh.admin.query('ROLLBACK');
      await locked.close();
    }
    const [rows] = await fresh.admin.query<RowDataPacket[]>('SELECT n FROM lock_probe WHERE id = 1');
    expect(rows[0]?.n).toBe(0);
  });
});

describe('connection failures are classified and keep the password out', () => {
  it('reports a wrong password as AUTH_FAILED', async () => {
    const password = 'Wr0ng-Pa55word!';
    const error = await withDatabase({ ...fresh.profile, user: 'root', password }, (database) => rejection(database.ping()));
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toContain("'root'");
    expect(error.message).not.toContain(password);
    expect(JSON.stringify(error.toEnvelope())).not.toContain(password);
  });

  it('reports a closed port as UNREACHABLE', async () => {
    const password = 'Unr3achable-Secret';
    const port = await closedPort();
    const error = await withDatabase({ ...fresh.profile, host: '127.0.0.1', port, password }, (database) => rejection(database.ping()));
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).not.toContain(password);
    expect(JSON.stringify(error.toEnvelope())).not.toContain(password);
  });

  it('reports a database that does not exist as NO_DATABASE', async () => {
    const missing = `${fresh.name}_missing`;
    const error = await withDatabase({ ...fresh.profile, database: missing }, (database) => rejection(database.ping()));
    expect(error.code).toBe('NO_DATABASE');
    expect(error.message).toContain(missing);
  });

  it('reports a missing table as NO_TABLE', async () => {
    const error = await rejection(db.select('missing', 'SELECT * FROM no_such_table'));
    expect(error.code).toBe('NO_TABLE');
    expect(error.details).toMatchObject({ errno: 1146 });
  });
});

describe('session', () => {
  it('runs in UTC, and NOW() on the server is UTC', async () => {
    const [zone] = await db.select<{ tz: string }>('tz', 'SELECT @@session.time_zone AS tz');
    expect(zone?.tz).toBe('+00:00');

    const [clock] = await db.select<{ now: Date; utc: Date; skew: number }>(
      'clock',
      'SELECT NOW() AS now, UTC_TIMESTAMP() AS utc, TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), NOW()) AS skew',
    );
    expect(Number(clock?.skew)).toBe(0);
    expect(clock?.now).toBeInstanceOf(Date);
    expect(clock?.now.getTime()).toBe(clock?.utc.getTime());

    // The driver reads NOW() as UTC: it matches the server's epoch, which no time zone affects.
    const [epochRows] = await fresh.admin.query<RowDataPacket[]>('SELECT UNIX_TIMESTAMP() AS epoch');
    const epochMs = Number(epochRows[0]?.epoch) * 1000;
    expect(Math.abs((clock?.now.getTime() ?? 0) - epochMs)).toBeLessThan(60_000);
  });

  it('executes writes and reports the affected rows', async () => {
    await fresh.admin.query('CREATE TABLE write_probe (id INT PRIMARY KEY, n INT NOT NULL); INSERT INTO write_probe VALUES (1, 0), (2, 0), (3, 5)');
    expect(await db.execute('write', 'UPDATE write_probe SET n = :n WHERE id IN (:ids)', { replacements: { n: 5, ids: [1, 2, 3] } })).toBe(2);
    const committed = await db.transaction((transaction) => db.execute('write', 'DELETE FROM write_probe WHERE id = ?', { replacements: [3], transaction }));
    expect(committed).toBe(1);
    const [rows] = await fresh.admin.query<RowDataPacket[]>('SELECT id, n FROM write_probe ORDER BY id');
    expect(rows.map((row) => [row.id, row.n])).toEqual([[1, 5], [2, 5]]);
  });

  it('times every query under its name', async () => {
    for (let i = 0; i < 5; i += 1) await db.select('latency.first', 'SELECT 1 AS one');
    for (let i = 0; i < 3; i += 1) await db.select('latency.second', 'SELECT SLEEP(0.01) AS s');
    await rejection(db.select('latency.failing', 'SELECT * FROM no_such_table'));

    const summaries = db.latency.summary();
    const byName = new Map(summaries.map((summary) => [summary.name, summary]));
    for (const [name, count] of [['latency.first', 5], ['latency.second', 3], ['latency.failing', 1]] as const) {
      const summary = byName.get(name);
      expect(summary, name).toBeDefined();
      expect(summary?.count).toBe(count);
      expect(summary?.last).toHaveLength(count);
      expect(summary?.p50).toBeGreaterThanOrEqual(0);
      expect(summary?.p50).toBeLessThanOrEqual(summary?.p95 ?? -1);
      expect(summary?.p95).toBeLessThanOrEqual(summary?.p99 ?? -1);
    }
    expect(byName.get('latency.second')?.p50).toBeGreaterThanOrEqual(10);
  });
});
