import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ConsoleService } from '../../src/core/console/console-service.js';
import { startServeMode, type ServeMode } from '../../src/server/serve-mode.js';
import { OPERATION_NAMES, OPERATIONS, type InputOf, type OperationName } from '../../src/shared/contract.js';
import type { Reply } from '../../src/shared/wire.js';
import { freshDatabase } from '../helpers/database.js';
import { seedQuietPool } from '../helpers/pool-database.js';
import { READ_OPERATIONS } from '../helpers/read-samples.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';
import { consoleService, savedFor, staticSite } from '../helpers/serve-fixture.js';
import { ProtocolSocket, socketUrlOf } from '../helpers/serve-socket.js';

/*
 * `pool-console call` answers as the browser's socket does: serve mode runs in this process on a
 * quiet pool (nothing changes it but these calls), and every read operation of the contract is
 * called both ways with the same input; the two replies are compared as JSON (Dates as ISO text,
 * which is what `call` prints). The CLI shares the serve side's data directory (POOL_CONSOLE_HOME),
 * so the profile operations read and write the same profiles file.
 */

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
const data = freshDatabase();
const POOLED = 30;
/** The name the CLI gives its --url connection; the socket's connection gets the same, so connection.current agrees. */
const COMMAND_LINE = 'command line';
const SCRATCH = 'call scratch';

let service: ConsoleService;
let serve: ServeMode;
let socket: ProtocolSocket;
let home: string;
let bookingId: number;

beforeAll(async () => {
  await seedQuietPool(data, POOLED);
  // fresh InnoDB statistics: the index sizes and the plans' row estimates stay put while both sides ask
  await data.admin.query('ANALYZE TABLE BOOKING_PLAN');
  const [rows] = (await data.admin.query('SELECT MIN(BOOKING_ID) AS id FROM BOOKING_PLAN WHERE POOL_STATUS IS NOT NULL')) as unknown as [{ id: number }[]];
  bookingId = rows[0]!.id;
  let dir: string;
  ({ service, dir } = await consoleService());
  home = dir;
  await service.session.connect(savedFor(COMMAND_LINE, data.profile), data.profile);
  serve = await startServeMode({ service, staticDir: (await staticSite()).staticDir, host: '127.0.0.1' });
  socket = await ProtocolSocket.open(socketUrlOf(serve.url));
}, 60_000);

// the every-read test ends disconnected (connection.disconnect comes last): each test starts connected
beforeEach(async () => {
  if (!service.session.state.connected) await service.session.connect(savedFor(COMMAND_LINE, data.profile), data.profile);
});

afterAll(async () => {
  socket?.close();
  await serve?.close();
  await service?.close();
});

const cli = (args: string[], stdin?: string) => runCli(data.profile, args, { env: { POOL_CONSOLE_HOME: home }, stdin });
/** A command that connects to nothing (no --url). */
const unconnected = (args: string[]) => runCli(data.profile, args, { url: null, env: { POOL_CONSOLE_HOME: home } });

