import { homedir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { ZodError } from 'zod';
import { adHocProfile } from '../core/console/ad-hoc-profile.js';
import { ConsoleService } from '../core/console/console-service.js';
import { NO_SECRET_BOX, ProfileStore, toConnectionProfile } from '../core/console/profile-store.js';
import type { SandboxLauncher } from '../core/console/sandbox-launcher.js';
import { classifyError } from '../core/db/classify-error.js';
import { partsFromUrl, type UrlParts } from '../core/db/profile-url.js';
import { CONSOLE_VERSION } from '../core/version.js';
import { MemoryLog } from '../server/memory-log.js';
import { PoolError } from '../shared/errors.js';
import { connectionProfileSchema, type ConnectionProfile, type SavedProfile } from '../shared/profile.js';

export interface ConnectionFlags {
  url?: string;
  host?: string;
  port?: string;
  user?: string;
  password?: string;
  database?: string;
  socket?: string;
  profile?: string;
  readOnly?: boolean;
}

/** The database flags, the same on every command that connects: `--port` is always the database's. */
export function connectionOptions(command: Command): Command {
  return command
    .option('--url <url>', 'the database: mysql://user:password@host:port/database (default: POOL_DATABASE_URL)')
    .option('--host <host>', "the database server (overrides the URL's)")
    .option('--port <port>', "the database server's port (overrides the URL's)")
    .option('--user <name>', 'the database user (default: root)')
    .option('--password <password>', 'the password; POOL_DATABASE_PASSWORD keeps it out of the process list')
    .option('--database <name>', 'the booking database')
    .option('--socket <path>', "the server's socket file instead of host and port")
    .option('--profile <name>', 'a profile saved by the console (POOL_CONSOLE_HOME or ~/.pool-console) instead of a URL')
    .option('--read-only', 'refuse every write, as a read-only profile does');
}

/** Where profiles and the sandbox live: POOL_CONSOLE_HOME, else ~/.pool-console. */
export function dataDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.POOL_CONSOLE_HOME || path.join(homedir(), '.pool-console');
}

/**
 * The profile from --url, else POOL_DATABASE_URL, with single flags overriding its parts;
 * POOL_DATABASE_PASSWORD keeps the password off the command line (and out of `ps`).
 */
export function profileFromFlags(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): ConnectionProfile {
  const url = flags.url ?? env.POOL_DATABASE_URL;
  // The URL's parts are validated only after the flags are applied: `--url mysql://root@host/
  // --database booking` is complete even though the URL alone is not.
  const base: UrlParts = url ? partsFromUrl(url) : {};
  const database = flags.database ?? base.database;
  if (!database) {
    throw new PoolError('INVALID_INPUT', 'No database given: pass --url mysql://user:password@host:port/database, set POOL_DATABASE_URL, or pass --host, --user and --database.');
  }
  try {
    return connectionProfileSchema.parse({
      host: flags.host ?? base.host,
      // digits only: Number() would also take '', '0x50' or '1e3'
      port: flags.port !== undefined ? (/^\d+$/.test(flags.port.trim()) ? Number(flags.port) : Number.NaN) : base.port,
      user: flags.user ?? base.user ?? 'root',
      password: flags.password ?? env.POOL_DATABASE_PASSWORD ?? base.password ?? '',
      database,
      socketPath: flags.socket ?? base.socketPath,
    });
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    const issue = error.issues[0];
    const flag = issue?.path[0] === 'socketPath' ? 'socket' : (issue?.path.join('.') ?? 'option');
    throw new PoolError('INVALID_INPUT', `Invalid --${flag}: ${issue?.message ?? 'rejected'}.`);
  }
}

/** What to connect to: a profile (saved, or made from the flags) and its connection, password included. */
export interface Target {
  saved: SavedProfile;
  connection: ConnectionProfile;
}

/** Whether the flags (or POOL_DATABASE_URL) name a database at all. */
export function hasTarget(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(flags.profile ?? flags.url ?? flags.host ?? flags.database ?? flags.socket ?? env.POOL_DATABASE_URL);
}

/**
 * The target of --profile NAME (its password from POOL_DATABASE_PASSWORD when given: without the
 * OS keychain a saved password lasts one session), else of the URL and flags, as the unsaved
 * profile "command line". --read-only makes either refuse writes.
 */
export async function resolveTarget(flags: ConnectionFlags, profiles: ProfileStore, env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  if (flags.profile !== undefined) {
    const direct = ['url', 'host', 'port', 'user', 'password', 'database', 'socket'].find((flag) => flags[flag as keyof ConnectionFlags] !== undefined);
    if (direct) throw new PoolError('INVALID_INPUT', `Invalid --${direct}: give either --profile NAME or the database's URL and flags, not both.`);
    const password = env.POOL_DATABASE_PASSWORD;
    const { saved, connection } = password !== undefined
      ? { saved: await profiles.get(flags.profile), connection: undefined }
      : await profiles.connectionProfile(flags.profile);
    return {
      saved: flags.readOnly ? { ...saved, readOnly: true } : saved,
      connection: connection ?? toConnectionProfile(saved, password ?? ''),
    };
  }
  const connection = profileFromFlags(flags, env);
  return { saved: adHocProfile(connection, { readOnly: flags.readOnly }), connection };
}

/** The profiles the console keeps in its data directory (no OS keychain outside the desktop app). */
export function profileStore(env: NodeJS.ProcessEnv = process.env): ProfileStore {
  return new ProfileStore(path.join(dataDirectory(env), 'profiles.json'), NO_SECRET_BOX);
}

/** The console's back, as the desktop app and serve mode run it: every operation goes through its dispatch. */
export function consoleService(options: { shell: 'cli' | 'serve'; profiles: ProfileStore; log: MemoryLog; actor?: string; sandbox?: SandboxLauncher | null; env?: NodeJS.ProcessEnv }): ConsoleService {
  return new ConsoleService({
    profiles: options.profiles,
    sandbox: options.sandbox ?? null,
    info: { version: CONSOLE_VERSION, shell: options.shell, platform: process.platform, node: process.version, dataDir: dataDirectory(options.env) },
    logs: options.log,
    ...(options.actor !== undefined ? { actor: options.actor } : {}),
    onError: (operation, error) => options.log.add('warn', `${operation}: ${error.code} ${error.message}`),
  });
}

/** Opens the target in the service's session; a failure names the server, never the password. */
export async function connectTarget(service: ConsoleService, target: Target): Promise<void> {
  await service.session.connect(target.saved, target.connection).catch((error: unknown) => {
    throw classifyError(error, target.connection);
  });
}
