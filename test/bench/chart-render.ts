/**
 * `npm run bench:charts [-- options]`: how long one live update of the Overview's charts takes in
 * Chromium (target: one frame, 16 ms). Builds test/bench/chart-page (the real chart components
 * with synthetic samples) with Vite, serves it on 127.0.0.1, drives it in Debian's Chromium through
 * playwright-core, and prints p50 / p95 / max per update. A script that prints, not a test.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import react from '@vitejs/plugin-react';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { EVENT_FLOWS, KEY_QUERIES } from '../../src/renderer/pages/overview/live-points.js';
import { findChromium } from '../setup/prerequisites.js';
import { distribution, type Distribution } from './measure.js';
import { ms, table } from './report.js';

const HELP = `npm run bench:charts -- [options]

  --updates N       timed updates per scenario, one sample per animation frame (default 300)
  --warmup N        untimed updates before them (default 30)
  --chromium PATH   the browser (default: the one the end-to-end tests find, POOL_E2E_CHROMIUM first)
  --screenshot FILE save a PNG of the charts after the 1 h run (not committed)
  --profile PREFIX  save CPU profiles of each scenario's updates as PREFIX-1h.cpuprofile and
                    PREFIX-5min.cpuprofile (unminified build)
  --docs            also write the figures into docs/BENCHMARKS.md, section "Chart rendering"`;

const ROOT = path.resolve(import.meta.dirname, '../..');
const PAGE = path.join(ROOT, 'test/bench/chart-page');
const DOCS = path.join(ROOT, 'docs/BENCHMARKS.md');
const TARGET_MS = 16;
/** What the page draws, read from the chart definitions so that the report follows them. */
const CHART_SERIES = (() => {
  const latencyLines = KEY_QUERIES.length * 2;
  const total = 4 + EVENT_FLOWS.length + latencyLines;
  return (
    `entries by status (4 stacked areas), throughput per minute from the running event totals (${EVENT_FLOWS.length} lines: ${EVENT_FLOWS.map((flow) => flow.label).join(', ')}), ` +
    `query latency (${latencyLines} lines: p95 and p50 of ${KEY_QUERIES.map((query) => query.label).join(', ')}): ${total} series`
  );
})();
const HOUR = 3_600_000;

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Options {
  updates: number;
  warmup: number;
  chromium: string;
  screenshot: string | undefined;
  profile: string | undefined;
  docs: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      updates: { type: 'string', default: '300' },
      warmup: { type: 'string', default: '30' },
      chromium: { type: 'string', default: findChromium() ?? '/usr/bin/chromium' },
      screenshot: { type: 'string' },
      profile: { type: 'string' },
      docs: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const count = (name: string, value: string) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a whole number above 0; got '${value}'`);
    return parsed;
  };
  return { updates: count('updates', values.updates), warmup: count('warmup', values.warmup), chromium: values.chromium, screenshot: values.screenshot, profile: values.profile, docs: values.docs };
}

/** A production build of the benchmark page (React's production build, minified). */
async function buildPage(outDir: string, minify: boolean): Promise<void> {
  await build({
    root: PAGE,
    configFile: false,
    base: './',
    logLevel: 'warn',
    mode: 'production',
    plugins: [react()],
    build: { outDir, emptyOutDir: true, reportCompressedSize: false, minify, chunkSizeWarningLimit: 4096 },
  });
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

function serve(directory: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const file = path.join(directory, path.normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^[/\\]+/, '') || 'index.html');
    if (!file.startsWith(directory)) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/index.html` })));
}

interface Scenario {
  name: string;
  samples: number;
  windowMs: number;
}

interface ScenarioResult {
  scenario: Scenario;
  pointsPerSeries: number;
  mountMs: number;
  updates: Distribution;
  overTarget: number;
  mean: number;
  /** Medians of the two phases of an update: the React commit, and the rest of the frame (effects, style, layout, paint). */
  phases: { commit: number; frame: number };
}

const SCENARIOS: Scenario[] = [
  { name: '1 h window, full ring', samples: 3_600, windowMs: HOUR },
  { name: '5 min window, full ring', samples: 3_600, windowMs: 5 * 60_000 },
];

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const loadAtStart = os.loadavg()[0] ?? 0;
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'pool-console-chart-bench-'));
  let server: Server | undefined;
  const browser = await (async () => {
    await buildPage(outDir, !options.profile);
    const served = await serve(outDir);
    server = served.server;
    const launched = await chromium.launch({ executablePath: options.chromium, args: CHROMIUM_ARGS });
    return { launched, url: served.url };
  })();
  try {
    const page = await browser.launched.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(browser.url);
    await page.waitForFunction(() => 'chartBench' in window);
    const version = browser.launched.version();

    const results: ScenarioResult[] = [];
    for (const scenario of SCENARIOS) {
      const mountMs = await page.evaluate(([samples, windowMs]) => window.chartBench.load(samples, windowMs), [scenario.samples, scenario.windowMs] as const);
      await page.evaluate((n) => window.chartBench.run(n), options.warmup);
      const profiling = options.profile ? await startProfile(page) : null;
      const times = await page.evaluate((n) => window.chartBench.run(n), options.updates);
      if (profiling) await writeFile(`${options.profile}-${scenario.windowMs === HOUR ? '1h' : '5min'}.cpuprofile`, JSON.stringify(await profiling()));
      const pointsPerSeries = await page.evaluate(() => window.chartBench.pointsPerSeries());
      const phases = await page.evaluate(() => window.chartBench.phases());
      results.push({
        scenario,
        pointsPerSeries,
        mountMs,
        updates: distribution(times),
        overTarget: times.filter((time) => time > TARGET_MS).length,
        mean: times.reduce((sum, time) => sum + time, 0) / times.length,
        phases: { commit: distribution(phases.commit).p50, frame: distribution(phases.frame).p50 },
      });
      if (scenario.windowMs === HOUR && options.screenshot) {
        await page.screenshot({ path: options.screenshot, fullPage: true });
      }
    }
    const switchTo1h = await page.evaluate((w) => window.chartBench.switchWindow(w), HOUR);
    const switchTo5m = await page.evaluate((w) => window.chartBench.switchWindow(w), 5 * 60_000);
    const png = await page.evaluate(() => window.chartBench.switchWindow(3_600_000).then(() => window.chartBench.exportPng()));
    if (errors.length) throw new Error(`the page failed: ${errors.join('; ')}`);

    const report = formatReport({ results, switchTo1h, switchTo5m, png, chromium: version, options, load: { start: loadAtStart, end: os.loadavg()[0] ?? 0 } });
    console.log(report);
    if (options.docs) await writeDocsSection(report);
  } finally {
    await browser.launched.close();
    server?.close();
    await rm(outDir, { recursive: true, force: true });
  }
}

