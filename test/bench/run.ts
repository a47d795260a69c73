/**
 * `npm run bench [-- options]`: builds a large BOOKING_PLAN and measures the pool's hot operations
 * against a reference implementation of the first system's approach. A script that prints figures,
 * not a test (vitest only collects *.test.ts). See docs/BENCHMARKS.md.
 */
import { parseArgs } from 'node:util';
import { applyLegacyImport } from '../../src/core/maintenance/legacy-import.js';
import { buildDataset, type DatasetShape } from './dataset.js';
import { closeContext, concurrentClaims, legacyImport, openContext, readyPage, resetStuck, statsSnapshot, type ApplyImport, type Context } from './operations.js';
import { int, loadAverage, machineInfo, ms, pn, ratio, table, verdict } from './report.js';
import { bufferPoolMb, openServer, serverVersion, setBufferPool, type BenchServer } from './server.js';

const HELP = `npm run bench -- [options]

  --bookings N            bookings to build (default 1000000)
  --pooled N              of which pooled (default 100000; at most a quarter)
  --claimers N            concurrent claimers (default 8)
  --batch-sizes A,B,…     claimBatch sizes to try (default 10,50,100)
  --iterations N          timed runs of each read, after a 10 % warm-up (default 200)
  --reference-iterations N  timed runs of the reference reads (default 20: its ready query takes ~0.3 s)
  --claim-seconds N       time cap of each claim run (default 10)
  --reference-list N      rows a reference claimer reads per round (default 200)
  --reference-import N    entries the reference imports one by one; its time is scaled to all
                          (default 10000; the full 100,000 take one to three minutes)
  --reset-pause-ms N      pause of each claimer between its batches of 10 during the reset, as a
                          worker busy with its batch would (default 20; 0 = flat out)
  --buffer-pool-mb N      InnoDB buffer pool of the private server (default 1024)
  --only LIST             some of ready,stats,claims,reset,import (default all)
  --scale                 instead: ready page, stats and a short claim run at each of --scale-sizes
  --scale-sizes A,B,C     bookings per scale step, pooled = 10 % (default 10000,100000,1000000)

POOL_BENCH_DATABASE_URL=mysql://user:pass@host:port/ uses that server instead of a private one
(it creates and drops its own databases there, and leaves server settings alone).`;

const OPERATIONS = ['ready', 'stats', 'claims', 'reset', 'import'] as const;

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      bookings: { type: 'string', default: '1000000' },
      pooled: { type: 'string', default: '100000' },
      claimers: { type: 'string', default: '8' },
      'batch-sizes': { type: 'string', default: '10,50,100' },
      iterations: { type: 'string', default: '200' },
      'reference-iterations': { type: 'string', default: '20' },
      'claim-seconds': { type: 'string', default: '10' },
      'reference-list': { type: 'string', default: '200' },
      'reference-import': { type: 'string', default: '10000' },
      'reset-pause-ms': { type: 'string', default: '20' },
      'buffer-pool-mb': { type: 'string', default: '1024' },
      only: { type: 'string', default: OPERATIONS.join(',') },
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
  const list = (name: 'batch-sizes' | 'scale-sizes') =>
    String(values[name])
      .split(',')
      .map((part) => Number(part.replace(/_/g, '')))
      .map((value) => {
        if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} takes positive whole numbers separated by commas.`);
        return value;
      });
  const only = String(values.only).split(',');
  for (const name of only) if (!(OPERATIONS as readonly string[]).includes(name)) throw new Error(`--only: unknown operation '${name}' (${OPERATIONS.join(', ')}).`);
  return {
    help: values.help,
    shape: { bookings: positive('bookings'), pooled: positive('pooled') } satisfies DatasetShape,
    claimers: positive('claimers'),
    batchSizes: list('batch-sizes'),
    iterations: positive('iterations'),
    referenceIterations: positive('reference-iterations'),
    claimMs: positive('claim-seconds') * 1000,
    referenceList: positive('reference-list'),
    referenceImport: positive('reference-import'),
    resetPauseMs: nonNegative('reset-pause-ms'),
    bufferPoolMb: positive('buffer-pool-mb'),
    only: new Set(only),
    scale: values.scale,
    scaleSizes: list('scale-sizes'),
  };
}

type Options = ReturnType<typeof parseOptions>;

const log = (line: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);


async function withDataset<T>(server: BenchServer, created: string[], shape: DatasetShape, options: Options, work: (context: Context) => Promise<T>): Promise<T> {
  const database = `pool_bench_${process.pid}_${shape.bookings}`;
  created.push(database);
  const dataset = await buildDataset(server, database, shape, log);
  const admin = await server.admin(database);
  const context = await openContext(dataset, server.profile(database), admin, options.claimers, log);
  try {
    return await work(context);
  } finally {
    await closeContext(context);
    await admin.query(`DROP DATABASE \`${database}\``);
    created.splice(created.indexOf(database), 1);
    await admin.end();
  }
}

