import { parseArgs } from 'node:util';
import { Database } from '../core/db/database.js';
import { PoolError } from '../shared/errors.js';
import { doctor } from './commands/doctor.js';
import { migrate } from './commands/migrate.js';
import { CONNECTION_OPTIONS, profileFromFlags } from './connection.js';
import { createOutput, EXIT_OK } from './output.js';

const USAGE = `pool-console: the booking pool from a terminal

Usage:
  pool-console doctor                                   check connection, server and pool schema
  pool-console migrate status | up | down [--to NAME] [--dry-run]

Connection (any command):
  --url mysql://user:password@host:port/database        or POOL_DATABASE_URL
  --host H --port P --user U --database D --socket S    override parts of the URL
  --password P                                          or POOL_DATABASE_PASSWORD (kept out of ps)

Output:
  --json                                                machine-readable result on stdout
Exit codes: 0 ok, 1 findings, 2 error.`;

export async function runCli(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  let out = createOutput(json);
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { ...CONNECTION_OPTIONS, json: { type: 'boolean' }, help: { type: 'boolean' }, to: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    });
    const [command, action] = positionals;
    if (values.help || command === undefined || command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    }
    if (!['doctor', 'migrate'].includes(command)) throw new PoolError('INVALID_INPUT', `Unknown command '${command}'. Run pool-console --help.`);
    const profile = profileFromFlags(values);
    out = createOutput(json, [profile.password]);
    const db = new Database(profile);
    try {
      if (command === 'doctor') return await doctor(db, out);
      return await migrate(db, { action, to: values.to, dryRun: Boolean(values['dry-run']) }, out);
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
