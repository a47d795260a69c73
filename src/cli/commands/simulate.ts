import { z } from 'zod';
import { DatabaseBookingPool } from '../../core/pool/database-booking-pool.js';
import { runSimulation, seedDemoData, seededRandom, type SeedResult, type SimulationCounters } from '../../core/simulator/index.js';
import { PoolError } from '../../shared/errors.js';
import { EXIT_FINDINGS, EXIT_OK } from '../output.js';
import { decimalFlag, defineCommand, intFlag, table } from './command.js';

function countersLine(c: SimulationCounters): string {
  return `claimed ${c.claimed}  completed ${c.completed}  failed ${c.failed} (${c.failedFinal} for good)  died ${c.died} (${c.deaths} deaths)  entered ${c.entered}  errors ${c.errors}`;
}

export const simulateCommand = defineCommand({
  name: 'simulate',
  usage: [
    'simulate --confirm DATABASE [--seed-bookings N --seed-pooled N] [--workers N] [--seconds S (0: until Ctrl-C)]',
    '         [--fail-rate R] [--die-rate R] [--claim-batch N] [--think-ms MS] [--enter-rate N] [--max-attempts N] [--seed N]',
  ],
  options: {
    confirm: { type: 'string' },
    'seed-bookings': { type: 'string' },
    'seed-pooled': { type: 'string' },
    workers: { type: 'string' },
    seconds: { type: 'string' },
    'fail-rate': { type: 'string' },
    'die-rate': { type: 'string' },
    'claim-batch': { type: 'string' },
    'think-ms': { type: 'string' },
    'enter-rate': { type: 'string' },
    'max-attempts': { type: 'string' },
    seed: { type: 'string' },
  },
  schema: z
    .object({
      confirm: z.string({ error: 'is required: the simulation writes demo bookings and claims real pool entries, so name the database to run it on' }),
      'seed-bookings': intFlag(0, 10_000_000).default(0),
      'seed-pooled': intFlag(0, 10_000_000).default(0),
      workers: intFlag(1, 64).default(4),
      seconds: intFlag(0, 86_400).default(10),
      'fail-rate': decimalFlag(0, 1).default(0.1),
      'die-rate': decimalFlag(0, 1).default(0.02),
      'claim-batch': intFlag(1, 1000).default(10),
      'think-ms': intFlag(0, 60_000).default(20),
      'enter-rate': decimalFlag(0, 10_000).default(0),
      'max-attempts': intFlag(1, 100).default(3),
      seed: intFlag(0, 2_147_483_647).optional(),
    })
    .refine((a) => a['seed-pooled'] <= a['seed-bookings'], { path: ['seed-pooled'], message: 'cannot be more than --seed-bookings' })
    .refine((a) => a['fail-rate'] + a['die-rate'] <= 1, { path: ['die-rate'], message: '--fail-rate plus --die-rate cannot exceed 1' }),
  // one connection per worker, plus the feeder and the final stats
  databaseOptions: (args) => ({ poolMax: args.workers + 2 }),
  async run(db, args, out) {
    if (args.confirm !== db.profile.database) {
      throw new PoolError('INVALID_INPUT', `Invalid --confirm: simulate writes demo bookings and claims pool entries in '${db.profile.database}'; pass --confirm ${db.profile.database} to run it there. Nothing was changed.`);
    }
    const random = args.seed === undefined ? Math.random : seededRandom(args.seed);
    let seeded: SeedResult | null = null;
    if (args['seed-bookings'] > 0) {
      out.progress(`seeding ${args['seed-bookings']} demo bookings, ${args['seed-pooled']} pooled…`);
      seeded = await seedDemoData(db, { bookings: args['seed-bookings'], pooled: args['seed-pooled'], seed: args.seed, maxAttempts: args['max-attempts'] });
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
        claimBatch: args['claim-batch'],
        failRate: args['fail-rate'],
        dieRate: args['die-rate'],
        thinkMs: args['think-ms'],
        enterRate: args['enter-rate'],
        maxAttempts: args['max-attempts'],
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
      const stats = await new DatabaseBookingPool(db).getPoolStats({ maxAttempts: args['max-attempts'] });
      out.result({ seeded, simulation: result, stats }, () =>
        [
          ...(seeded ? [`seeded ${seeded.bookings} bookings, ${seeded.pooled} pooled, in ${seeded.elapsedMs} ms`] : []),
          `ran ${args.workers} workers for ${(result.elapsedMs / 1000).toFixed(1)} s (stopped by ${result.stoppedBy})`,
          table(Object.entries(result.counters)),
          ...(result.lastError ? [`last error ${result.lastError.code}: ${result.lastError.message}`] : []),
          `pool now: ${stats.inPool} entries (${Object.entries(stats.byStatus).map(([s, n]) => `${s} ${n}`).join(', ')}), ${stats.expiredLeases} expired leases`,
        ].join('\n'),
      );
      return result.counters.errors > 0 ? EXIT_FINDINGS : EXIT_OK;
    } finally {
      process.removeListener('SIGINT', interrupt);
    }
  },
});
