import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { PoolError } from '../../shared/errors.js';
import type { ConnectionProfile } from '../../shared/profile.js';

const execFileAsync = promisify(execFile);

export type ServerFlavour = 'mariadb' | 'mysql';

export interface ServerBinary {
  /** Absolute path of mariadbd or mysqld. */
  path: string;
  flavour: ServerFlavour;
  /** First line of `--version`. */
  version: string;
  /** mariadb-install-db (or mysql_install_db); MySQL initialises with mysqld itself, so null there. */
  installDb: string | null;
}

export interface LocalDatabaseServerOptions {
  /** Everything the server owns lives here: data/, sock, pid, err.log. */
  dataDir: string;
  /** A fixed port; without one a free 127.0.0.1 port is picked on the first start. */
  port?: number;
  binary?: ServerBinary;
  /** Further server options after ours (e.g. a Galera node's wsrep settings); later ones win. */
  extraArgs?: string[];
}

const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/mysql/bin'];
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 15_000;
const PORT_RELEASE_MS = 5_000;

function searchDirs(): string[] {
  const fromPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return [...new Set([...fromPath, ...EXTRA_DIRS])];
}

function findExecutable(names: string[], dirs: string[]): string | null {
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return null;
}

/** The machine's own MariaDB or MySQL server binary, or null when there is none. */
export function findServerBinary(): ServerBinary | null {
  const dirs = searchDirs();
  for (const name of ['mariadbd', 'mysqld']) {
    const serverPath = findExecutable([name], dirs);
    if (!serverPath) continue;
    let version: string;
    try {
      version = execFileSync(serverPath, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
    } catch {
      continue; // a broken binary is as good as none
    }
    const flavour: ServerFlavour = /mariadb/i.test(version) ? 'mariadb' : 'mysql';
    const installDb =
      flavour === 'mariadb'
        ? findExecutable(
            ['mariadb-install-db', 'mysql_install_db'],
            // tarball layouts keep the script next to bin/ rather than in PATH
            [...dirs, path.join(path.dirname(serverPath), '../bin'), path.join(path.dirname(serverPath), '../scripts')],
          )
        : null;
    return { path: serverPath, flavour, version: version.split('\n')[0] ?? version, installDb };
  }
  return null;
}

const isRoot = (): boolean => process.getuid?.() === 0;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // a zombie answers signal 0, and in a container nobody may ever reap it
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true;
  }
}

