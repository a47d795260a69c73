import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LocalDatabaseServer } from '../../src/core/sandbox/local-server.js';
import type { ConnectionState } from '../../src/shared/contract.js';
import type { Reply } from '../../src/shared/wire.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';
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
  it('without the Electron binary, says so in one line and serves the sandbox; Ctrl-C stops it and its server', async () => {
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
      expect(ok<{ inPool: number }>(await socket.call('pool.stats', {})).inPool).toBeGreaterThan(0);
      expect(ok<{ entries: unknown[] }>(await socket.call('entries.list', { limit: 10 })).entries).toHaveLength(10);
    } finally {
      socket.close();
    }

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(new LocalDatabaseServer({ dataDir: path.join(home, 'sandbox-db') }).running).toBe(false);
  }, 240_000);

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
