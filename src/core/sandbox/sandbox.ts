import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { PoolError, type ErrorEnvelope } from '../../shared/errors.js';
import type { ConnectionProfile } from '../../shared/profile.js';
import { classifyError } from '../db/classify-error.js';
import { Database } from '../db/database.js';
import { seedDemoHistory } from '../metrics/demo-history.js';
import { PoolMigrator } from '../schema/migrator.js';
import { runSimulation, seedDemoData, type SimulationCounters } from '../simulator/index.js';
import { hostTableStatements, type HostVariant } from './host-schema.js';
import { findServerBinary, LocalDatabaseServer, type ServerBinary } from './local-server.js';
import { startPoolKeeper, type PoolKeeperCounters } from './pool-keeper.js';
import { lockSandbox, readSandboxState, writeSandboxState, type SandboxState } from './sandbox-state.js';

export const SANDBOX_DATABASE = 'pool_sandbox';
/** The host schema as it is in production today: pool columns and the ORM's indexes already there. */
const SANDBOX_HOST_VARIANT: HostVariant = 'host-orm';

export const NO_SERVER_BINARY_MESSAGE =
  'No MariaDB or MySQL server binary on this machine, so the local sandbox cannot start. Install MariaDB ' +
  '(Debian/Ubuntu: sudo apt-get install -y mariadb-server; Fedora/RHEL: sudo dnf install mariadb-server; ' +
  'macOS: brew install mariadb) or MySQL 8, then open the console again; or add a connection profile for an existing database.';

/**
 * The simulator's pace: gentle, so the charts move without loading the machine. Each worker
 * claims about one entry per two seconds (claims of 2, 2 s of "work" each), and completes ~89%
 * of them, so three workers complete about 1.3 entries a second while there is eligible work,
 * and the feeder enters 1.2 (0.4 per worker). What that leaves over either way is evened out
 * by the pool keeper (pool-keeper.ts).
 */
const PACE = {
  claimBatch: 2,
  thinkMs: 2000,
  idleMs: 2000,
  failRate: 0.1,
  dieRate: 0.01,
  maxAttempts: 3,
  tickMs: 1000,
  enterRatePerWorker: 0.4,
};
const KEEPER_EVERY_MS = 30_000;
/** Hours of demo history (POOL_METRICS) a new sandbox starts with, so the Overview's charts have something to show. */
export const DEMO_HISTORY_HOURS = 6;

const sandboxOptionsSchema = z.object({
  baseDir: z.string().min(1),
  seed: z
    .object({
      bookings: z.number().int().min(1).max(10_000_000),
      pooled: z.number().int().min(0),
    })
    .refine((seed) => seed.pooled <= seed.bookings, { path: ['pooled'], message: 'cannot be more than bookings' })
    .default({ bookings: 50_000, pooled: 5_000 }),
  workers: z.number().int().min(1).max(16).default(3),
});

export type SandboxOptions = z.input<typeof sandboxOptionsSchema> & {
  /** Each step of the start, in words ("starting the database server", "seeding 50,000 bookings"…). */
  onProgress?: (step: string) => void;
  /** Errors of the simulator and the pool keeper while they run (they carry on after one). */
  onError?: (error: ErrorEnvelope) => void;
};

export interface SandboxActivity {
  /** The simulator's counters as of its last tick (every second); null before the first. */
  simulation: SimulationCounters | null;
  keeper: PoolKeeperCounters;
  lastError: ErrorEnvelope | null;
}

export interface Sandbox {
  profile: ConnectionProfile;
  server: LocalDatabaseServer;
  database: string;
  /** True when this start created and seeded the demo database, false when it was kept from before. */
  created: boolean;
  activity(): SandboxActivity;
  /** Stops the simulator and the keeper, then the server (gracefully). Safe to call twice. */
  stop(): Promise<void>;
}

const count = (n: number) => n.toLocaleString('en-US');

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * Starts the server on the remembered port; when that port is taken by something else, on a new
 * one (the caller remembers it). A server of ours left running by a crashed run holds the port
 * too: start() stops and restarts it, so that counts as free.
 */
