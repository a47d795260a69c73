import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import type { ConsoleService } from '../../src/core/console/console-service.js';
import type { ConnectionState, StatsSample } from '../../src/shared/contract.js';
import type { SystemStatus } from '../../src/shared/results/health.js';
import { privateServer } from '../helpers/database.js';
import { seedQuietPool } from '../helpers/pool-database.js';
import { consoleService, savedFor } from '../helpers/serve-fixture.js';

/**
 * Truth under trouble (issue 8, item 1) on a real server of this file's own: frozen with SIGSTOP
 * (a lock storm, a stuck disk: the process is there, the socket accepts, nothing answers),
 * restarted, and its database dropped under a connected console. The bounds asserted are the
 * issue's own: an error sample within two intervals of the last good one, good samples within
 * two intervals of the server coming back, `system.status` and `pool-console status` within 3 s.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/pool-console.mjs');
const INTERVAL_MS = 1_000;
const TWO_INTERVALS = 2 * INTERVAL_MS;
const STATUS_BOUND_MS = 3_000;

const own = privateServer();
let service: ConsoleService;
/** Every sample of the one stats.live subscription, with when it arrived. */
const received: { sample: StatsSample; arrivedAt: number }[] = [];
let unsubscribe: () => void = () => undefined;

function serverPid(): number {
  return Number.parseInt(fs.readFileSync(path.join(own.server.dataDir, 'pid'), 'utf8').trim(), 10);
}

/** Freezes the server for `during`, then always thaws it. */
async function whileFrozen<T>(during: (frozenAt: number) => Promise<T>): Promise<T> {
  const pid = serverPid();
  process.kill(pid, 'SIGSTOP');
  try {
    return await during(Date.now());
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

async function until<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; samples: ${JSON.stringify(received.slice(-5))}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The first sample after index `from` that `match` accepts. */
function firstAfter(from: number, match: (sample: StatsSample) => boolean) {
  return () => received.slice(from).find((entry) => match(entry.sample));
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

async function systemStatus(): Promise<SystemStatus> {
  const reply = await service.dispatch('system.status', {});
  if (!reply.ok) throw new Error(`system.status failed: ${reply.error.code} ${reply.error.message}`);
  return reply.result as SystemStatus;
}

async function connectionState(): Promise<ConnectionState> {
  const reply = await service.dispatch('connection.current', {});
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.result as ConnectionState;
}

function databaseUrl(): string {
  return `mysql://root@127.0.0.1:${own.server.port}/${own.database.name}`;
}

beforeAll(async () => {
  await seedQuietPool(own.database, 20);
  ({ service } = await consoleService());
  await service.session.connect(savedFor('frozen', own.database.profile), own.database.profile);
  unsubscribe = service.subscribe('stats.live', { intervalMs: INTERVAL_MS }, (sample) => received.push({ sample, arrivedAt: Date.now() }));
  await until(() => (received.filter((entry) => entry.sample.kind === 'ok').length >= 2 ? true : undefined), 20_000, 'two good samples');
});

afterAll(async () => {
  unsubscribe();
  await service?.close();
});

describe('a frozen server (SIGSTOP)', () => {
  it('the live stream sends an error sample with the true state within two intervals, never silence, and good samples within two intervals of SIGCONT', async () => {
    const { lastGood, firstError, errors } = await whileFrozen(async () => {
      const from = received.length;
      const lastGood = received.at(-1)!;
      expect(lastGood.sample.kind).toBe('ok');
      const firstError = await until(firstAfter(from, (sample) => sample.kind === 'error'), 15_000, 'an error sample');
      // keep it frozen for longer than a statement's bound (5 s): samples keep coming all along
      await new Promise((resolve) => setTimeout(resolve, 7_000));
      return { lastGood, firstError, errors: received.slice(from) };
    });
    const thawedAt = Date.now();
    const thawIndex = received.length;

    expect(firstError.arrivedAt - lastGood.arrivedAt).toBeLessThanOrEqual(TWO_INTERVALS);
    for (const { sample } of errors) {
      expect(sample.kind).toBe('error');
      if (sample.kind !== 'error') continue;
      expect(sample.connection).toBe('not-responding');
      expect(sample.error.code).toBe('TIMEOUT');
    }
    expect(firstError.sample.kind === 'error' && firstError.sample.error.message).toMatch(/not responded for \d+ s/);
    // never silence: no gap of more than two intervals between samples during the freeze
    const times = [lastGood.arrivedAt, ...errors.map((entry) => entry.arrivedAt)];
    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(TWO_INTERVALS);
    // the message counts the seconds of silence
    const counted = errors.flatMap(({ sample }) => (sample.kind === 'error' ? [/not responded for (\d+) s/.exec(sample.error.message)?.[1]] : [])).filter((n) => n !== undefined).map(Number);
    expect(Math.max(...counted)).toBeGreaterThanOrEqual(6);

    const back = await until(firstAfter(thawIndex, (sample) => sample.kind === 'ok'), 15_000, 'a good sample after SIGCONT');
    expect(back.arrivedAt - thawedAt).toBeLessThanOrEqual(TWO_INTERVALS);
    expect(back.sample.kind === 'ok' && back.sample.stats.inPool).toBe(20);
    await until(() => (service.session.state.status === 'connected' ? true : undefined), 5_000, 'the connection state to be connected again');
  }, 60_000);

  it('system.status says down ("not responding") within 3 s, and the connection state says not-responding', async () => {
    await whileFrozen(async () => {
      const { value: status, ms } = await timed(systemStatus);
      expect(ms).toBeLessThanOrEqual(STATUS_BOUND_MS);
      expect(status.state).toBe('down');
      expect(status.reasons.join(' ')).toMatch(/not respond/);
      const state = await connectionState();
      expect(state).toMatchObject({ connected: true, status: 'not-responding' });
      expect(state.message).toMatch(/not responded for \d+ s/);
      // a second call while still frozen answers as fast
      const again = await timed(systemStatus);
      expect(again.ms).toBeLessThanOrEqual(STATUS_BOUND_MS);
      expect(again.value.state).toBe('down');
    });
    await until(() => (service.session.state.status === 'connected' ? true : undefined), 5_000, 'connected again');
    expect((await systemStatus()).state).not.toBe('down');
  }, 60_000);

  it('pool-console status answers down within 3 s, and the process ends while the server is still frozen', async () => {
    await whileFrozen(async () => {
      // in-process: the command itself, from the call to its answer on stdout
      const writes: { text: string; at: number }[] = [];
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        writes.push({ text: String(chunk), at: performance.now() });
        return true;
      });
      const started = performance.now();
      let code: number;
      try {
        code = await runCli(['status', '--json', '--url', databaseUrl()]);
      } finally {
        spy.mockRestore();
      }
      expect(code).toBe(2);
      const answer = writes.find((write) => write.text.includes('"state"'));
      expect(answer, `stdout: ${writes.map((write) => write.text).join('')}`).toBeDefined();
      expect(answer!.at - started).toBeLessThanOrEqual(STATUS_BOUND_MS);
      const status = JSON.parse(answer!.text) as SystemStatus;
      expect(status.state).toBe('down');
      expect(status.reasons.join(' ')).toMatch(/not respond/);

      // as a process: it exits (nothing left waiting on the frozen server keeps it alive)
      const run = await new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve) => {
        const at = performance.now();
        execFile(process.execPath, [BIN, 'status', '--url', databaseUrl()], { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr, ms: performance.now() - at });
        });
      });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toMatch(/^DOWN at /);
      expect(run.stdout).toMatch(/not respond/);

      // any other command ends too, with a code, instead of hanging for the whole freeze
      const stats = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile(process.execPath, [BIN, 'stats', '--url', databaseUrl()], { cwd: ROOT, timeout: 30_000 }, (error, _stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr });
        });
      });
      expect(stats.code, stats.stderr).toBe(2);
      expect(stats.stderr).toMatch(/^error (TIMEOUT|UNREACHABLE): /);
    });
  }, 90_000);
});