/** The command line of a process, or null when it cannot be read (gone, or no /proc and no ps). */
function commandLine(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    try {
      return execFileSync('ps', ['-ww', '-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim() || null;
    } catch {
      return null;
    }
  }
}

/** A TCP port free on loopback right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Servers this process spawned, by pid, with a promise of their exit. Until Node has reaped a
 * child it is a zombie that still answers signal 0, so "gone" for our own children means this
 * promise has settled, whichever handle on the dataDir asks.
 */
const spawned = new Map<number, Promise<void>>();

/**
 * A private MariaDB/MySQL server started from the machine's own binary: the console's local
 * sandbox, and the database of the test suite. The server is found again through its pid file,
 * so any handle on the same dataDir can stop it, even one in another process.
 */
export class LocalDatabaseServer {
  readonly dataDir: string;
  private chosenPort: number | undefined;
  private binaryChoice: ServerBinary | undefined;
  private readonly extraArgs: string[];
  private child: ChildProcess | null = null;
  private childExit: Promise<void> | null = null;

  constructor(options: LocalDatabaseServerOptions) {
    this.dataDir = path.resolve(options.dataDir);
    this.chosenPort = options.port;
    this.binaryChoice = options.binary;
    this.extraArgs = options.extraArgs ?? [];
  }

  get port(): number {
    if (this.chosenPort === undefined) {
      throw new PoolError('INTERNAL', 'The local database server has no port until it has been started once.');
    }
    return this.chosenPort;
  }

  /** Whether a server for this dataDir is up, whichever process started it. */
  get running(): boolean {
    return this.livePid() !== null;
  }

  profile(database: string): ConnectionProfile {
    return { host: '127.0.0.1', port: this.port, user: 'root', password: '', database };
  }

  async start(): Promise<void> {
    if (this.childAlive()) return;
    await fs.promises.mkdir(this.dataDir, { recursive: true });
    // a server left behind by a crashed run would hold the datadir's files and locks
    await this.stop();
    const binary = this.binary();
    await this.initialise(binary);
    this.chosenPort ??= await freePort();

    const args = [
      '--no-defaults',
      `--datadir=${this.paths.data}`,
      `--socket=${this.paths.socket}`,
      `--port=${this.chosenPort}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${this.paths.pid}`,
      `--log-error=${this.paths.log}`,
      `--tmpdir=${this.paths.tmp}`,
      '--skip-name-resolve',
      '--skip-log-bin',
      // MySQL 8's X plugin would bind 33060 and clash with any other MySQL on the machine
      ...(binary.flavour === 'mysql' ? ['--loose-mysqlx=OFF'] : []),
      ...(isRoot() ? ['--user=root'] : []),
      ...this.extraArgs,
    ];
    // unref'd: the server's lifetime is managed through stop() and the pid file, not by whether
    // this Node process happens to still be running
    const child = spawn(binary.path, args, { stdio: 'ignore' });
    child.unref();
    this.child = child;
    const pid = child.pid;
    this.childExit = new Promise((resolve) => child.once('exit', () => resolve()));
    if (pid !== undefined) {
      spawned.set(pid, this.childExit);
      void this.childExit.then(() => spawned.delete(pid));
    }
    const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
    // written now, not when the server gets to it, so a stop() during start-up finds the server
    if (pid !== undefined) await fs.promises.writeFile(this.paths.pid, `${pid}\n`);

    await this.waitUntilReady(child, spawnFailed);
  }

  /**
   * Graceful shutdown: SIGTERM, then SIGKILL if the server has not exited after 15 s. Returns once
   * the process is gone (reaped, where it was ours) and its port no longer accepts connections.
   */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** SIGKILL at once, as a crash would. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Stops the server and deletes the dataDir with everything in it. */
  async remove(): Promise<void> {
    await this.stop();
    await fs.promises.rm(this.dataDir, { recursive: true, force: true });
    await fs.promises.rm(this.paths.socket, { force: true });
  }

  private get paths() {
    // sockaddr_un holds ~104 bytes; a deep dataDir would otherwise fail with an obscure log line
    const socketInDir = path.join(this.dataDir, 'sock');
    const socket =
      socketInDir.length < 100
        ? socketInDir
        : path.join(os.tmpdir(), `pool-console-${createHash('sha1').update(this.dataDir).digest('hex').slice(0, 12)}.sock`);
    return {
      data: path.join(this.dataDir, 'data'),
      partial: path.join(this.dataDir, 'data.partial'),
      socket,
      pid: path.join(this.dataDir, 'pid'),
      log: path.join(this.dataDir, 'err.log'),
      tmp: path.join(this.dataDir, 'tmp'),
    };
  }

  private binary(): ServerBinary {
    this.binaryChoice ??= findServerBinary() ?? undefined;
    if (!this.binaryChoice) {
      throw new PoolError(
        'UNREACHABLE',
        'No MariaDB or MySQL server binary on this machine (looked for mariadbd and mysqld in PATH, /usr/sbin, /usr/local/sbin, /usr/local/mysql/bin).',
      );
    }
    return this.binaryChoice;
  }

  /** Initialises into data.partial and renames it, so an interrupted init is never taken for a datadir. */
  private async initialise(binary: ServerBinary): Promise<void> {
    const { data, partial, tmp } = this.paths;
    await fs.promises.mkdir(tmp, { recursive: true });
    if (fs.existsSync(data)) return;
    await fs.promises.rm(partial, { recursive: true, force: true });

    let command: string;
    let args: string[];
    if (binary.flavour === 'mariadb') {
      if (!binary.installDb) {
        throw new PoolError('INTERNAL', `Found ${binary.path} but no mariadb-install-db to initialise a data directory with.`);
      }
      command = binary.installDb;
      args = [
        '--no-defaults',
        `--datadir=${partial}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        // a private tmpdir: installs running side by side raced on /tmp's #sql-temptable files
        `--tmpdir=${this.paths.tmp}`,
        ...(isRoot() ? ['--user=root'] : []),
      ];
    } else {
      await fs.promises.mkdir(partial);
      command = binary.path;
      args = ['--no-defaults', '--initialize-insecure', `--datadir=${partial}`, `--tmpdir=${this.paths.tmp}`, ...(isRoot() ? ['--user=root'] : [])];
    }
    try {
      await execFileAsync(command, args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new PoolError('INTERNAL', `Initialising ${partial} failed: ${lastLines(`${stdout}\n${stderr}`, 15)}`, undefined, {
        cause: error,
      });
    }
    await fs.promises.rename(partial, data);
  }

  private async waitUntilReady(child: ChildProcess, spawnFailed: Promise<Error>): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let exited = false;
    let spawnError: Error | undefined;
    void this.childExit?.then(() => (exited = true));
    void spawnFailed.then((error) => (spawnError = error));
    let lastError: unknown;
    let impostor: string | undefined;
    while (!exited && !spawnError && !impostor && Date.now() < deadline) {
      let datadir: string;
      try {
        const connection = await mysql.createConnection({
          host: '127.0.0.1',
          port: this.port,
          user: 'root',
          password: '',
          connectTimeout: 2_000,
        });
        try {
          const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT @@datadir AS datadir');
          datadir = String(rows[0]?.datadir);
        } finally {
          await connection.end();
        }
      } catch (error) {
        lastError = error;
        await sleep(100);
        continue;
      }
      // when our server cannot bind the port, whatever else listens there answers instead
      if (path.resolve(datadir) !== this.paths.data) {
        impostor = datadir;
        continue;
      }
      // the server rewrites the pid file as it starts: ready means another handle can find it there
      if (this.pidFromFile() === child.pid) return;
      lastError = new Error(`${this.paths.pid} does not name the server (pid ${child.pid}) yet`);
      await sleep(100);
    }
    if (!exited && !spawnError) {
      child.kill('SIGKILL');
      await this.childExit;
    }
    const why = spawnError
      ? `could not run ${this.binary().path}: ${spawnError.message}`
      : impostor !== undefined
        ? `port ${this.port} is answered by another server (datadir ${impostor})`
        : exited
          ? `the server exited (code ${child.exitCode ?? child.signalCode})`
          : `no connection as root within ${READY_TIMEOUT_MS / 1000} s (${(lastError as Error | undefined)?.message ?? 'no attempt'})`;
    throw new PoolError(
      'UNREACHABLE',
      `The local database server in ${this.dataDir} did not start: ${why}. Last lines of ${this.paths.log}:\n${await this.logTail()}`,
      { port: this.port, dataDir: this.dataDir },
    );
  }

  private childAlive(): boolean {
    const child = this.child;
    if (child === null || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return false;
    // another handle may have stopped it: exited, and maybe not reaped by Node yet
    return spawned.has(child.pid) && isAlive(child.pid);
  }

  private pidFromFile(): number | null {
    try {
      const pid = Number.parseInt(fs.readFileSync(this.paths.pid, 'utf8').trim(), 10);
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null; // not there (yet), or removed by the server as it stopped
    }
  }

  /** The pid of a running server for this datadir, from our child or from the pid file. */
  private livePid(): number | null {
    if (this.childAlive() && this.child?.pid !== undefined) return this.child.pid;
    const pid = this.pidFromFile();
    if (pid === null || !isAlive(pid)) return null;
    // a recycled pid must not get a signal meant for our server
    const command = commandLine(pid);
    return command?.includes(`--datadir=${this.paths.data}`) ? pid : null;
  }

  private async signal(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const pid = this.livePid();
    if (pid === null) return;
    try {
      process.kill(pid, signal);
    } catch {
      return; // exited in the meantime
    }
    const escalation = setTimeout(() => {
      try {
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      } catch {
        // exited between the check and the kill
      }
    }, STOP_GRACE_MS);
    try {
      // our own child: its exit event, i.e. reaped; anyone else's: gone from the process table
      await (spawned.get(pid) ?? waitForExit(pid));
    } finally {
      clearTimeout(escalation);
    }
    if (this.child?.pid === pid) this.child = null;
    if (this.chosenPort !== undefined) await waitForPortClosed(this.chosenPort);
  }

  private async logTail(): Promise<string> {
    try {
      return lastLines(await fs.promises.readFile(this.paths.log, 'utf8'), 20);
    } catch {
      return '(no error log)';
    }
  }
}

async function waitForExit(pid: number): Promise<void> {
  while (isAlive(pid)) await sleep(50);
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Waits (bounded) until the stopped server's port refuses connections. An exited process's sockets
 * are closed with it, so this normally takes one attempt; it guards against a child the server left
 * holding the port. Past the bound, start() reports whoever answers there.
 */
async function waitForPortClosed(port: number): Promise<void> {
  const deadline = Date.now() + PORT_RELEASE_MS;
  while ((await accepting(port)) && Date.now() < deadline) await sleep(100);
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