async function fullRun(server: BenchServer, created: string[], options: Options): Promise<void> {
  const applyImport: ApplyImport = (db, snapshot) => applyLegacyImport(db, snapshot);
  const summary: string[][] = [];
  const details: string[] = [];
  let buildSeconds = 0;
  let counts = '';
  await withDataset(server, created, options.shape, options, async (context) => {
    buildSeconds = context.dataset.buildMs / 1000;
    const c = context.dataset.counts;
    counts =
      `${int(c.eligible)} eligible (${int(c.waiting)} waiting, ${int(c.ready)} ready, ${int(c.processing)} processing, ${int(c.failed)} failed). ` +
      `Built in ${buildSeconds.toFixed(1)} s, of which the pool migrations on the filled table took ${(context.dataset.migrateMs / 1000).toFixed(1)} s.`;
    const reads = { iterations: options.iterations, referenceIterations: options.referenceIterations };

    if (options.only.has('ready')) {
      log('ready page…');
      const r = await readyPage(context, reads);
      summary.push([
        'ready page of 100', pn(r.ours), pn(r.reference), ratio(r.reference.p50, r.ours.p50),
        'ours p95 ≤ 2 ms', `${ms(r.ours.p95)} ms`, verdict(r.ours.p95 <= 2),
      ]);
      details.push(`Ready page: ours returned ${r.oursRows} rows per call (${r.ours.count} timed calls); the reference returned ${int(r.referenceRows)} rows (${r.reference.count} timed calls).`);
    }
    if (options.only.has('stats')) {
      log('stats snapshot…');
      const s = await statsSnapshot(context, reads);
      summary.push([
        'stats snapshot (exact)', pn(s.ours), pn(s.reference), ratio(s.reference.p50, s.ours.p50),
        'ours p50 ≤ 15 ms', `${ms(s.ours.p50)} ms`, verdict(s.ours.p50 <= 15),
      ]);
      details.push(`Stats: ours and the reference's five counts ${s.agree ? 'agree' : 'DISAGREE'} on the counts per status (${s.ours.count} / ${s.reference.count} timed calls).`);
    }
    if (options.only.has('claims')) {
      log(`${options.claimers} concurrent claimers…`);
      const results = await concurrentClaims(context, {
        workers: options.claimers,
        batchSizes: options.batchSizes,
        maxMs: options.claimMs,
        referenceListRows: options.referenceList,
      });
      const reference = results[results.length - 1];
      const ours = results.slice(0, -1);
      const best = [...ours].sort((a, b) => b.claimsPerSecond - a.claimsPerSecond)[0];
      if (best && reference) {
        summary.push([
          `${options.claimers} concurrent claimers (claims/s)`, `${int(best.claimsPerSecond)}/s`, `${int(reference.claimsPerSecond)}/s`,
          ratio(best.claimsPerSecond, reference.claimsPerSecond).replace('×', '× more'),
          '≥ 10,000 claims/s, 0 double claims', `${int(best.claimsPerSecond)}/s, ${best.tally.doubleClaims} double (${best.label.replace('ours: claimBatch, ', '')})`,
          verdict(best.claimsPerSecond >= 10_000 && ours.every((result) => result.tally.doubleClaims === 0)),
        ]);
      }
      details.push(
        `Claims (${options.claimers} claimers, each on its own connection pool; every run starts from the same eligible set, capped at ${options.claimMs / 1000} s):\n\n` +
          table(
            ['claimer', 'claims believed won', 'distinct entries', 'double claims', 'entries claimed 2+ times', 'elapsed (s)', 'claims/s', 'distinct/s', 'call p50 / p95 (ms)', 'ran dry', 'db shows claimed'],
            results.map((result) => [
              result.label, int(result.tally.claims), int(result.tally.distinct),
              `${int(result.tally.doubleClaims)} (${result.tally.claims ? ((result.tally.doubleClaims / result.tally.claims) * 100).toFixed(0) : 0} %)`,
              int(result.tally.entriesClaimedTwiceOrMore), (result.elapsedMs / 1000).toFixed(2), int(result.claimsPerSecond), int(result.distinctPerSecond),
              pn(result.callLatency), result.exhausted ? 'yes' : 'no', result.databaseClaimed === null ? '–' : int(result.databaseClaimed),
            ]),
          ),
      );
    }
    if (options.only.has('reset')) {
      log('reset of stuck leases under load…');
      const [ours, reference] = await resetStuck(context, { workers: options.claimers, claimBatch: 10, pauseMs: options.resetPauseMs, leadMs: 1000 });
      if (ours && reference) {
        summary.push([
          `reset ${int(ours.stuck)} stuck leases (s)`, (ours.resetMs / 1000).toFixed(2), (reference.resetMs / 1000).toFixed(2), ratio(reference.resetMs, ours.resetMs),
          'ours ≤ 3 s', `${(ours.resetMs / 1000).toFixed(2)} s`, verdict(ours.resetMs <= 3000),
        ]);
        summary.push([
          '… claimers’ p99 during the reset (ms)', ms(ours.during.p99), ms(reference.during.p99), ratio(reference.during.p99, ours.during.p99),
          'p99 ≤ 50 ms', `${ms(ours.during.p99)} ms`, verdict(ours.during.p99 <= 50),
        ]);
        details.push(
          `Reset under load (${options.claimers} claimers running claimBatch(10) with a ${options.resetPauseMs} ms pause after each batch, from 1 s before the reset until it ends; ` +
            `latency of one claimBatch call):\n\n` +
            table(
              ['reset', 'stuck', 'reset rows', 'time (s)', 'claim p50 / p99 / max before (ms)', 'claim p50 / p99 / max during (ms)', 'claims during', 'claimers ran dry'],
              [ours, reference].map((result) => [
                result.label, int(result.stuck), int(result.reset), (result.resetMs / 1000).toFixed(2),
                `${ms(result.before.p50)} / ${ms(result.before.p99)} / ${ms(result.before.max)}`,
                `${ms(result.during.p50)} / ${ms(result.during.p99)} / ${ms(result.during.max)}`,
                int(result.claimsDuring), result.ranDry ? 'yes' : 'no',
              ]),
            ),
        );
      }
    }
    if (options.only.has('import')) {
      log('legacy import…');
      const results = await legacyImport(context, applyImport, { referenceEntries: options.referenceImport });
      const ours = results.find((result) => result.label.startsWith('ours'));
      const reference = results.find((result) => result.label.startsWith('reference'));
      if (ours && reference) {
        const scaled = reference.measuredEntries < reference.entries;
        summary.push([
          `legacy import of ${int(ours.entries)} entries (s)`, (ours.ms / 1000).toFixed(2), `${(reference.ms / 1000).toFixed(1)}${scaled ? ' (scaled)' : ''}`,
          ratio(reference.ms, ours.ms), 'ours ≤ 5 s', `${(ours.ms / 1000).toFixed(2)} s`, verdict(ours.ms <= 5000),
        ]);
        details.push(
          `Legacy import (the export built from the bookings themselves, so every entry is valid and gets added)${
            scaled ? `; the reference ran ${int(reference.measuredEntries)} entries and its time is scaled linearly to ${int(reference.entries)}` : ''
          }:\n\n` +
            table(
              ['import', 'entries run', 'time (s)', `time for ${int(ours.entries)} (s)`, 'outcome'],
              results.map((result) => [result.label, int(result.measuredEntries), (result.measuredMs / 1000).toFixed(2), (result.ms / 1000).toFixed(2), result.outcome]),
            ),
        );
      }
    }
  });

  console.log(`\n## Dataset\n\n${int(options.shape.bookings)} bookings, ${int(options.shape.pooled)} pooled: ${counts}`);
  const defaultShape = options.shape.bookings === 1_000_000 && options.shape.pooled === 100_000;
  console.log(`\n## Results (p50 / p95 in ms unless stated)${defaultShape ? '' : '; the targets are set for 1,000,000 bookings with 100,000 pooled'}\n`);
  console.log(table(['operation', 'ours', 'reference (first system)', 'ratio', 'target', 'measured', 'result'], summary));
  for (const detail of details) console.log(`\n${detail}`);
}

