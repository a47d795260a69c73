import { parseArgs } from 'node:util';
import type { DatasetShape } from './dataset.js';
import { SECTION_NAMES } from './sections/index.js';

export const HELP = `npm run bench -- [options]

  --bookings N            bookings to build (default 1000000)
  --pooled N              of which pooled (default 100000; at most a quarter)
  --claimers A,B,…        concurrent claimer counts to run the claims at (default 8,16); the
                          reset under load uses the first
  --batch-sizes A,B,…     claimBatch sizes to try (default 10,50,100)
  --iterations N          timed runs of each read, after a 10 % warm-up (default 200)
  --reference-iterations N  timed runs of the reference reads (default 20: its ready query takes ~0.3 s)
  --claim-seconds N       time cap of each claim run (default 10)
  --reference-list N      rows a reference claimer reads per round (default 200)
  --ceiling-connections N connections of the physical ceiling (default 8)
  --ceiling-seconds N     timed length of each ceiling run, after 1 s untimed (default 5)
  --reference-import N    entries the reference imports one by one; its time is scaled to all
                          (default 10000; the full 100,000 take one to three minutes)
  --reset-pause-ms N      pause of each claimer between its batches of 10 during the reset, as a
                          worker busy with its batch would (default 20; 0 = flat out)
  --consoles-seconds N    measured window of each setup of the consoles figure (default 60)
  --real-consoles         the consoles figure with real ConsoleServices (stats.live subscribed)
                          instead of the modelled recorder + newest-row read
  --buffer-pool-mb N      InnoDB buffer pool of the private server (default 1024)
  --only LIST             some of ${SECTION_NAMES.join(',')} (default all; the claims' share
                          of the ceiling needs ceiling)
  --scale                 instead: ready page, stats and a short claim run at each of --scale-sizes
  --scale-sizes A,B,C     bookings per scale step, pooled = 10 % (default 10000,100000,1000000)

POOL_BENCH_DATABASE_URL=mysql://user:pass@host:port/ uses that server instead of a private one
(it creates and drops its own databases there, and leaves server settings alone).`;

export function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      bookings: { type: 'string', default: '1000000' },
      pooled: { type: 'string', default: '100000' },
      claimers: { type: 'string', default: '8,16' },
      'batch-sizes': { type: 'string', default: '10,50,100' },
      iterations: { type: 'string', default: '200' },
      'reference-iterations': { type: 'string', default: '20' },
      'claim-seconds': { type: 'string', default: '10' },
      'reference-list': { type: 'string', default: '200' },
      'ceiling-connections': { type: 'string', default: '8' },
      'ceiling-seconds': { type: 'string', default: '5' },
      'reference-import': { type: 'string', default: '10000' },
      'reset-pause-ms': { type: 'string', default: '20' },
      'buffer-pool-mb': { type: 'string', default: '1024' },
      'consoles-seconds': { type: 'string', default: '60' },
      'real-consoles': { type: 'boolean', default: false },
      only: { type: 'string', default: SECTION_NAMES.join(',') },
      scale: { type: 'boolean', default: false },
      'scale-sizes': { type: 'string', default: '10000,100000,1000000' },
      help: { type: 'boolean', default: false },
    },
  });
  const positive = (name: keyof typeof values) => {
    const value = Number(String(values[name]).replace(/_/g, ''));
    if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number, not '${values[name]}'.`);
    return value;
  };
  const nonNegative = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number ≥ 0, not '${values[name]}'.`);
    return value;
  };
  const list = (name: 'batch-sizes' | 'scale-sizes' | 'claimers') =>
    String(values[name])
      .split(',')
      .map((part) => Number(part.replace(/_/g, '')))
      .map((value) => {
        if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} takes positive whole numbers separated by commas.`);
        return value;
      });
  const only = String(values.only).split(',');
  for (const name of only) {
    if (!(SECTION_NAMES as readonly string[]).includes(name)) throw new Error(`--only: unknown section '${name}' (${SECTION_NAMES.join(', ')}).`);
  }
  const claimers = list('claimers');
  return {
    help: values.help,
    shape: { bookings: positive('bookings'), pooled: positive('pooled') } satisfies DatasetShape,
    /** Claimer counts of the claim runs, in the order given. */
    claimers,
    /** Claimers of the reset under load and of the --scale claim runs: the first count. */
    baseClaimers: claimers[0] as number,
    batchSizes: list('batch-sizes'),
    iterations: positive('iterations'),
    referenceIterations: positive('reference-iterations'),
    claimMs: positive('claim-seconds') * 1000,
    referenceList: positive('reference-list'),
    ceilingConnections: positive('ceiling-connections'),
    ceilingMs: positive('ceiling-seconds') * 1000,
    referenceImport: positive('reference-import'),
    resetPauseMs: nonNegative('reset-pause-ms'),
    bufferPoolMb: positive('buffer-pool-mb'),
    consolesMs: positive('consoles-seconds') * 1000,
    realConsoles: values['real-consoles'],
    only: new Set(only),
    scale: values.scale,
    scaleSizes: list('scale-sizes'),
  };
}

export type Options = ReturnType<typeof parseOptions>;
