import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConsoleService } from '../../core/console/console-service.js';
import { createSandboxLauncher } from '../../core/console/sandbox-launcher.js';
import { classifyError } from '../../core/db/classify-error.js';
import { MemoryLog, startServeMode } from '../../server/index.js';
import { connectTarget, consoleService, dataDirectory, profileStore, resolveTarget } from '../connection.js';
import { createOutput, EXIT_ERROR, EXIT_OK, type Output } from '../output.js';
import { intFlag, jsonOption, parseFlags, type Register } from './command.js';
import { untilSignalled } from '../interrupt.js';

const serveFlagsSchema = z
  .object({
    listenPort: intFlag(0, 65_535).optional(),
    url: z.string().min(1).optional(),
    profile: z.string().trim().min(1).max(64).optional(),
    sandbox: z.boolean().optional(),
    readOnly: z.boolean().optional(),
    json: z.boolean().optional(),
  })
  .refine((flags) => [flags.url, flags.profile, flags.sandbox].filter(Boolean).length <= 1, {
    path: ['sandbox'],
    message: 'give one of --sandbox, --profile NAME or --url URL',
  });

type ServeArgs = z.output<typeof serveFlagsSchema>;

/** The project's root (this file is src/cli/commands/serve.ts). */
const ROOT = path.resolve(import.meta.dirname, '../../..');

/** The built renderer (electron-vite's out/renderer), or POOL_CONSOLE_RENDERER_DIR. */
export function rendererDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.POOL_CONSOLE_RENDERER_DIR || path.join(ROOT, 'out', 'renderer');
}

/** `serve`: a tool that carries the contract to a browser; --url and --profile name the database as everywhere. */
export const serveCommand: Register = (program, done) => {
  const command = program
    .command('serve')
    .description('the console in a browser, on 127.0.0.1 only; runs until Ctrl-C')
    .option('--listen-port <port>', 'the HTTP port to serve on (default: a free one)')
    .option('--sandbox', 'open the local sandbox (the default while no profile is saved)')
    .option('--profile <name>', 'a saved profile (POOL_CONSOLE_HOME or ~/.pool-console)')
    .option('--url <url>', 'the database: mysql://user:password@host:port/database (POOL_DATABASE_URL is not read here)')
    .option('--read-only', 'refuse every write, as a read-only profile does');
  jsonOption(command).action((flags: Record<string, unknown>) => done(() => serve(parseFlags(serveFlagsSchema, flags), createOutput(Boolean(flags.json)))));
};

/**
 * `pool-console serve`: the console in a browser. Connects as asked (a saved profile, an ad-hoc
 * --url, or the local sandbox, which is also the default while no profile is saved), serves the
 * built renderer and the contract on 127.0.0.1, prints the URL with its token, and runs until
 * SIGINT or SIGTERM; then it stops serving and closes the connection (and the sandbox server).
 */
export async function serve(args: ServeArgs, out: Output, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const staticDir = rendererDirectory(env);
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    process.stderr.write(`The built console is missing (${path.join(staticDir, 'index.html')}): run \`npm run build\` first.\n`);
    return EXIT_ERROR;
  }

  const dataDir = dataDirectory(env);
  const profiles = profileStore(env);
  const log = new MemoryLog();
  const sandbox = createSandboxLauncher(dataDir, (error) => log.add('warn', `sandbox: ${error.code} ${error.message}`));
  const service: ConsoleService = consoleService({ shell: 'serve', profiles, log, sandbox, env });
  const stopProgress = service.subscribe('progress', {}, (event) => {
    log.add('info', event.message);
    out.progress(event.message);
  });

  const useSandbox = args.sandbox || (!args.url && !args.profile && (await profiles.list()).length === 0);
  try {
    // POOL_DATABASE_PASSWORD may carry the password (out of the process list); POOL_DATABASE_URL is
    // ignored: serve connects to a database only when asked on its command line
    const { POOL_DATABASE_URL: _ignored, ...rest } = env;
    if (args.url || args.profile) await connectTarget(service, await resolveTarget({ url: args.url, profile: args.profile, readOnly: args.readOnly }, profiles, rest));
  } catch (error) {
    stopProgress();
    await service.close();
    return out.error(classifyError(error));
  }

  const server = await startServeMode({ service, port: args.listenPort, staticDir, host: '127.0.0.1', favicon: path.join(ROOT, 'resources', 'icon.ico') });
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