async function scaleRun(server: BenchServer, created: string[], options: Options): Promise<void> {
  const rows: string[][] = [];
  for (const bookings of options.scaleSizes) {
    const shape = { bookings, pooled: Math.max(Math.floor(bookings / 10), 1) };
    log(`scale step: ${int(bookings)} bookings…`);
    await withDataset(server, created, shape, options, async (context) => {
      const reads = { iterations: options.iterations, referenceIterations: options.referenceIterations };
      const ready = await readyPage(context, reads);
      const stats = await statsSnapshot(context, reads);
      const [ours, reference] = await concurrentClaims(context, {
        workers: options.claimers,
        batchSizes: [Math.max(...options.batchSizes)],
        maxMs: 3000,
        referenceListRows: options.referenceList,
      });
      const doubled = (result: typeof reference) => (result && result.tally.claims ? `${((result.tally.doubleClaims / result.tally.claims) * 100).toFixed(0)} %` : '–');
      rows.push([
        int(bookings), int(shape.pooled), int(context.dataset.counts.eligible), (context.dataset.buildMs / 1000).toFixed(1),
        pn(ready.ours), `${pn(ready.reference)} (${int(ready.referenceRows)} rows)`,
        pn(stats.ours), pn(stats.reference),
        ours ? `${int(ours.claimsPerSecond)}${ours.exhausted ? ' (ran dry)' : ''}` : '–',
        reference ? `${int(reference.claimsPerSecond)} (${doubled(reference)} double)` : '–',
      ]);
    });
  }
  console.log(`\n## Growth (pooled = 10 %, half of it eligible; p50 / p95 in ms; claims ≤ 3 s per run)\n`);
  console.log(
    table(
      ['bookings', 'pooled', 'eligible', 'build (s)', 'ready page ours', 'ready query reference', 'stats ours', 'stats reference', `claims/s ours (batch ${Math.max(...options.batchSizes)})`, 'claims/s reference'],
      rows,
    ),
  );
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (options.help) {
    console.log(HELP);
    return 0;
  }
  const created: string[] = [];
  let server: BenchServer | undefined;
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= server ? server.close(created).catch((error) => console.error(`cleanup failed: ${(error as Error).message}`)) : Promise.resolve());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: removing the benchmark's database${server?.kind === 'private' ? ' server' : 's'}…`);
      void close().finally(() => process.exit(130));
    });
  }
  try {
    const url = process.env.POOL_BENCH_DATABASE_URL;
    log(url ? 'using the server in POOL_BENCH_DATABASE_URL' : 'starting a private database server…');
    server = await openServer(url);
    const root = await server.admin();
    let bufferPool: number;
    try {
      bufferPool = server.kind === 'private' ? await setBufferPool(root, options.bufferPoolMb) : await bufferPoolMb(root);
      const machine = machineInfo(await serverVersion(root), bufferPool);
      console.log('# Pool benchmark\n');
      console.log(`Command: npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}${url ? ' (POOL_BENCH_DATABASE_URL set)' : ''}\n`);
      console.log(
        table(
          ['machine', ''],
          [
            ['CPU', `${machine.cpu}, ${machine.cores} cores`],
            ['memory', `${machine.memoryGiB} GiB`],
            ['OS', machine.os],
            ['Node', machine.node],
            ['database server', `${machine.server}, ${server.kind}`],
            ['InnoDB buffer pool', `${machine.bufferPoolMb} MiB`],
            ['load average at start (1/5/15 min)', machine.loadStart],
          ],
        ),
      );
    } finally {
      await root.end();
    }
    if (options.scale) await scaleRun(server, created, options);
    else await fullRun(server, created, options);
    console.log(`\nLoad average at end (1/5/15 min): ${loadAverage()}`);
    return 0;
  } catch (error) {
    console.error(error);
    return 1;
  } finally {
    await close();
  }
}

process.exit(await main());
