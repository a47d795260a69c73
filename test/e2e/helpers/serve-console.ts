import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { LocalDatabaseServer } from '../../../src/core/sandbox/local-server.js';
import type { ConnectionState } from '../../../src/shared/contract.js';
import type { Reply } from '../../../src/shared/wire.js';
import { ProtocolSocket, socketUrlOf } from '../../helpers/serve-socket.js';
import { makeTempDir } from '../../helpers/temp-dirs.js';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
const RENDERER_INDEX = path.join(ROOT, 'out', 'renderer', 'index.html');
/** What the renderer bundle is built from: newer files here mean out/renderer is stale. */
const RENDERER_SOURCES = ['src/renderer', 'src/shared'].map((folder) => path.join(ROOT, folder));
const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/;

/** The sandbox's demo database (src/core/sandbox/sandbox.ts). */
export const SANDBOX_DATABASE = 'pool_sandbox';

function newestChange(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Serve mode serves electron-vite's out/renderer. CI builds before testing; a developer's
 * `npm test` may not have, or may have edited the renderer since: then build it here (seconds).
 */
export function ensureRendererBuilt(): void {
  if (existsSync(RENDERER_INDEX)) {
    const built = statSync(RENDERER_INDEX).mtimeMs;
    if (RENDERER_SOURCES.every((folder) => newestChange(folder) <= built)) return;
  }
  const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  if (build.status !== 0 || !existsSync(RENDERER_INDEX)) {
    throw new Error(`npx electron-vite build failed (exit ${build.status ?? build.signal}):\n${build.stdout}\n${build.stderr}`);
  }
}

export interface ServeConsole {
  /** The URL serve mode printed, with its token. */
  url: string;
  /** POOL_CONSOLE_HOME of the run: profiles and the sandbox live here. */
  home: string;
  /** The port of the sandbox's database server on 127.0.0.1 (user root, no password). */
  sandboxPort: number;
  /** A raw socket client of the same console, for setting up and for forced calls. */
  socket: ProtocolSocket;
  /** What the process wrote so far (for failure messages). */
  output(): string;
  /** SIGTERM (serve closes the connection and stops the sandbox's server), then removes the home. */
  stop(): Promise<void>;
}

export function resultOf<T>(reply: Reply<unknown>): T {
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string, output: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * `pool-console serve --sandbox` as a child process with its own POOL_CONSOLE_HOME (a temp dir):
 * resolves once the page is served and the sandbox is connected (the first start seeds it).
 */
export async function startServeConsole(): Promise<ServeConsole> {
  const home = await makeTempDir();
  // rows every second, as the live stream's own counts came before the recorder (default 10 s)
  const env: NodeJS.ProcessEnv = { ...process.env, POOL_CONSOLE_HOME: home, POOL_RECORDER_INTERVAL_MS: process.env.POOL_RECORDER_INTERVAL_MS ?? '1000' };
  // serve connects only to what its command line names; keep the developer's settings out of it
  delete env.POOL_DATABASE_URL;
  delete env.POOL_DATABASE_PASSWORD;
  delete env.POOL_CONSOLE_RENDERER_DIR;
  const child: ChildProcess = spawn(process.execPath, ['bin/pool-console.mjs', 'serve', '--sandbox'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const output = () => `serve stdout:\n${stdout}\nserve stderr:\n${stderr}`;
  const running = () => child.exitCode === null && child.signalCode === null;

  let socket: ProtocolSocket | null = null;
  const stop = async () => {
    socket?.close();
    if (running()) {
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killed);
    }
    // whatever a crash left running: the sandbox's server is stopped, its folder removed
    await new LocalDatabaseServer({ dataDir: path.join(home, 'sandbox-db') }).remove();
    await fs.rm(home, { recursive: true, force: true });
  };

  try {
    const url = await until(
      () => {
        if (!running()) throw new Error(`pool-console serve exited before printing its URL\n${output()}`);
        return URL_PATTERN.exec(stdout)?.[0];
      },
      30_000,
      'the URL of serve mode',
      output,
    );
    socket = await ProtocolSocket.open(socketUrlOf(url));
    const opened = socket;
    await until(
      async () => {
        if (/did not open/.test(stderr)) throw new Error(`the sandbox did not open\n${output()}`);
        const state = resultOf<ConnectionState>(await opened.call('connection.current', {}));
        return state.connected ? state : undefined;
      },
      240_000,
      'the sandbox to connect',
      output,
    );
    const sandboxState = JSON.parse(await fs.readFile(path.join(home, 'sandbox.json'), 'utf8')) as { port: number };
    return { url, home, sandboxPort: sandboxState.port, socket: opened, output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
