/**
 * `npm run bench [-- options]`: builds a large BOOKING_PLAN and measures the pool's hot operations
 * against a reference implementation of the first system's approach and against the server's
 * physical ceiling. Each figure is a section (test/bench/sections/). A script that prints figures,
 * not a test (vitest only collects *.test.ts). See docs/BENCHMARKS.md.
 */
import { buildDataset, type DatasetShape } from './dataset.js';
import { closeContext, concurrentClaims, openContext, readyPage, statsSnapshot, type Context } from './operations.js';
import { HELP, parseOptions, type Options } from './options.js';
import { int, loadAverage, machineInfo, pn, table } from './report.js';
import { SECTIONS } from './sections/index.js';
import type { Figures } from './sections/section.js';
import { bufferPoolMb, durability, openServer, serverVersion, setBufferPool, type BenchServer } from './server.js';

const log = (line: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function withDataset<T>(server: BenchServer, created: string[], shape: DatasetShape, options: Options, work: (context: Context) => Promise<T>): Promise<T> {
  const database = `pool_bench_${process.pid}_${shape.bookings}`;
  created.push(database);
  const dataset = await buildDataset(server, database, shape, log);
  const admin = await server.admin(database);
  const context = await openContext(dataset, server.profile(database), admin, Math.max(...options.claimers), log);
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
  const summary: string[][] = [];
  const details: string[] = [];
  let counts = '';
  await withDataset(server, created, options.shape, options, async (context) => {
    const c = context.dataset.counts;
    counts =
      `${int(c.eligible)} eligible (${int(c.waiting)} waiting, ${int(c.ready)} ready, ${int(c.processing)} processing, ${int(c.failed)} failed). ` +
      `Built in ${(context.dataset.buildMs / 1000).toFixed(1)} s, of which the pool migrations on the filled table took ${(context.dataset.migrateMs / 1000).toFixed(1)} s.`;
    const figures: Figures = {};
    for (const section of SECTIONS) {
      if (!options.only.has(section.name)) continue;
      const output = await section.run(context, options, figures);
      summary.push(...output.summary);
      details.push(...output.details);
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
        workers: options.baseClaimers,
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
      const commits = await durability(root);
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
            ['commit durability', commits],
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
