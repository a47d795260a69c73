import { text } from 'node:stream/consumers';
import { MemoryLog } from '../../server/memory-log.js';
import { classifyError } from '../../core/db/classify-error.js';
import { isOperationName, OPERATIONS } from '../../shared/contract.js';
import { PoolError } from '../../shared/errors.js';
import { redactSecrets } from '../../shared/redact.js';
import type { Reply } from '../../shared/wire.js';
import { connectionOptions, connectTarget, consoleService, hasTarget, profileStore, resolveTarget } from '../connection.js';
import { cancelOnInterrupt } from '../interrupt.js';
import { EXIT_ERROR, EXIT_OK } from '../output.js';
import { actorOption, type ConsoleFlags, type Register } from './command.js';

/**
 * `call OPERATION [JSON]`: any contract operation through the service's dispatch, as the desktop
 * app and the browser call it; its reply envelope goes to stdout as JSON. Generic over the
 * contract: a new operation is callable here with no change to this file. An unknown operation
 * or an input the contract refuses is answered by the service before anything connects; with no
 * database given (no --url, --profile, POOL_DATABASE_URL…) the call runs unconnected, as the
 * console before a connection does.
 */
export const callCommand: Register = (program, done) => {
  const command = program
    .command('call')
    .description("any contract operation (see `pool-console ops`): its reply envelope {ok, result} or {ok: false, error} as JSON; exit 0 ok, 2 error")
    .argument('<operation>', 'e.g. pool.stats')
    .argument('[json]', "the input as JSON, or - to read it from stdin (default: {})");
  actorOption(connectionOptions(command)).action((name: string, json: string | undefined, flags: ConsoleFlags) =>
    done(async () => {
      const profiles = profileStore();
      const service = consoleService({ shell: 'cli', profiles, log: new MemoryLog(), actor: flags.actor });
      let secrets: string[] = [];
      let reply: Reply<unknown>;
      try {
        const input = await readInput(json);
        const valid = isOperationName(name) && OPERATIONS[name].input.safeParse(input).success;
        if (valid && hasTarget(flags)) {
          const target = await resolveTarget(flags, profiles);
          secrets = [target.connection.password];
          await connectTarget(service, target);
        }
        reply = await cancelOnInterrupt((line) => process.stderr.write(`${line}\n`), (signal) => service.dispatch(name, input, { signal }));
      } catch (error) {
        reply = { ok: false, error: classifyError(error).toEnvelope() };
      } finally {
        await service.close();
      }
      // a message never carries the password given on this command line (results never carry one)
      if (!reply.ok) reply = { ok: false, error: { ...reply.error, message: redactSecrets(reply.error.message, secrets) } };
      process.stdout.write(`${JSON.stringify(reply, null, 2)}\n`);
      return reply.ok ? EXIT_OK : EXIT_ERROR;
    }),
  );
};

async function readInput(json: string | undefined): Promise<unknown> {
  const source = json === '-' ? await text(process.stdin) : (json ?? '{}');
  try {
    return JSON.parse(source) as unknown;
  } catch (error) {
    throw new PoolError('INVALID_INPUT', `The input is not JSON (${(error as Error).message}): give it as one argument, e.g. '{"limit": 10}', or - to read it from stdin.`);
  }
}
