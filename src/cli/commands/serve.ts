import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConsoleService } from '../../core/console/console-service.js';
import { NO_SECRET_BOX, ProfileStore, toConnectionProfile } from '../../core/console/profile-store.js';
import { createSandboxLauncher } from '../../core/console/sandbox-launcher.js';
import { classifyError } from '../../core/db/classify-error.js';
import { CONSOLE_VERSION } from '../../core/version.js';
import { MemoryLog, startServeMode } from '../../server/index.js';
import { PoolError } from '../../shared/errors.js';
import { savedProfileSchema } from '../../shared/profile.js';
import { profileFromFlags } from '../connection.js';
import { EXIT_ERROR, EXIT_OK, type Output } from '../output.js';
import { parseFlags, intFlag, type FlagSpec } from './command.js';

/** serve's own flags; --port and --url are the global ones, read here as the HTTP port and the database. */
export const SERVE_OPTIONS = { sandbox: { type: 'boolean' }, profile: { type: 'string' } } as const satisfies Record<string, FlagSpec>;

export const SERVE_USAGE = 'serve [--port N] [--sandbox | --profile NAME | --url URL]   the console in a browser (127.0.0.1 only)';

/** The ad-hoc profile --url makes; it lives in this process's memory only. */
export const COMMAND_LINE_PROFILE = 'command line';

const FOREIGN = ['host', 'user', 'password', 'database', 'socket'] as const;

const serveFlagsSchema = z
  .object({
    port: intFlag(0, 65_535).optional(),
    url: z.string().min(1).optional(),
    profile: z.string().trim().min(1).max(64).optional(),
    sandbox: z.boolean().optional(),
  })
  .refine((flags) => [flags.url, flags.profile, flags.sandbox].filter(Boolean).length <= 1, {
    path: ['sandbox'],
    message: 'give one of --sandbox, --profile NAME or --url URL',
  });

/** The project's root (this file is src/cli/commands/serve.ts). */
const ROOT = path.resolve(import.meta.dirname, '../../..');

/** Where profiles and the sandbox live: POOL_CONSOLE_HOME, else ~/.pool-console. */
export function dataDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.POOL_CONSOLE_HOME || path.join(homedir(), '.pool-console');
}

/** The built renderer (electron-vite's out/renderer), or POOL_CONSOLE_RENDERER_DIR. */
export function rendererDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.POOL_CONSOLE_RENDERER_DIR || path.join(ROOT, 'out', 'renderer');
}

/**
 * `pool-console serve`: the console in a browser. Connects as asked (a saved profile, an ad-hoc
 * --url, or the local sandbox, which is also the default while no profile is saved), serves the
 * built renderer and the contract on 127.0.0.1, prints the URL with its token, and runs until
 * SIGINT or SIGTERM; then it stops serving and closes the connection (and the sandbox server).
 */
export async function serve(flags: Record<string, unknown>, positionals: string[], out: Output, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const foreign = FOREIGN.find((flag) => flag in flags);
  if (foreign) throw new PoolError('INVALID_INPUT', `Option --${foreign} does not apply to 'serve': give the database as --url URL, or --profile NAME.`);
  if (positionals.length > 0) throw new PoolError('INVALID_INPUT', `Unexpected argument '${positionals[0]}' for serve: pool-console ${SERVE_USAGE.split('  ')[0]}.`);
  const args = parseFlags(serveFlagsSchema, flags);

  const staticDir = rendererDirectory(env);
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    process.stderr.write(`The built console is missing (${path.join(staticDir, 'index.html')}): run \`npm run build\` first.\n`);
    return EXIT_ERROR;
  }

  const dataDir = dataDirectory(env);
  const profiles = new ProfileStore(path.join(dataDir, 'profiles.json'), NO_SECRET_BOX);
  const log = new MemoryLog();
  const sandbox = createSandboxLauncher(dataDir, (error) => log.add('warn', `sandbox: ${error.code} ${error.message}`));
  const service = new ConsoleService({
    profiles,
    sandbox,
    info: { version: CONSOLE_VERSION, shell: 'serve', platform: process.platform, node: process.version, dataDir },
    logs: log,
    onError: (operation, error) => log.add('warn', `${operation}: ${error.code} ${error.message}`),
  });
  const stopProgress = service.subscribe('progress', {}, (event) => {
    log.add('info', event.message);
    out.progress(event.message);
  });

  const useSandbox = args.sandbox || (!args.url && !args.profile && (await profiles.list()).length === 0);
  try {
    if (args.url) await connectUrl(service, args.url, env);
    else if (args.profile) await connectProfile(service, profiles, args.profile, env);
  } catch (error) {
    stopProgress();
    await service.close();
    return out.error(classifyError(error));
  }

  const server = await startServeMode({ service, port: args.port, staticDir, host: '127.0.0.1', favicon: path.join(ROOT, 'resources', 'icon.ico') });
  if (out.json) process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  else process.stdout.write(`Pool Console: ${server.url}  (open it in a browser on this machine; Ctrl-C stops it)\n`);
  log.add('info', `serving on http://127.0.0.1:${server.port}/`);

  // the sandbox may take minutes the first time (it seeds demo data): the page is up meanwhile
  // and shows the progress; a failure (no server binary) is shown on its connection page
  let opening: Promise<unknown> = Promise.resolve();
  if (useSandbox) {
    out.progress('opening the local sandbox…');
    opening = service.dispatch('connection.connect', { sandbox: true }).then((reply) => {
      if (reply.ok) out.progress('the local sandbox is connected');
      else out.progress(`the local sandbox did not open: ${reply.error.code} ${reply.error.message}`);
    });
  }

  await untilSignalled();
  out.progress('stopping…');
  await server.close();
  stopProgress();
  await service.close();
  // a sandbox still starting finishes into a closed service: close again once it settles
  void opening.finally(() => service.close());
  // nothing left open (a stuck socket, a server still starting) keeps the process alive for long
  setTimeout(() => process.exit(process.exitCode ?? EXIT_OK), 5000).unref();
  return EXIT_OK;
}

async function connectUrl(service: ConsoleService, url: string, env: NodeJS.ProcessEnv): Promise<void> {
  // POOL_DATABASE_PASSWORD may carry the password (out of the process list); POOL_DATABASE_URL is
  // ignored: serve connects to a database only when asked on its command line
  const { POOL_DATABASE_URL: _ignored, ...rest } = env;
  const profile = profileFromFlags({ url }, rest);
  const saved = savedProfileSchema.parse({
    name: COMMAND_LINE_PROFILE, host: profile.host, port: profile.port, user: profile.user, database: profile.database,
    socketPath: profile.socketPath, tls: profile.tls,
  });
  await service.session.connect(saved, profile).catch((error: unknown) => {
    throw classifyError(error, profile);
  });
}

async function connectProfile(service: ConsoleService, profiles: ProfileStore, name: string, env: NodeJS.ProcessEnv): Promise<void> {
  const password = env.POOL_DATABASE_PASSWORD;
  // without the OS keychain a saved password lasts one session: POOL_DATABASE_PASSWORD gives it again
  const { saved, connection } = password !== undefined
    ? { saved: await profiles.get(name), connection: undefined }
    : await profiles.connectionProfile(name);
  const profile = connection ?? toConnectionProfile(saved, password ?? '');
  await service.session.connect(saved, profile).catch((error: unknown) => {
    throw classifyError(error, profile);
  });
}

function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      // a second Ctrl-C while closing ends the process at once
      process.once('SIGINT', () => process.exit(130));
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
