/*
 * The chart benchmark's page (built by test/bench/chart-render.ts, driven in Chromium): the
 * Overview's three live charts exactly as the page renders them, fed synthetic samples. One
 * update = one sample into the series, one React commit, whatever React and recharts run after
 * it, and the style and layout of the result, timed with performance.now().
 */
import { useMemo } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import type { StatsSample } from '../../../src/shared/contract';
import { readChartColors, type ChartColors } from '../../../src/renderer/pages/overview/chart-colors';
import { chartsPng } from '../../../src/renderer/pages/overview/export-snapshot';
import { LiveSeries } from '../../../src/renderer/pages/overview/live-series';
import { OverviewCharts } from '../../../src/renderer/pages/overview/OverviewCharts';
import { windowView } from '../../../src/renderer/pages/overview/overview-model';
import '../../../src/renderer/styles.css';

const QUERIES = ['pool.stats', 'pool.ready', 'pool.claim.lock', 'pool.claim.update', 'pool.entries', 'pool.add', 'pool.complete'];

/**
 * A pool that drifts: a random walk per status, running event totals that grow by a few a second
 * (the throughput chart plots their rates), and an outage of 20 samples somewhere in the hour.
 */
class SampleSource {
  private seed = 7;
  private counts = { waiting: 40_000, ready: 1_200, processing: 300, failed: 150 };
  private totals = { entered: 500_000, claimed: 480_000, completed: 450_000, failed: 20_000, retried: 4_000, removed: 1_000, reset: 300 };
  private index = 0;

  constructor(private t: number) {}

  private random(): number {
    this.seed = (this.seed * 16_807) % 2_147_483_647;
    return this.seed / 2_147_483_647;
  }

  private walk(value: number, step: number): number {
    return Math.max(0, Math.round(value + (this.random() - 0.5) * step));
  }

  next(): StatsSample {
    this.t += 1_000;
    this.index += 1;
    const at = new Date(this.t);
    if (this.index % 3_600 >= 1_800 && this.index % 3_600 < 1_820) {
      return { kind: 'error', at, error: { code: 'UNREACHABLE', message: 'Lost connection to MySQL server during query' }, connection: 'lost' };
    }
    const c = this.counts;
    c.waiting = this.walk(c.waiting, 400);
    c.ready = this.walk(c.ready, 60);
    c.processing = this.walk(c.processing, 30);
    c.failed = this.walk(c.failed, 6);
    const inPool = c.waiting + c.ready + c.processing + c.failed;
    const e = this.totals;
    e.entered += Math.round(this.random() * 12);
    e.claimed += Math.round(this.random() * 12);
    e.completed += Math.round(this.random() * 10);
    e.failed += Math.round(this.random() * 2);
    return {
      kind: 'ok',
      at,
      durationMs: 3 + this.random() * 4,
      stats: {
        measuredAt: at,
        inPool,
        byStatus: { ...c },
        eligibleNow: c.ready + Math.round(c.waiting * 0.05),
        overdue: Math.round(c.waiting * 0.01),
        expiredLeases: Math.round(c.processing * 0.02),
        failedAtMaxAttempts: Math.round(c.failed / 2),
        leaseBasis: 'claim-time',
        unavailable: [],
        oldestEntryAgeSeconds: 11_520 + this.index,
        byMode: { BALANCE: inPool - 100, URGENT: 50, NORMAL: 30, CUSTOM: 20, none: 0 },
        deadlineWithin: { hour1: 120, hours6: 900, hours24: 4_000 },
        eventTotals: { ...e },
      },
      latency: QUERIES.map((name, i) => {
        const p50 = 0.8 + i * 0.4 + this.random();
        return { name, count: 1_000, p50, p95: p50 * (2 + this.random()), p99: p50 * 4, last: [p50, p50 * 1.1, p50 * 0.9] };
      }),
      backoff: null,
      recordedAt: at,
      recorder: 'console bench@chart-page pid 1 #000000',
      exact: true,
    };
  }
}

function Charts({ series, windowMs, version, colors }: { series: LiveSeries; windowMs: number; version: number; colors: ChartColors }) {
  // `series.points` changes in place: the points as of a version are what the view depends on.
  const shown = useMemo(() => ({ points: series.points, version }), [series, version]);
  const view = useMemo(() => windowView(shown.points, windowMs), [shown, windowMs]);
  // The width of the Overview's chart area at 1280×800 (window minus navigation and padding).
  return (
    <div className="overview-grid" style={{ width: 1050 }}>
      <OverviewCharts view={view} colors={colors} />
      <section className="panel overview-deadline">deadline panel</section>
    </div>
  );
}

const container = document.getElementById('root')!;
const root = createRoot(container);
let series = new LiveSeries();
let source = new SampleSource(Date.now() - 3_600_000);
let windowMs = 3_600_000;
let colors: ChartColors = readChartColors();

const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
/** A task after everything React and recharts queued behind the commit. */
const afterQueuedTasks = () =>
  new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });

function commit(): void {
  flushSync(() => root.render(<Charts series={series} windowMs={windowMs} version={series.version} colors={colors} />));
}

/**
 * Where the time of the timed updates went: the commit (React's render and DOM changes), and the
 * rest of the frame — an update runs in a requestAnimationFrame callback, so before the next task
 * the browser computes style and layout and paints that frame; whatever React and recharts queued
 * behind the commit runs there too.
 */
const phases = { commit: [] as number[], frame: [] as number[] };

async function timed(work: () => void): Promise<number> {
  const started = performance.now();
  work();
  const committed = performance.now();
  await afterQueuedTasks();
  container.getBoundingClientRect(); // style and layout, should the frame not have run yet
  const ended = performance.now();
  phases.commit.push(committed - started);
  phases.frame.push(ended - committed);
  return ended - started;
}

const bench = {
  /** Fills the series with `count` samples (one a second) and mounts the charts: the mount's time. */
  async load(count: number, window: number): Promise<number> {
    root.render(null);
    series = new LiveSeries();
    source = new SampleSource(Date.now() - count * 1_000);
    windowMs = window;
    colors = readChartColors();
    for (let i = 0; i < count; i += 1) series.add(source.next());
    await frame();
    return timed(commit);
  },
  /** One new sample per animation frame, `updates` times: each update's time in ms. */
  async run(updates: number): Promise<number[]> {
    const times: number[] = [];
    for (const list of Object.values(phases)) list.length = 0;
    for (let i = 0; i < updates; i += 1) {
      await frame();
      times.push(
        await timed(() => {
          series.add(source.next());
          commit();
        }),
      );
    }
    return times;
  },
  /** Switches the window (5 min ⇄ 1 h) on the same samples: the re-render's time. */
  async switchWindow(window: number): Promise<number> {
    await frame();
    return timed(() => {
      windowMs = window;
      commit();
    });
  },
  /** The phases of the last run's updates. */
  phases(): typeof phases {
    return phases;
  },
  pointsPerSeries(): number {
    return windowView(series.points, windowMs).points.length;
  },
  /** The export's PNG half, as the Overview runs it: size in bytes and time. */
  async exportPng(): Promise<{ bytes: number; ms: number; type: string }> {
    const started = performance.now();
    const blob = await chartsPng(container, 'Pool Console · chart benchmark', colors);
    return { bytes: blob.size, ms: performance.now() - started, type: blob.type };
  },
};

declare global {
  interface Window {
    chartBench: typeof bench;
  }
}
window.chartBench = bench;