describe('a server restart', () => {
  it('good samples resume within two intervals of the server being back, and error samples on the way never say connected', async () => {
    const from = received.length;
    await own.server.stop();
    const downIndex = received.length;
    await until(firstAfter(from, (sample) => sample.kind === 'error'), 15_000, 'an error sample while the server is down');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await own.server.start();
    const upAt = Date.now();
    const upIndex = received.length;
    const back = await until(firstAfter(upIndex, (sample) => sample.kind === 'ok'), 30_000, 'a good sample after the restart');
    expect(back.arrivedAt - upAt).toBeLessThanOrEqual(TWO_INTERVALS);
    expect(back.sample.kind === 'ok' && back.sample.stats.inPool).toBe(20);
    // once the server is gone (a graceful stop still answers for a moment), no error sample says connected
    for (const { sample } of received.slice(downIndex, upIndex)) {
      if (sample.kind === 'error') expect(sample.connection, JSON.stringify(sample)).not.toBe('connected');
    }
    const duringOutage = received.slice(from, upIndex).filter((entry) => entry.sample.kind === 'error');
    expect(duringOutage.some((entry) => entry.sample.kind === 'error' && entry.sample.connection === 'lost')).toBe(true);
  }, 90_000);
});

describe('the database dropped while connected', () => {
  it('is down ("database missing") everywhere: system.status, the connection state, the live samples', async () => {
    const from = received.length;
    // over a new connection: the restart above closed the admin one
    const admin = await mysql.createConnection({ host: '127.0.0.1', port: own.server.port, user: 'root', password: '' });
    try {
      await admin.query(`DROP DATABASE \`${own.database.name}\``);
    } finally {
      await admin.end();
    }
    await until(() => (service.session.state.status === 'database-missing' ? true : undefined), 5_000, 'the state database-missing');
    const state = await connectionState();
    expect(state).toMatchObject({ connected: true, status: 'database-missing' });
    expect(state.message).toMatch(/dropped/);

    const { value: status, ms } = await timed(systemStatus);
    expect(ms).toBeLessThanOrEqual(STATUS_BOUND_MS);
    expect(status.state).toBe('down');
    expect(status.reasons.join(' ')).toMatch(/was dropped/);
    expect(status.reasons.join(' ')).not.toMatch(/migrate up/);

    await until(firstAfter(from, (sample) => sample.kind === 'error' && sample.connection === 'database-missing'), 10_000, 'an error sample saying database-missing');
    // a sample read before the drop may still arrive; every error sample after it says database-missing, none "connected"
    const afterDrop = received.slice(from).filter((entry) => entry.sample.kind === 'error');
    for (const { sample } of afterDrop) expect(sample.kind === 'error' && sample.connection).toBe('database-missing');
  }, 60_000);
});
