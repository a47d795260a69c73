import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../migrations/index.js';
import { LocalDatabaseServer } from '../../src/core/sandbox/local-server.js';
import { SANDBOX_DATABASE } from '../../src/core/sandbox/sandbox.js';
import type { ConnectionState } from '../../src/shared/contract.js';
import { POOL_STATUSES } from '../../src/shared/pool-types.js';
import { CLEANUP_RULE_IDS } from '../../src/shared/results/maintenance.js';
import type { Reply } from '../../src/shared/wire.js';
import { writeLegacyExport } from '../e2e/helpers/legacy-export.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';
import { callEverySample, expectEveryReadSampled, readSample, type ReadSample } from '../helpers/read-samples.js';
import { staticSite } from '../helpers/serve-fixture.js';
import { ProtocolSocket, socketUrlOf } from '../helpers/serve-socket.js';
import { makeTempDir } from '../helpers/temp-dirs.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}/;
const NO_ELECTRON = "Electron's binary is not installed on this machine; opening the console in serve mode instead";

const data = poolDatabase('bare');

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const started: Running[] = [];
const sandboxHomes: string[] = [];

/** Starts a Node script of the project with a clean environment plus `env`; output is collected. */
function start(args: string[], env: Record<string, string>): Running {
  const base: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete base.POOL_DATABASE_URL;
  delete base.POOL_DATABASE_PASSWORD;
  const child = spawn(process.execPath, args, { cwd: ROOT, env: base, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const running = { child, stdout: () => stdout, stderr: () => stderr, exited };
  started.push(running);
  return running;
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string, run?: Running): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${run ? `\nstdout:\n${run.stdout()}\nstderr:\n${run.stderr()}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function ok<T>(reply: Reply<unknown>): T {
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

/**
 * Every read operation of the contract, with what it must show on the sandbox: its demo data
 * (thousands of pooled bookings, every migration applied, every index there) and the bookings a
 * legacy export built from it names. The sandbox's workers, feeder and keeper run meanwhile, so
 * the checks hold whatever they do. The connection operations come last: they switch away from
 * the sandbox and back.
 */
async function sandboxReadSamples(home: string): Promise<ReadSample[]> {
  const { port } = JSON.parse(await fs.readFile(path.join(home, 'sandbox.json'), 'utf8')) as { port: number };
  const exportDir = await makeTempDir();
  const legacy = await writeLegacyExport(port, exportDir, 3);
  const snapshot = await fs.readFile(legacy.file, 'utf8');
  await fs.rm(exportDir, { recursive: true, force: true });
  const byHand = { name: 'sandbox by hand', host: '127.0.0.1', port, user: 'root', database: SANDBOX_DATABASE, environment: 'sandbox' as const };
  let lastApplied: string | undefined;

  return [
    readSample('app.info', {}, (info) => expect(info).toMatchObject({ shell: 'serve', dataDir: home })),
    readSample('app.logs', { limit: 1000 }, (lines) => {
      const messages = lines.map((line) => line.message);
      expect(messages).toContainEqual(expect.stringMatching(/^serving on http:\/\/127\.0\.0\.1:\d+\/$/));
      expect(messages).toContainEqual(expect.stringMatching(/^seeding [\d,]+ bookings/));
    }),
    readSample('connection.current', {}, (state) => {
      expect(state).toMatchObject({ connected: true, status: 'connected', sandbox: true, environment: 'sandbox', database: SANDBOX_DATABASE });
      expect(state.serverVersion).toMatch(/^\d+\.\d+/);
    }),
    readSample('pool.stats', {}, (stats) => {
      expect(stats.inPool).toBeGreaterThan(1000);
      // one consistent snapshot: the statuses add up to the pool
      expect(Object.values(stats.byStatus).reduce((sum, n) => sum + n, 0)).toBe(stats.inPool);
      expect(stats.byStatus.waiting).toBeGreaterThan(0);
      expect(stats.measuredAt).toBeInstanceOf(Date);
      expect(stats.eventTotals).not.toBeNull();
    }),
    // the sandbox's simulated workers claim without heartbeats: nothing is paused, owners listed from their leases
    readSample('pool.pauseState', {}, (state) => expect(state).toMatchObject({ available: true, pauses: [] })),
    readSample('workers.list', {}, (list) => {
      expect(list.heartbeats).toBe(true);
      for (const worker of list.workers) expect(worker.leases).toBeGreaterThanOrEqual(0);
    }),
    readSample('workers.release.preview', { ownerId: 'nobody-holds-this' }, (preview) => {
      expect(preview).toMatchObject({ ownerId: 'nobody-holds-this', state: 'no-heartbeat', count: 0, sampleIds: [], allowed: true });
    }),
    // the sandbox's recorder evaluates the shipped rules; whatever fires, the rules are all there
    readSample('alerts.overview', {}, (overview) => {
      expect(overview.available).toBe(true);
      expect(overview.rules).toHaveLength(6);
      for (const event of overview.firing) expect(event.state).toBe('firing');
    }),
    readSample('alerts.events', { limit: 20 }, (events) => {
      for (const event of events) expect(event.at).toBeInstanceOf(Date);
    }),
    readSample('pool.latency', {}, (latency) => expect(latency.map((summary) => summary.name)).toContain('pool.stats')),
    readSample('stats.recent', {}, (recent) => {
      for (const sample of recent) expect(['ok', 'error']).toContain(sample.kind);
    }),
    // the last hour as recorded: raw rows, oldest first, whatever the recorder wrote so far
    readSample('history.read', { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) }, (history) => {
      expect(history.resolution).toBe(10);
      const times = history.points.map((point) => point.time.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }),
    readSample('recorder.state', {}, (state) => {
      // the served sandbox's console records its history: the only console on it, so soon its leader
      expect(['starting', 'leader', 'follower']).toContain(state.role);
      expect(state.identity).toMatch(/^console \S+@\S+ pid \d+ /);
      expect(state.lastError).toBeNull();
    }),
    readSample('entries.list', { limit: 25 }, (page) => {
      expect(page.entries).toHaveLength(25);
      expect(page.next).not.toBeNull();
      for (const entry of page.entries) expect(POOL_STATUSES).toContain(entry.status);
    }),
    readSample('entries.detail', { bookingId: legacy.pooledId }, (detail) => {
      expect(detail.booking).toMatchObject({ bookingId: legacy.pooledId });
      expect(detail.entry).toMatchObject({ bookingId: legacy.pooledId });
      expect(POOL_STATUSES).toContain(detail.entry?.status);
    }),
    readSample('entries.bulk.preview', { action: 'remove', match: {} }, (preview) => {
      // remove applies to every matching entry but those under a live lease; one run changes at most the cap
      expect(preview.matching.count).toBeGreaterThan(0);
      expect(preview.applicable.count + preview.skippedLiveLease.count).toBe(preview.matching.count);
      expect(preview.willChange).toBe(Math.min(preview.applicable.count, preview.cap));
      expect(preview.condition).toMatch(/^entries in the pool: all of them leave the pool/);
    }),
    readSample('maintenance.cleanup.preview', {}, (preview) => {
      expect(preview.rules.map((rule) => rule.id)).toEqual([...CLEANUP_RULE_IDS]);
      for (const rule of preview.rules) expect(rule.count).toBeGreaterThanOrEqual(0);
      expect(preview.measuredAt).toBeInstanceOf(Date);
    }),
    readSample('maintenance.validate', {}, (report) => {
      expect(report.rules.map((rule) => rule.id)).toEqual([...CLEANUP_RULE_IDS]);
      expect(report.passed).toBe(report.rules.every((rule) => rule.count === 0));
    }),
    readSample('maintenance.retryFailed.preview', { maxAttempts: 3 }, (preview) => {
      expect(preview.count).toBeGreaterThanOrEqual(0);
      expect(preview.sampleIds.length).toBe(Math.min(20, preview.count));
      expect(preview.measuredAt).toBeInstanceOf(Date);
    }),
    readSample('maintenance.resetStuck.preview', { olderThanSeconds: 3600 }, (preview) => {
      expect(preview).toMatchObject({ leaseBasis: 'claim-time', olderThanSeconds: 3600 });
      expect(preview.sampleIds.length).toBe(Math.min(20, preview.count));
    }),
    readSample('migrations.status', {}, (status) => {
      expect(status.applied.map((migration) => migration.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
      expect(status.pending).toEqual([]);
      expect(status.drift).toMatchObject({ missingColumns: [], missingIndexes: [], missingTables: [] });
      expect(status.countsByStatus?.waiting).toBeGreaterThan(0);
      lastApplied = status.applied.at(-1)?.name;
    }),
    // a dry run: what reverting the last migration would run
    readSample('migrations.plan', { direction: 'down' }, (plans) => {
      expect(plans.map((plan) => plan.name)).toEqual([lastApplied]);
      expect(plans[0]!.steps.length).toBeGreaterThan(0);
    }),
    readSample('migrations.lockHolder', {}, (holder) => expect(holder).toBeNull()),
    readSample('indexes.health', {}, (health) => {
      expect(health.table).toBe('BOOKING_PLAN');
      expect(health.missing).toEqual([]);
      expect(health.expected.length).toBeGreaterThan(0);
      expect(health.expected.filter((index) => index.state === 'missing')).toEqual([]);
      expect(health.queries.length).toBeGreaterThan(0);
    }),
    // every index is there, so there is nothing to create
    readSample('indexes.ensure.preview', {}, (plans) => expect(plans).toEqual([])),
    readSample('import.preview', { snapshot }, (preview) => {
      expect(preview.total).toBe(legacy.addIds.length + 2);
      const outcomes = new Map(preview.entries.map((line) => [line.bookingId, line.outcome]));
      for (const id of legacy.addIds) expect(['will-add', 'already-pooled']).toContain(outcomes.get(id));
      expect(outcomes.get(legacy.pooledId)).toBe('already-pooled');
      expect(outcomes.get(legacy.missingId)).toBe('booking-missing');
    }),
    readSample('audit.list', { limit: 5 }, (entries) => {
      expect(entries.length).toBeLessThanOrEqual(5);
      for (const entry of entries) expect(entry.auditId).toBeGreaterThan(0);
    }),
    readSample('system.status', {}, (status) => {
      expect(status.state).not.toBe('down');
      expect(status.stats?.inPool).toBeGreaterThan(1000);
    }),
    readSample('system.validate', {}, (checks) => {
      expect(checks[0]).toMatchObject({ check: 'database.reachable', ok: true });
      const schema = checks.filter((check) => check.check.startsWith('schema.'));
      expect(schema.length).toBeGreaterThan(0);
      expect(schema.filter((check) => !check.ok)).toEqual([]);
      expect(checks.some((check) => check.check.startsWith('query.'))).toBe(true);
    }),

    readSample('profiles.save', { profile: byHand }, (saved) => expect(saved).toMatchObject({ name: byHand.name, port, passwordStorage: 'none' })),
    readSample('profiles.setPassword', { name: byHand.name, password: '' }, (saved) => expect(saved).toMatchObject({ name: byHand.name, hasPassword: false, passwordStorage: 'none' })),
    readSample('profiles.list', {}, (profiles) => expect(profiles.map((profile) => profile.name)).toEqual([byHand.name])),
    readSample('connection.test', { profile: byHand.name }, (test) => {
      expect(test.bookingPlan).toBe(true);
      expect(['mariadb', 'mysql']).toContain(test.flavour);
    }),
    readSample('connection.disconnect', {}, (state) => expect(state).toMatchObject({ connected: false, sandbox: false })),
    readSample('connection.connect', { sandbox: true }, (state) => {
      expect(state).toMatchObject({ connected: true, sandbox: true, environment: 'sandbox', database: SANDBOX_DATABASE });
    }),
    readSample('profiles.delete', { name: byHand.name }, (result) => expect(result.deleted).toBe(true)),
  ];
}

afterEach(async () => {
  for (const running of started.splice(0)) {
    if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
  }
});

afterAll(async () => {
  // whatever a failed test left running: the sandbox's server is stopped and its folder removed
  for (const home of sandboxHomes) await new LocalDatabaseServer({ dataDir: path.join(home, 'sandbox-db') }).remove();
});

describe('npm start and pool-console serve', () => {
  it('without the Electron binary, says so in one line and serves the sandbox, every read operation with real data; Ctrl-C stops it and its server', async () => {
    const home = await makeTempDir();
    sandboxHomes.push(home);
    const noElectron = await makeTempDir();
    const site = await staticSite();
    const run = start(['scripts/start.mjs', '--skip-build'], {
      POOL_CONSOLE_HOME: home,
      ELECTRON_OVERRIDE_DIST_PATH: noElectron,
      POOL_CONSOLE_RENDERER_DIR: site.staticDir,
    });
    const url = await until(() => URL_PATTERN.exec(run.stdout())?.[0], 30_000, 'the URL', run);
    const lines = run.stdout().split('\n');
    expect(lines.filter((line) => /electron/i.test(line))).toEqual([NO_ELECTRON]);
    expect(lines.findIndex((line) => line === NO_ELECTRON)).toBeLessThan(lines.findIndex((line) => URL_PATTERN.test(line)));

    // the sandbox opens behind the page (the first start seeds its demo data)
    const socket = await ProtocolSocket.open(socketUrlOf(url));
    try {
      const state = await until(async () => {
        if (/did not open/.test(run.stderr())) throw new Error(`the sandbox did not open:\n${run.stderr()}`);
        const current = ok<ConnectionState>(await socket.call('connection.current', {}));
        return current.connected ? current : undefined;
      }, 180_000, 'the sandbox to connect', run);
      expect(state).toMatchObject({ sandbox: true, environment: 'sandbox', database: 'pool_sandbox', readOnly: false });

      const samples = await sandboxReadSamples(home);
      // a new read operation without a sample fails here, so none is forgotten
      expectEveryReadSampled(samples);
      await callEverySample(socket, samples);
      // connected to the sandbox again, with its data
      expect(ok<ConnectionState>(await socket.call('connection.current', {}))).toMatchObject({ connected: true, sandbox: true, database: SANDBOX_DATABASE });
      expect(ok<{ inPool: number }>(await socket.call('pool.stats', {})).inPool).toBeGreaterThan(1000);
    } finally {
      socket.close();
    }

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(new LocalDatabaseServer({ dataDir: path.join(home, 'sandbox-db') }).running).toBe(false);
  }, 360_000);

  it('serve --url serves that database as the in-memory profile "command line", until SIGTERM', async () => {
    const ids = await insertBookings(data.admin, { count: 7 });
    await poolDirectly(data.admin, ids, { status: 'waiting', deadlineHoursFromNow: 24 });
    const site = await staticSite();
    const home = await makeTempDir();
    const { user, host, port } = data.profile;
    const run = start(['bin/pool-console.mjs', 'serve', '--url', `mysql://${user}@${host}:${port}/${data.name}`], {
      POOL_CONSOLE_HOME: home,
      POOL_CONSOLE_RENDERER_DIR: site.staticDir,
    });
    const url = await until(() => URL_PATTERN.exec(run.stdout())?.[0], 30_000, 'the URL', run);
    expect(run.stdout().trim().split('\n')).toHaveLength(1);
    const socket = await ProtocolSocket.open(socketUrlOf(url));
    try {
      expect(ok<ConnectionState>(await socket.call('connection.current', {}))).toMatchObject({ connected: true, profileName: 'command line', database: data.name, sandbox: false });
      expect(ok<{ inPool: number }>(await socket.call('pool.stats', {})).inPool).toBe(7);
      expect(ok<{ shell: string; dataDir: string }>(await socket.call('app.info', {}))).toMatchObject({ shell: 'serve', dataDir: home });
      // kept in memory: nothing was written to the profiles file
      expect(ok<unknown[]>(await socket.call('profiles.list', {}))).toEqual([]);
    } finally {
      socket.close();
    }
    await expect(fs.access(path.join(home, 'profiles.json'))).rejects.toThrow();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('refuses to start without the built renderer, or with two targets, in one line and exit 2', async () => {
    const empty = await makeTempDir();
    const unbuilt = start(['bin/pool-console.mjs', 'serve', '--sandbox'], { POOL_CONSOLE_HOME: empty, POOL_CONSOLE_RENDERER_DIR: empty });
    expect(await unbuilt.exited).toBe(2);
    expect(unbuilt.stderr().trim().split('\n')).toEqual([expect.stringMatching(/run `npm run build` first/)]);
    expect(unbuilt.stdout()).toBe('');

    const both = start(['bin/pool-console.mjs', 'serve', '--sandbox', '--profile', 'x'], { POOL_CONSOLE_HOME: empty });
    expect(await both.exited).toBe(2);
    expect(both.stderr()).toMatch(/^error INVALID_INPUT: .*one of --sandbox, --profile NAME or --url URL/);

    const foreign = start(['bin/pool-console.mjs', 'serve', '--host', 'db.example'], { POOL_CONSOLE_HOME: empty });
    expect(await foreign.exited).toBe(2);
    expect(foreign.stderr()).toMatch(/^error INVALID_INPUT: Option --host does not apply to 'serve'/);
  });
});