/** The envelope `call` printed; fails with the whole run when stdout is not JSON. */
function envelope(run: CliRun): Reply<unknown> {
  try {
    return JSON.parse(run.stdout) as Reply<unknown>;
  } catch {
    throw new Error(`call printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

/** A reply as `call` prints it: JSON, so Dates are ISO strings. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/**
 * Fields that differ between two reads a moment apart on an unchanged pool: the database's clock
 * (measuredAt, checkedAt), ages measured against it (oldestEntryAgeSeconds), a round trip's
 * duration, and a query plan's raw EXPLAIN (its conditions spell out the database's now as a
 * literal; the plan's verdict, index and estimates beside it are still compared). They are
 * dropped before comparing; everything else must be equal.
 */
const CLOCK_FIELDS = new Set(['measuredAt', 'checkedAt', 'oldestEntryAgeSeconds', 'roundTripMs', 'explain']);

function withoutClock(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutClock);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key]) => !CLOCK_FIELDS.has(key)).map(([key, field]) => [key, withoutClock(field)]));
  }
  return value;
}

interface Sample {
  input: unknown;
  /** How the two results are compared, when not equal as a whole (clock fields aside); says why. */
  compare?: (cli: unknown, browser: unknown) => void;
}

/** A sample typed by the contract. */
const sample = <N extends OperationName>(_name: N, input: InputOf<N>, compare?: Sample['compare']): Sample => ({ input, compare });

/**
 * Every read operation, in the order run: the profile and connection operations last (they change
 * the profiles file and switch the connection). Those whose answer belongs to the process that
 * runs the service (app.info, app.logs, pool.latency, stats.recent) are compared by what both processes must
 * share.
 */
function samples(snapshot: string): [OperationName, Sample][] {
  const scratch = { name: SCRATCH, host: data.profile.host, port: data.profile.port, user: data.profile.user, database: data.name, environment: 'staging' as const };
  return [
    ['app.info', sample('app.info', {}, (cli, browser) => {
      // the version, platform, Node and data directory are the same; the shell says who serves it
      const { shell: cliShell, version: _v1, ...cliRest } = cli as Record<string, unknown>;
      const { shell: browserShell, version: _v2, ...browserRest } = browser as Record<string, unknown>;
      expect([cliShell, browserShell]).toEqual(['cli', 'serve']);
      expect(cliRest).toEqual(browserRest);
      expect(cliRest).toMatchObject({ dataDir: home });
    })],
    ['app.logs', sample('app.logs', { limit: 50 }, (cli, browser) => {
      // each process keeps its own log in memory: the same shape of lines, not the same lines
      for (const lines of [cli, browser] as { time: string; level: string; message: string }[][]) {
        expect(Array.isArray(lines)).toBe(true);
        for (const line of lines) expect(line).toEqual({ time: expect.any(String), level: expect.any(String), message: expect.any(String) });
      }
    })],
    ['connection.current', sample('connection.current', {})],
    ['pool.stats', sample('pool.stats', { leaseSeconds: 600, maxAttempts: 5 })],
    ['pool.pauseState', sample('pool.pauseState', {})],
    ['workers.list', sample('workers.list', { leaseSeconds: 600 })],
    ['workers.release.preview', sample('workers.release.preview', { ownerId: 'worker-gone' })],
    ['alerts.overview', sample('alerts.overview', {}, (cli, browser) => {
      // the serving console's recorder evaluates every interval: the same rules and firing list, the time moves
      const { evaluatedAt: _t1, ...once } = cli as Record<string, unknown>;
      const { evaluatedAt: _t2, ...serving } = browser as Record<string, unknown>;
      expect(once).toEqual(serving);
      expect(once).toMatchObject({ available: true, rules: expect.arrayContaining([expect.objectContaining({ kind: 'stuck-leases' })]) });
    })],
    // a window long before this database existed: no events, the same both ways
    ['alerts.events', sample('alerts.events', { from: new Date('2020-01-01T00:00:00Z'), to: new Date('2020-01-01T01:00:00Z'), limit: 50 })],
    ['pool.latency', sample('pool.latency', {}, (cli, browser) => {
      // each process times its own queries: the same summaries' shape, over different calls
      for (const summaries of [cli, browser] as Record<string, unknown>[][]) {
        expect(Array.isArray(summaries)).toBe(true);
        for (const summary of summaries) expect(summary).toMatchObject({ name: expect.any(String) });
      }
    })],
    ['stats.recent', sample('stats.recent', {}, (cli, browser) => {
      // each process keeps its own sampler's ring (a CLI process has sampled nothing): the same shape of samples
      for (const ring of [cli, browser] as Record<string, unknown>[][]) {
        expect(Array.isArray(ring)).toBe(true);
        for (const entry of ring) expect(entry).toMatchObject({ kind: expect.stringMatching(/^(ok|error)$/), at: expect.any(String) });
      }
    })],
    // an hour long before this database existed: no rows, the whole range one gap, the same both ways
    ['history.read', sample('history.read', { from: new Date('2020-01-01T00:00:00Z'), to: new Date('2020-01-01T01:00:00Z') })],
    ['recorder.state', sample('recorder.state', {}, (cli, browser) => {
      // each process has its own recorder: a one-shot call runs none (stopped), the serving console one on the same lock
      const [once, serving] = [cli, browser] as { role: string; identity: string; lockName: string; intervalMs: number }[];
      expect(once).toMatchObject({ role: 'stopped', identity: expect.stringMatching(/^console /) });
      expect(['starting', 'leader', 'follower']).toContain(serving!.role);
      expect(serving!.identity).toMatch(/^console \S+@\S+ pid \d+ /);
      expect(once!.lockName).toBe(serving!.lockName);
      expect(once!.intervalMs).toBe(serving!.intervalMs);
    })],
    ['entries.list', sample('entries.list', { limit: 10, status: 'waiting' })],
    ['entries.detail', sample('entries.detail', { bookingId })],
    ['entries.bulk.preview', sample('entries.bulk.preview', { action: 'make-ready', match: { status: 'waiting' }, cap: 10 })],
    ['maintenance.cleanup.preview', sample('maintenance.cleanup.preview', { leaseTimeoutSeconds: 1800 })],
    ['maintenance.validate', sample('maintenance.validate', {})],
    ['maintenance.retryFailed.preview', sample('maintenance.retryFailed.preview', { maxAttempts: 3, limit: 5 })],
    ['maintenance.resetStuck.preview', sample('maintenance.resetStuck.preview', { olderThanSeconds: 3600 })],
    ['migrations.status', sample('migrations.status', {})],
    ['migrations.plan', sample('migrations.plan', { direction: 'down' })],
    ['migrations.lockHolder', sample('migrations.lockHolder', {})],
    ['indexes.health', sample('indexes.health', {})],
    ['indexes.ensure.preview', sample('indexes.ensure.preview', {})],
    ['import.preview', sample('import.preview', { snapshot })],
    ['audit.list', sample('audit.list', { limit: 5 })],
    ['system.status', sample('system.status', {})],
    ['system.validate', sample('system.validate', {})],
    // the same profile saved twice (an update): both answer its summary
    ['profiles.save', sample('profiles.save', { profile: scratch })],
    ['profiles.setPassword', sample('profiles.setPassword', { name: SCRATCH, password: data.profile.password })],
    ['profiles.list', sample('profiles.list', {})],
    ['connection.test', sample('connection.test', { profile: SCRATCH })],
    // the local test server's root has no password, so the CLI process (whose session-only passwords are its own) connects too
    ['connection.connect', sample('connection.connect', { profile: SCRATCH })],
    ['connection.disconnect', sample('connection.disconnect', {})],
    ['profiles.delete', sample('profiles.delete', { name: SCRATCH })],
  ];
}

/** One read through the socket, then through `call` with the same input: both ok, the results equal (or as `compare` says). */
async function compareBothWays(name: OperationName, { input, compare }: Sample): Promise<void> {
  const browser = asJson(await socket.call(name, input)) as Reply<unknown>;
  const run = await cli(['call', name, JSON.stringify(input)]);
  const printed = envelope(run);
  expect(browser.ok, `${name} over the socket: ${JSON.stringify(browser)}`).toBe(true);
  expect(printed.ok, `${name} through call: ${run.stdout}${run.stderr}`).toBe(true);
  expect(run.code, name).toBe(0);
  if (!printed.ok || !browser.ok) return;
  if (compare) compare(printed.result, browser.result);
  else expect(withoutClock(printed.result), name).toEqual(withoutClock(browser.result));
}

describe('pool-console call answers as the browser does', { timeout: 300_000 }, () => {
  it('for every read operation of the contract, with the same input', async () => {
    const table = samples(await fs.readFile(path.join(FIXTURES, 'legacy/valid-map.json'), 'utf8'));
    // a read operation added without a sample fails here
    expect(table.map(([name]) => name).sort()).toEqual([...READ_OPERATIONS].sort());
    // the reads that change nothing run four CLI processes at a time; the profile and connection ones in order
    const firstOrdered = table.findIndex(([name]) => name === 'profiles.save');
    const independent = table.slice(0, firstOrdered);
    for (let at = 0; at < independent.length; at += 4) await Promise.all(independent.slice(at, at + 4).map(([name, sampled]) => compareBothWays(name, sampled)));
    for (const [name, sampled] of table.slice(firstOrdered)) {
      if (name === 'profiles.delete') {
        // deleting twice answers deleted: true, then false: the socket deletes, the profile is saved again, then call deletes
        const browser = asJson(await socket.call(name, sampled.input));
        expect(browser).toEqual({ ok: true, result: { deleted: true } });
        await socket.call('profiles.save', table[firstOrdered]![1].input);
        expect(envelope(await cli(['call', name, JSON.stringify(sampled.input)]))).toEqual(browser);
      } else {
        await compareBothWays(name, sampled);
      }
    }
  });

  it('reads the input from stdin with -', async () => {
    const input = { limit: 3 };
    const run = await cli(['call', 'entries.list', '-'], JSON.stringify(input));
    expect(run.code, run.stderr).toBe(0);
    const browser = asJson(await socket.call('entries.list', input));
    expect(envelope(run)).toEqual(browser);
  });

  it('exits 2 with a coded envelope for bad JSON, an unknown operation, an input the contract refuses, and a write without a reason', async () => {
    const id = bookingId;
    const [notJson, unknown, invalid, noReason] = await Promise.all([
      cli(['call', 'pool.stats', '{leaseSeconds: 60']),
      cli(['call', 'pool.frobnicate', '{}']),
      cli(['call', 'entries.list', '{"limit": 0}']),
      cli(['call', 'entries.remove', JSON.stringify({ bookingId: id })]),
    ]);
    for (const run of [notJson, unknown, invalid, noReason]) {
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(envelope(run)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.any(String) } });
    }
    expect(envelope(notJson)).toMatchObject({ error: { message: expect.stringMatching(/^The input is not JSON/) } });
    // the service's own refusals, word for word as the socket gives them
    expect(envelope(unknown)).toEqual(asJson(await socket.call('pool.frobnicate', {})));
    expect(envelope(invalid)).toEqual(asJson(await socket.call('entries.list', { limit: 0 })));
    expect(envelope(noReason)).toEqual(asJson(await socket.call('entries.remove', { bookingId: id })));
    expect(envelope(noReason)).toMatchObject({ error: { message: expect.stringMatching(/^Invalid reason: /) } });
    const [rows] = (await data.admin.query('SELECT POOL_STATUS AS s FROM BOOKING_PLAN WHERE BOOKING_ID = ?', [id])) as unknown as [{ s: string | null }[]];
    expect(rows[0]?.s).toBe('waiting');
  });
});

describe('pool-console ops', { timeout: 60_000 }, () => {
  it('lists every operation with its summary, whether it writes, and its input as JSON Schema', async () => {
    const run = await unconnected(['ops', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const listed = JSON.parse(run.stdout) as { name: OperationName; summary: string; writes: boolean; input: Record<string, unknown> }[];
    expect(listed.map((op) => op.name)).toEqual(OPERATION_NAMES);
    for (const op of listed) {
      expect(op.summary).toBe(OPERATIONS[op.name].summary);
      expect(op.writes).toBe(OPERATIONS[op.name].writes);
      expect(op.input.$schema).toMatch(/^https:\/\/json-schema\.org\//);
      // a valid JSON Schema: zod reads it back, and the copy accepts what the contract accepts
      const copy = z.fromJSONSchema(op.input as Parameters<typeof z.fromJSONSchema>[0]);
      expect(copy.safeParse({ frobnicate: true }).success, `${op.name} takes unknown fields`).toBe(false);
    }
    const entriesList = z.fromJSONSchema(listed.find((op) => op.name === 'entries.list')!.input as Parameters<typeof z.fromJSONSchema>[0]);
    expect(entriesList.safeParse({ limit: 10, status: 'waiting' }).success).toBe(true);
    expect(entriesList.safeParse({ limit: 0 }).success).toBe(false);
    const retry = z.fromJSONSchema(listed.find((op) => op.name === 'entries.retry')!.input as Parameters<typeof z.fromJSONSchema>[0]);
    expect(retry.safeParse({ bookingId: 1, reason: 'INC-1' }).success).toBe(true);
    expect(retry.safeParse({ bookingId: 1 }).success).toBe(false);

    const text = await unconnected(['ops']);
    expect(text.code, text.stderr).toBe(0);
    for (const name of OPERATION_NAMES) expect(text.stdout).toMatch(new RegExp(`^${name.replace(/\./g, '\\.')}(  \\[writes\\])?$`, 'm'));
  });
});