async function startServer(dataDir: string, binary: ServerBinary, remembered: number | undefined, progress: (step: string) => void): Promise<LocalDatabaseServer> {
  let port = remembered;
  if (port !== undefined && !new LocalDatabaseServer({ dataDir, binary }).running && !(await portIsFree(port))) {
    progress(`port ${port} is taken by another program: moving the sandbox to a new port`);
    port = undefined;
  }
  const server = new LocalDatabaseServer({ dataDir, binary, port });
  try {
    await server.start();
    return server;
  } catch (error) {
    // someone took the port between the check and the start: once more, on a port of the server's choosing
    if (port === undefined || (await portIsFree(port))) throw error;
    progress(`port ${port} was taken while the server started: moving the sandbox to a new port`);
    const moved = new LocalDatabaseServer({ dataDir, binary });
    await moved.start();
    return moved;
  }
}

async function databaseExists(server: LocalDatabaseServer): Promise<boolean> {
  const admin = new Database(server.profile('mysql'), { poolMax: 1 });
  try {
    const rows = await admin.select<{ name: string }>(
      'sandbox.database-exists',
      'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = :database',
      { replacements: { database: SANDBOX_DATABASE } },
    );
    return rows.length > 0;
  } finally {
    await admin.close();
  }
}

async function recreateDatabase(server: LocalDatabaseServer): Promise<void> {
  const admin = new Database(server.profile('mysql'), { poolMax: 1 });
  try {
    await admin.execute('sandbox.drop-database', `DROP DATABASE IF EXISTS \`${SANDBOX_DATABASE}\``);
    // the server runs with --no-defaults, which leaves MariaDB on latin1; the host's tables are utf8mb4
    await admin.execute('sandbox.create-database', `CREATE DATABASE \`${SANDBOX_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.close();
  }
}

async function createDemoDatabase(db: Database, seed: { bookings: number; pooled: number }, progress: (step: string) => void): Promise<void> {
  progress('creating the demo schema');
  for (const statement of hostTableStatements(SANDBOX_HOST_VARIANT)) await db.execute('sandbox.host-schema', statement);
  progress('running the migrations');
  await new PoolMigrator(db, { onProgress: (p) => p.state === 'started' && progress(`migration ${p.position} of ${p.total}: ${p.summary}`) }).up();
  progress(`seeding ${count(seed.bookings)} bookings, ${count(seed.pooled)} of them pooled`);
  await seedDemoData(db, { bookings: seed.bookings, pooled: seed.pooled });
  // Fresh statistics after a bulk load, so plans and index sizes read right from the first look.
  await db.execute('sandbox.analyze', 'ANALYZE TABLE BOOKING_PLAN');
  // before the sandbox counts as seeded: a start interrupted here rebuilds the database from nothing
  progress(`seeding ${DEMO_HISTORY_HOURS} hours of demo history`);
  await seedDemoHistory(db, { hours: DEMO_HISTORY_HOURS, maxAttempts: PACE.maxAttempts });
}

async function migratePending(db: Database, progress: (step: string) => void): Promise<void> {
  const migrator = new PoolMigrator(db, { onProgress: (p) => p.state === 'started' && progress(`migration ${p.position} of ${p.total}: ${p.summary}`) });
  const { pending } = await migrator.status();
  if (pending.length === 0) return;
  progress(`running ${pending.length} pending migration${pending.length === 1 ? '' : 's'}`);
  await migrator.up();
}

/**
 * The console's embedded default database: a private MariaDB/MySQL server in `<baseDir>/sandbox-db`,
 * kept between runs. The first start creates the demo database (host schema, migrations, demo
 * data, a few hours of history marked as demo); later ones run pending migrations only. Then a
 * few simulated workers and a feeder keep the pool moving until stop().
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const parsed = sandboxOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PoolError('INVALID_INPUT', `Invalid sandbox option ${issue?.path.join('.') || ''}: ${issue?.message ?? 'rejected'}.`);
  }
  const { baseDir, seed, workers } = parsed.data;
  const progress = (step: string) => options.onProgress?.(step);
  const binary = findServerBinary();
  if (!binary) throw new PoolError('UNREACHABLE', NO_SERVER_BINARY_MESSAGE, { reason: 'no-server-binary' });

  await fs.mkdir(baseDir, { recursive: true });
  const unlock = await lockSandbox(baseDir);
  let server: LocalDatabaseServer | undefined;
  let db: Database | undefined;
  try {
    let state: SandboxState = await readSandboxState(baseDir);
    progress('starting the database server');
    server = await startServer(path.join(baseDir, 'sandbox-db'), binary, state.port, progress);
    if (state.port !== server.port) {
      state = { ...state, port: server.port };
      await writeSandboxState(baseDir, state);
    }

    const kept = state.seeded?.database === SANDBOX_DATABASE && (await databaseExists(server));
    const profile = server.profile(SANDBOX_DATABASE);
    if (!kept) {
      // a first start, or one that stopped before the seeding finished: (re)build from nothing
      progress('creating the demo database');
      state = { version: 1, port: server.port };
      await writeSandboxState(baseDir, state);
      await recreateDatabase(server);
    }
    // the workers, the feeder and the keeper each hold a connection at times
    db = new Database(profile, { poolMax: workers + 3 });
    if (kept) {
      await migratePending(db, progress);
    } else {
      await createDemoDatabase(db, seed, progress);
      state = { ...state, seeded: { at: new Date().toISOString(), database: SANDBOX_DATABASE, ...seed } };
      await writeSandboxState(baseDir, state);
    }

    progress(`starting the simulator (${workers} worker${workers === 1 ? '' : 's'})`);
    return runSandbox({ server, db, profile, created: !kept, workers, seed, unlock, onError: options.onError });
  } catch (error) {
    // the start's own error is the one to report; a failed close after it would only hide it
    await db?.close().catch(() => undefined);
    await server?.stop();
    await unlock();
    throw error;
  }
}

function runSandbox(parts: {
  server: LocalDatabaseServer;
  db: Database;
  profile: ConnectionProfile;
  created: boolean;
  workers: number;
  seed: { bookings: number; pooled: number };
  unlock: () => Promise<void>;
  onError?: (error: ErrorEnvelope) => void;
}): Sandbox {
  const { server, db, workers, seed } = parts;
  let lastError: ErrorEnvelope | null = null;
  let simulation: SimulationCounters | null = null;
  const report = (error: ErrorEnvelope) => {
    lastError = error;
    parts.onError?.(error);
  };
  const reportUnknown = (error: unknown) => report(classifyError(error, db.target).toEnvelope());

  const stopSimulation = new AbortController();
  const simulationDone = runSimulation(db, {
    workers,
    untilStopped: true,
    signal: stopSimulation.signal,
    claimBatch: PACE.claimBatch,
    thinkMs: PACE.thinkMs,
    idleMs: PACE.idleMs,
    failRate: PACE.failRate,
    dieRate: PACE.dieRate,
    maxAttempts: PACE.maxAttempts,
    tickMs: PACE.tickMs,
    enterRate: workers * PACE.enterRatePerWorker,
    onEvent: (event) => {
      if (event.type === 'tick') simulation = event.counters;
      else if (event.type === 'error') report(event.error);
    },
  }).then(
    (result) => {
      simulation = result.counters;
    },
    reportUnknown,
  );
  const keeper = startPoolKeeper(db, {
    target: seed.pooled,
    floor: Math.floor(seed.pooled * 0.8),
    ceiling: Math.ceil(seed.pooled * 1.2),
    everyMs: KEEPER_EVERY_MS,
    random: Math.random,
    onError: reportUnknown,
  });

  let stopping: Promise<void> | null = null;
  const stop = async () => {
    stopSimulation.abort();
    await simulationDone;
    await keeper.stop();
    try {
      await db.close();
    } finally {
      await server.stop();
      await parts.unlock();
    }
  };
  return {
    profile: parts.profile,
    server,
    database: SANDBOX_DATABASE,
    created: parts.created,
    activity: () => ({ simulation, keeper: keeper.counters(), lastError }),
    stop: () => (stopping ??= stop()),
  };
}
