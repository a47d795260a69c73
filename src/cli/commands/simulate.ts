import { z } from 'zod';
import { Database } from '../../core/db/database.js';
import { DatabaseBookingPool } from '../../core/pool/database-booking-pool.js';
import { runSimulation, seedDemoData, seededRandom, type SeedResult, type SimulationCounters } from '../../core/simulator/index.js';
import { PoolError } from '../../shared/errors.js';
import { connectionOptions, profileStore, resolveTarget, type ConnectionFlags } from '../connection.js';
import { createOutput, EXIT_FINDINGS, EXIT_OK, type Output } from '../output.js';
import { decimalFlag, intFlag, jsonOption, parseFlags, table, type Register } from './command.js';
import { formatSeconds } from '../../shared/format.js';

function countersLine(c: SimulationCounters): string {
  return `claimed ${c.claimed}  completed ${c.completed}  failed ${c.failed} (${c.failedFinal} for good)  died ${c.died} (${c.deaths} deaths)  entered ${c.entered}  errors ${c.errors}`;
}

const schema = z
  .object({
    confirm: z.string({ error: 'is required: the simulation writes demo bookings and claims real pool entries, so name the database to run it on' }),
    seedBookings: intFlag(0, 10_000_000).default(0),
    seedPooled: intFlag(0, 10_000_000).default(0),
    workers: intFlag(1, 64).default(4),
    seconds: intFlag(0, 86_400).default(10),
    failRate: decimalFlag(0, 1).default(0.1),
    dieRate: decimalFlag(0, 1).default(0.02),
    claimBatch: intFlag(1, 1000).default(10),
    thinkMs: intFlag(0, 60_000).default(20),
    enterRate: decimalFlag(0, 10_000).default(0),
    maxAttempts: intFlag(1, 100).default(3),
    seed: intFlag(0, 2_147_483_647).optional(),
  })
  .refine((a) => a.seedPooled <= a.seedBookings, { path: ['seedPooled'], message: 'cannot be more than --seed-bookings' })
  .refine((a) => a.failRate + a.dieRate <= 1, { path: ['dieRate'], message: '--fail-rate plus --die-rate cannot exceed 1' });

type SimulateArgs = z.output<typeof schema>;

/**
 * `simulate`: a tool, not a contract operation (the console's workers are the host's): demo
 * load on the database, its own flags checked here. It claims real entries, so --confirm names the database.
 */
export const simulateCommand: Register = (program, done) => {
  const command = program
    .command('simulate')
    .description('demo load: seed bookings, run workers that claim, complete, fail and die (claims real entries!)')
    .option('--confirm <database>', "the connected database's name: the simulation writes to it")
    .option('--seed-bookings <n>', 'demo bookings to insert first (default: 0)')
    .option('--seed-pooled <n>', 'of which pooled (default: 0)')
    .option('--workers <n>', 'claiming workers, one connection each (default: 4)')
    .option('--seconds <s>', 'how long; 0 runs until Ctrl-C (default: 10)')
    .option('--fail-rate <r>', 'share of claims that fail (default: 0.1)')
    .option('--die-rate <r>', 'share of claims whose worker dies holding the lease (default: 0.02)')
    .option('--claim-batch <n>', 'entries per claim (default: 10)')
    .option('--think-ms <ms>', "a worker's pause between claims (default: 20)")
    .option('--enter-rate <n>', 'new entries per second (default: 0)')
    .option('--max-attempts <n>', 'attempts before an entry stays failed (default: 3)')
    .option('--seed <n>', 'random seed, for a repeatable run');
  jsonOption(connectionOptions(command)).action((flags: Record<string, string | boolean | undefined> & ConnectionFlags & { json?: boolean }) =>
    done(async () => {
      const { url, host, port, user, password, database, socket, profile, readOnly, json, ...own } = flags;
      const args = parseFlags(schema, own);
      const { saved, connection } = await resolveTarget({ url, host, port, user, password, database, socket, profile, readOnly }, profileStore());
      if (saved.readOnly) throw new PoolError('NO_PRIVILEGE', `Profile '${saved.name}' is read-only: simulate writes demo bookings and claims pool entries.`);
      const out = createOutput(Boolean(json), [connection.password]);
      // one connection per worker, plus the feeder and the final stats
      const db = new Database(connection, { poolMax: args.workers + 2 });
      try {
        return await simulate(db, args, out);
      } finally {
        await db.close();
      }
    }),
  );
};

async function simulate(db: Database, args: SimulateArgs, out: Output): Promise<number> {
  if (args.confirm !== db.profile.database) {
    throw new PoolError('INVALID_INPUT', `Invalid --confirm: simulate writes demo bookings and claims pool entries in '${db.profile.database}'; pass --confirm ${db.profile.database} to run it there. Nothing was changed.`);
  }
  const random = args.seed === undefined ? Math.random : seededRandom(args.seed);
  let seeded: SeedResult | null = null;
  if (args.seedBookings > 0) {
    out.progress(`seeding ${args.seedBookings} demo bookings, ${args.seedPooled} pooled…`);
    seeded = await seedDemoData(db, { bookings: args.seedBookings, pooled: args.seedPooled, seed: args.seed, maxAttempts: args.maxAttempts });
    out.progress(`seeded in ${seeded.elapsedMs} ms`);
  }
  const stop = new AbortController();
  const interrupt = () => stop.abort();
  process.once('SIGINT', interrupt);
  let lastErrorShown = '';
  try {
    out.progress(`running ${args.workers} workers ${args.seconds > 0 ? `for ${args.seconds} s` : 'until Ctrl-C'}…`);
    const result = await runSimulation(db, {
      workers: args.workers,
      ...(args.seconds > 0 ? { durationMs: args.seconds * 1000 } : { untilStopped: true }),
      signal: stop.signal,
      claimBatch: args.claimBatch,
      failRate: args.failRate,
      dieRate: args.dieRate,
      thinkMs: args.thinkMs,
      enterRate: args.enterRate,
      maxAttempts: args.maxAttempts,
      random,
      onEvent: (event) => {
        if (event.type === 'tick') out.progress(`[${Math.round(event.elapsedMs / 1000)} s] ${countersLine(event.counters)}`);
        if (event.type === 'error' && event.error.message !== lastErrorShown) {
          // the same outage repeats for every worker: show each distinct message once in a row
          lastErrorShown = event.error.message;
          out.progress(`error ${event.error.code} (${event.source}): ${event.error.message}`);
        }
      },
    });
    const stats = await new DatabaseBookingPool(db).getPoolStats({ maxAttempts: args.maxAttempts });
    out.result({ seeded, simulation: result, stats }, () =>
      [
        ...(seeded ? [`seeded ${seeded.bookings} bookings, ${seeded.pooled} pooled, in ${seeded.elapsedMs} ms`] : []),
        `ran ${args.workers} workers for ${formatSeconds(result.elapsedMs)} (stopped by ${result.stoppedBy})`,
        table(Object.entries(result.counters)),
        ...(result.lastError ? [`last error ${result.lastError.code}: ${result.lastError.message}`] : []),
        `pool now: ${stats.inPool} entries (${Object.entries(stats.byStatus).map(([s, n]) => `${s} ${n}`).join(', ')}), ${stats.expiredLeases} expired leases`,
      ].join('\n'),
    );
    return result.counters.errors > 0 ? EXIT_FINDINGS : EXIT_OK;
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
}
