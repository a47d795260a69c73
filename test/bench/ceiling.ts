import mysql from 'mysql2/promise';
import { performance } from 'node:perf_hooks';
import { benchDatabase } from './database.js';
import type { ConnectionProfile } from '../../src/shared/profile.js';
import { isOrdinaryBooking, type Dataset } from './dataset.js';
import { distribution, type Distribution } from './measure.js';

/**
 * The physical ceiling: how many single-row primary-key UPDATEs per second the server commits
 * over N connections on BOOKING_PLAN, each statement its own autocommit transaction. It writes
 * MEETING_ROOM (no index, not a pool column) of ordinary bookings only (never pooled, not used by
 * the reset or import step), so the pool the other measurements read is the same before and after.
 */
export const CEILING_STATEMENT = 'UPDATE BOOKING_PLAN SET MEETING_ROOM = ? WHERE BOOKING_ID = ?';

export type CeilingClient = 'driver' | 'database';

export const CEILING_CLIENTS: Record<CeilingClient, string> = {
  driver: 'mysql2, prepared statement (the ceiling)',
  database: "console's Database layer (Sequelize)",
};

export interface CeilingResult {
  client: CeilingClient;
  connections: number;
  /** Bookings the connections share out and update in turn. */
  rows: number;
  updates: number;
  /** Statements that matched no row (0 unless a chosen booking is missing). */
  missed: number;
  elapsedMs: number;
  updatesPerSecond: number;
  latency: Distribution;
}

interface Connection {
  /** Sets the booking's MEETING_ROOM; returns the rows the server reported. */
  update(id: number, room: string): Promise<number>;
  close(): Promise<void>;
}

async function driverConnection(profile: ConnectionProfile): Promise<Connection> {
  const connection = await mysql.createConnection({
    host: profile.host,
    port: profile.port,
    user: profile.user,
    password: profile.password,
    socketPath: profile.socketPath,
    database: profile.database,
  });
  return {
    update: async (id, room) => (await connection.execute<mysql.ResultSetHeader>(CEILING_STATEMENT, [room, id]))[0].affectedRows,
    close: () => connection.end(),
  };
}

async function databaseConnection(profile: ConnectionProfile): Promise<Connection> {
  const db = benchDatabase(profile, 1);
  await db.ping();
  return {
    update: (id, room) =>
      db.execute('bench.ceiling', 'UPDATE BOOKING_PLAN SET MEETING_ROOM = :room WHERE BOOKING_ID = :id', { replacements: { room, id } }),
    close: () => db.close(),
  };
}

/** Up to `count` distinct ordinary bookings drawn at random over the whole table. */
export function ordinarySample(dataset: Pick<Dataset, 'shape' | 'stride'>, count: number): number[] {
  // At least a quarter of the bookings are ordinary (stride ≥ 4, three roles per stride), so an eighth is always there.
  const wanted = Math.min(count, Math.ceil(dataset.shape.bookings / 8));
  const ids = new Set<number>();
  for (let draws = 0; ids.size < wanted && draws < wanted * 100; draws += 1) {
    const id = 1 + Math.floor(Math.random() * dataset.shape.bookings);
    if (isOrdinaryBooking(dataset, id)) ids.add(id);
  }
  if (ids.size === 0) throw new Error('The dataset has no ordinary booking for the ceiling to update.');
  return [...ids];
}

// A value no row had before, so every statement really writes (an unchanged row is not written).
let lastRoom = 0;

/** Every connection updates its own share of `ids` in turn, flat out, until `ms` have passed. */
async function drive(connections: Connection[], ids: number[], ms: number) {
  const latencies: number[] = [];
  let missed = 0;
  const startedAt = performance.now();
  const deadline = startedAt + ms;
  await Promise.all(
    connections.map(async (connection, worker) => {
      const own = ids.filter((_, index) => index % connections.length === worker);
      const mine = own.length > 0 ? own : ids;
      for (let i = 0; performance.now() < deadline; i += 1) {
        const started = performance.now();
        const rows = await connection.update(mine[i % mine.length] as number, `ceiling ${(lastRoom += 1)}`);
        latencies.push(performance.now() - started);
        if (rows !== 1) missed += 1;
      }
    }),
  );
  return { latencies, missed, elapsedMs: performance.now() - startedAt };
}

/** Opens the connections, runs 1 s untimed, then `ms` timed; closes them again. */
export async function measureCeiling(
  dataset: Dataset,
  profile: ConnectionProfile,
  options: { client: CeilingClient; connections: number; ms: number },
): Promise<CeilingResult> {
  const ids = ordinarySample(dataset, 50_000);
  const open = options.client === 'driver' ? driverConnection : databaseConnection;
  const connections = await Promise.all(Array.from({ length: options.connections }, () => open(profile)));
  try {
    await drive(connections, ids, 1000);
    const run = await drive(connections, ids, options.ms);
    return {
      client: options.client,
      connections: options.connections,
      rows: ids.length,
      updates: run.latencies.length,
      missed: run.missed,
      elapsedMs: run.elapsedMs,
      updatesPerSecond: (run.latencies.length / run.elapsedMs) * 1000,
      latency: distribution(run.latencies),
    };
  } finally {
    await Promise.all(connections.map((connection) => connection.close()));
  }
}
