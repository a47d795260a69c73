import { parseArgs } from 'node:util';
import { Database } from '../core/db/database.js';
import { PoolError } from '../shared/errors.js';
import { cleanupCommand } from './commands/cleanup.js';
import { AUDIT_OPTIONS, auditContext, auditFlags, parseFlags, requireReasonToApply, type CliCommand, type FlagSpec } from './commands/command.js';
import { z } from 'zod';
import { doctor } from './commands/doctor.js';
import { entriesCommand } from './commands/entries.js';
import { importMemoryCommand } from './commands/import-memory.js';
import { indexesCommand } from './commands/indexes.js';
import { migrate, type MigrateArgs } from './commands/migrate.js';
import { resetStuckCommand } from './commands/reset-stuck.js';
import { retryFailedCommand } from './commands/retry-failed.js';
import { serve, SERVE_OPTIONS, SERVE_USAGE } from './commands/serve.js';
import { simulateCommand } from './commands/simulate.js';
import { statsCommand } from './commands/stats.js';
import { statusCommand } from './commands/status.js';
import { validateCommand } from './commands/validate.js';
import { CONNECTION_OPTIONS, profileFromFlags } from './connection.js';
import { createOutput, EXIT_OK } from './output.js';

const POOL_COMMANDS: readonly CliCommand[] = [
  statsCommand,
  entriesCommand,
  statusCommand,
  validateCommand,
  cleanupCommand,
  retryFailedCommand,
  resetStuckCommand,
  importMemoryCommand,
  indexesCommand,
  simulateCommand,
];

/** Flags of the commands written before the command table; they keep their own handling. */
const LEGACY_COMMAND_OPTIONS: Record<string, readonly string[]> = { doctor: [], migrate: ['to', 'dry-run', 'actor', 'reason'] };

const GLOBAL_OPTIONS = { ...CONNECTION_OPTIONS, json: { type: 'boolean' }, help: { type: 'boolean' } } as const;

const USAGE = `pool-console: the booking pool from a terminal

Usage:
  pool-console doctor                                   check connection, server and pool schema
  pool-console migrate status | up | down [--to NAME] (--dry-run | --reason TEXT) [--actor NAME]
${POOL_COMMANDS.flatMap((command) => command.usage.map((line) => `  pool-console ${line}`)).join('\n')}
  pool-console ${SERVE_USAGE}

Writes (cleanup, retry-failed, reset-stuck, import-memory, migrate up/down) need --reason (at least
3 non-blank characters; a --dry-run needs none) and are recorded in POOL_AUDIT_LOG with it and
--actor (default: OS user@host).

Connection (any command):
  --url mysql://user:password@host:port/database        or POOL_DATABASE_URL
  --host H --port P --user U --database D --socket S    override parts of the URL
  --password P                                          or POOL_DATABASE_PASSWORD (kept out of ps)

Output:
  --json                                                machine-readable result on stdout
Exit codes: 0 ok, 1 findings, 2 error.`;

/** Every flag any command takes, for one strict parse; which command may use which is checked after. */
function allOptions(): Record<string, FlagSpec> {
  const options: Record<string, FlagSpec> = { ...GLOBAL_OPTIONS, ...SERVE_OPTIONS, to: { type: 'string' }, 'dry-run': { type: 'boolean' }, ...AUDIT_OPTIONS };
  for (const command of POOL_COMMANDS) {
    for (const [name, spec] of Object.entries(command.options)) {
      const known = options[name];
      if (known && (known.type !== spec.type || ('multiple' in known && known.multiple) !== ('multiple' in spec && spec.multiple))) {
        throw new Error(`CLI flag --${name} is declared with two different shapes`);
      }
      options[name] = spec;
    }
  }
  return options;
}

function refuseForeignFlags(command: string, given: string[], allowed: readonly string[]): void {
  const foreign = given.find((flag) => !(flag in GLOBAL_OPTIONS) && !allowed.includes(flag));
  if (foreign) throw new PoolError('INVALID_INPUT', `Option --${foreign} does not apply to '${command}'. Run pool-console --help.`);
}

/** migrate's flags, checked before connecting: up and down apply, so they need --reason unless --dry-run. */
function migrateArgsFrom(flags: Record<string, unknown>, rest: string[]): MigrateArgs {
  const applying = (rest[0] === 'up' || rest[0] === 'down') && !flags['dry-run'];
  const schema = z.object({ to: z.string().optional(), 'dry-run': z.boolean().default(false), ...auditFlags });
  const args = parseFlags(applying ? schema.superRefine(requireReasonToApply) : schema, flags);
  return { action: rest[0], to: args.to, dryRun: args['dry-run'], audit: auditContext(args) };
}

export async function runCli(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  let out = createOutput(json);
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: allOptions() });
    const flags = values as Record<string, unknown>;
    const [command, ...rest] = positionals;
    if (values.help || command === undefined || command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    }
    if (command === 'serve') {
      refuseForeignFlags(command, Object.keys(flags), Object.keys(SERVE_OPTIONS));
      return await serve(flags, rest, out);
    }
    const poolCommand = POOL_COMMANDS.find((candidate) => candidate.name === command);
    const legacyOptions = LEGACY_COMMAND_OPTIONS[command];
    if (!poolCommand && !legacyOptions) throw new PoolError('INVALID_INPUT', `Unknown command '${command}'. Run pool-console --help.`);
    refuseForeignFlags(command, Object.keys(flags), poolCommand ? Object.keys(poolCommand.options) : legacyOptions ?? []);
    // flags are checked before connecting: a typo costs no connection attempt
    const commandFlags = Object.fromEntries(Object.entries(flags).filter(([name]) => !(name in GLOBAL_OPTIONS)));
    const prepared = poolCommand?.prepare(commandFlags, rest);
    const migrateArgs = command === 'migrate' ? migrateArgsFrom(commandFlags, rest) : undefined;
    const profile = profileFromFlags(values as Record<string, string | undefined>);
    out = createOutput(json, [profile.password]);
    const db = new Database(profile, prepared?.databaseOptions);
    try {
      if (prepared) return await prepared.run(db, out);
      if (command === 'doctor') return await doctor(db, out);
      return await migrate(db, migrateArgs!, out);
    } finally {
      await db.close();
    }
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      return out.error(new PoolError('INVALID_INPUT', `${error.message}. Run pool-console --help.`));
    }
    return out.error(error);
  }
}
