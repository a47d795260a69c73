import { Command, CommanderError } from 'commander';
import { PoolError } from '../shared/errors.js';
import { agentCommand } from './commands/agent.js';
import { alertsCommand } from './commands/alerts.js';
import { bulkCommand } from './commands/bulk.js';
import { callCommand } from './commands/call.js';
import { cleanupCommand } from './commands/cleanup.js';
import type { Register } from './commands/command.js';
import { doctorCommand } from './commands/doctor.js';
import { entriesCommand } from './commands/entries.js';
import { importMemoryCommand } from './commands/import-memory.js';
import { indexesCommand } from './commands/indexes.js';
import { migrateCommand } from './commands/migrate.js';
import { opsCommand } from './commands/ops.js';
import { pauseCommand, resumeCommand } from './commands/pause.js';
import { resetStuckCommand } from './commands/reset-stuck.js';
import { retryFailedCommand } from './commands/retry-failed.js';
import { serveCommand } from './commands/serve.js';
import { simulateCommand } from './commands/simulate.js';
import { statsCommand } from './commands/stats.js';
import { statusCommand } from './commands/status.js';
import { validateCommand } from './commands/validate.js';
import { workersCommand } from './commands/workers.js';
import { createOutput, EXIT_OK } from './output.js';

const COMMANDS: readonly Register[] = [
  doctorCommand, migrateCommand, statsCommand, statusCommand, entriesCommand, validateCommand, cleanupCommand,
  retryFailedCommand, resetStuckCommand, bulkCommand, importMemoryCommand, indexesCommand, pauseCommand, resumeCommand, workersCommand,
  alertsCommand, callCommand, opsCommand, serveCommand, simulateCommand, agentCommand,
];

const EPILOGUE = `
Every pool command is a contract operation called through the console's own service (the one
the desktop app and the browser use): the same validation, read-only refusal and audit.
Writes need --reason (at least 3 non-blank characters; a --dry-run needs none) and are recorded
in POOL_AUDIT_LOG with it and --actor (default: OS user@host).
The database: --url mysql://user:password@host:port/database or POOL_DATABASE_URL, parts
overridden by --host --port --user --database --socket; the password from POOL_DATABASE_PASSWORD
keeps it out of the process list. Or --profile NAME, a saved profile.
Exit codes: 0 ok, 1 findings, 2 error (with --json, {"error": {code, message}} on stdout).`;

/** The program: one command per file, every flag declared by commander (help, unknown flags, values). */
function program(done: (code: number) => void): { program: Command; current: () => string | undefined } {
  let current: string | undefined;
  const root = new Command('pool-console')
    .description('the booking pool from a terminal')
    .addHelpText('after', EPILOGUE)
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .hook('preSubcommand', (_root, sub) => {
      current = sub.name();
    });
  for (const register of COMMANDS) register(root, async (work) => done(await work()));
  return { program: root, current: () => current };
}

/** A commander refusal in this console's words: INVALID_INPUT naming what to fix. */
function usageError(error: CommanderError, command: string | undefined): PoolError {
  const help = `Run pool-console ${command ? `${command} ` : ''}--help.`;
  const quoted = /'([^']+)'/.exec(error.message)?.[1];
  if (error.code === 'commander.unknownCommand') return new PoolError('INVALID_INPUT', `Unknown command '${quoted ?? ''}'. Run pool-console --help.`);
  if (error.code === 'commander.unknownOption') {
    return new PoolError('INVALID_INPUT', command ? `Option ${quoted} does not apply to '${command}'. ${help}` : `Unknown option ${quoted}. ${help}`);
  }
  const message = error.message.replace(/^error: /, '').split('\n')[0]!;
  return new PoolError('INVALID_INPUT', `${message.charAt(0).toUpperCase()}${message.slice(1).replace(/\.$/, '')}. ${help}`);
}

export async function runCli(argv: string[]): Promise<number> {
  const out = createOutput(argv.includes('--json'));
  let code = EXIT_OK;
  const { program: root, current } = program((exit) => (code = exit));
  if (argv.length === 0) {
    root.outputHelp();
    return EXIT_OK;
  }
  try {
    await root.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_OK;
      return out.error(usageError(error, current()));
    }
    return out.error(error);
  }
}