/** Chromium's sampling CPU profiler over CDP; the returned function stops it and gives the profile. */
async function startProfile(page: import('playwright-core').Page): Promise<() => Promise<unknown>> {
  const session = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 100 });
  await session.send('Profiler.start');
  return async () => (await session.send('Profiler.stop')).profile;
}

function formatReport(input: {
  results: ScenarioResult[];
  switchTo1h: number;
  switchTo5m: number;
  png: { bytes: number; ms: number; type: string };
  chromium: string;
  options: Options;
  load: { start: number; end: number };
}): string {
  const { results, switchTo1h, switchTo5m, png, chromium: version, options, load } = input;
  const cpus = os.cpus();
  const rows = results.map((result) => [
    result.scenario.name,
    result.pointsPerSeries.toLocaleString('en'),
    ms(result.mountMs),
    ms(result.updates.p50),
    ms(result.updates.p95),
    ms(result.updates.max),
    `${ms(result.phases.commit)} / ${ms(result.phases.frame)}`,
    `${result.overTarget} / ${result.updates.count}`,
    result.updates.p95 <= TARGET_MS ? 'PASS' : 'MISS',
  ]);
  return [
    '## Chart rendering',
    '',
    `The Overview's three live charts — ${CHART_SERIES} — rendered by their own components (test/bench/chart-page) in headless Chromium ${version} (${CHROMIUM_ARGS.join(' ')}), viewport 1280×800, React production build, on ${cpus[0]?.model ?? 'unknown CPU'} (${cpus.length} cores), ${os.type()} ${os.release()}; load average ${load.start.toFixed(1)} at the start, ${load.end.toFixed(1)} at the end.`,
    '',
    `An update = one new sample into the kept series (3,600 samples a second apart, with a 20-sample outage drawn as a red band), the React commit (flushSync), and the rest of that frame up to the next task: what React and recharts queue behind the commit, and the browser's style, layout and paint of the frame (the update runs in a requestAnimationFrame callback). Timed with performance.now() in the page, one update per frame, ${options.updates} timed after ${options.warmup} untimed. Rasterising and compositing run off the main thread and are not in the figure.`,
    '',
    table(['window', 'points per series', 'mount ms', 'update p50 ms', 'p95 ms', 'max ms', 'p50 commit / rest of frame ms', `updates over ${TARGET_MS} ms`, `p95 ≤ ${TARGET_MS} ms`], rows),
    '',
    `Switching the window on the same samples (a one-off, on a click): 5 min → 1 h ${ms(switchTo1h)} ms, 1 h → 5 min ${ms(switchTo5m)} ms. Export snapshot's PNG of the three charts (1 h window): ${png.type}, ${Math.round(png.bytes / 1024)} KiB in ${ms(png.ms)} ms.`,
    '',
    'How the charts stay in budget: recharts draws each chart\'s frame (grid, axes, scales) with fixed domains — the time axis counts back from the newest sample — as a kept element that a new sample does not re-render; a live layer inside it, fed by context, draws what moves. The series are SVG paths in one-minute chunks shifted together by one transform, so an update rebuilds the newest chunk and the cut one at the left edge; each pixel column keeps its lowest and highest value (min/max decimation). Drawn with recharts\' own `<Area>`/`<Line>` (`isAnimationActive={false}`, `dot={false}`), the same update took about 250 ms p50 with 3,600 points per series and 45 ms with 300 on this machine while the page was being built.',
    '',
    '`npm run bench:charts` (`-- --help` for options; `-- --docs` rewrites this section). Wall-clock figures: on a busy machine they rise with the load.',
    '',
  ].join('\n');
}

/** Replaces this script's section of docs/BENCHMARKS.md (from its heading to the next "## " or the end), or appends it. */
async function writeDocsSection(section: string): Promise<void> {
  const current = await readFile(DOCS, 'utf8').catch(() => '');
  const start = current.indexOf('\n## Chart rendering');
  let next: string;
  if (start < 0) {
    next = `${current.trimEnd()}${current ? '\n\n' : ''}${section}`;
  } else {
    const after = current.indexOf('\n## ', start + 1);
    next = `${current.slice(0, start + 1)}${section}${after < 0 ? '' : `\n${current.slice(after + 1)}`}`;
  }
  await writeFile(DOCS, next.endsWith('\n') ? next : `${next}\n`);
  console.log(`wrote the "Chart rendering" section of ${path.relative(ROOT, DOCS)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
