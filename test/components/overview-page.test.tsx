import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { renderInConsole } from './render-in-console';
import type { StatsSample } from '../../src/shared/contract';
import type { PoolStats } from '../../src/shared/results/pool';
import { WHAT_TO_DO } from '../../src/renderer/api/call-error';
import type { PageProps } from '../../src/renderer/app/pages';
import { OverviewPage } from '../../src/renderer/pages/OverviewPage';
import { createInMemoryApi, type InMemoryApi } from '../fakes/in-memory-api';

type Fake = InMemoryApi;
type StatsChange = Partial<Omit<PoolStats, 'byStatus'>> & { byStatus?: Partial<PoolStats['byStatus']> };

/** Noon today, local time: the axis shows local clock times. */
const NOON = new Date(new Date().setHours(12, 0, 0, 0)).getTime();
const MINUTE = 60_000;
/** The stylesheet is not loaded in jsdom: the charts use their fallback colours. */
const WAITING_COLOUR = '#4ea1ff';

function renderPage(fake: Fake) {
  const navigate = vi.fn<PageProps['navigate']>();
  const user = renderInConsole(fake.api, <OverviewPage navigate={navigate} />);
  return { user, navigate };
}

/** The page subscribes once it knows the connection (and so names the database it waits for). */
async function subscribed() {
  await screen.findByText('Waiting for the first sample from booking_staging…');
  await act(async () => {}); // the subscription is an effect of that render
}

function okSample(fake: Fake, at: number, change: StatsChange = {}): StatsSample {
  const base = fake.sample();
  if (base.kind !== 'ok') throw new Error('the fake should be connected');
  const stats: PoolStats = { ...base.stats, ...change, byStatus: { ...base.stats.byStatus, ...change.byStatus }, measuredAt: new Date(at) };
  return { ...base, at: new Date(at), stats, recordedAt: new Date(at) };
}

function errorSample(at: number, message: string): StatsSample {
  return { kind: 'error', at: new Date(at), error: { code: 'UNREACHABLE', message }, connection: 'lost' };
}

function push(fake: Fake, sample: StatsSample) {
  act(() => fake.emitSample(sample));
}

const tileValue = (id: string) => screen.getByTestId(`value-${id}`).textContent;

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('Overview page: tiles', () => {
  it('shows the numbers of the newest sample and their change over 5 minutes', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    renderPage(fake);
    await subscribed();

    push(fake, okSample(fake, NOON - 5 * MINUTE, { inPool: 200, eligibleNow: 40, overdue: 3, expiredLeases: 0, oldestEntryAgeSeconds: 11_000, byStatus: { failed: 20, processing: 9 } }));
    push(fake, okSample(fake, NOON - 2 * MINUTE, { inPool: 210, eligibleNow: 38, overdue: 4, expiredLeases: 1, oldestEntryAgeSeconds: 11_200, byStatus: { failed: 18, processing: 9 } }));
    push(fake, okSample(fake, NOON, { inPool: 1_230, eligibleNow: 32, overdue: 7, expiredLeases: 2, oldestEntryAgeSeconds: 11_520, byStatus: { failed: 15, processing: 9 } }));

    expect(tileValue('inPool')).toBe('1,230');
    expect(tileValue('eligibleNow')).toBe('32');
    expect(tileValue('processing')).toBe('9');
    expect(tileValue('failed')).toBe('15');
    expect(tileValue('overdue')).toBe('7');
    expect(tileValue('oldestAge')).toBe('3 h 12 m');
    expect(tileValue('expiredLeases')).toBe('2');

    // Against the sample 5 minutes older, not the one in between; a growing backlog warns, a shrinking one is good.
    const inPool = screen.getByTestId('delta-inPool');
    expect(inPool.textContent).toBe('▲ +1,030 over 5 m');
    expect(inPool.className).toContain('worse');
    const failed = screen.getByTestId('delta-failed');
    expect(failed.textContent).toBe('▼ −5 over 5 m');
    expect(failed.className).toContain('better');
    expect(screen.getByTestId('delta-oldestAge').textContent).toBe('▲ +8 m 40 s over 5 m');
    expect(screen.getByTestId('tile-processing').textContent).toContain('= 0 over 5 m');
  });

  it('writes a change as two parts that wrap between them, so a narrow tile never clips it', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    renderPage(fake);
    await subscribed();
    push(fake, okSample(fake, NOON - 65_000, { oldestEntryAgeSeconds: 1_000 }));
    push(fake, okSample(fake, NOON, { oldestEntryAgeSeconds: 1_065 }));

    const delta = screen.getByTestId('delta-oldestAge');
    // "▲ +1 m 5 s over 1 m 5" was cut off: the window goes to its own line instead, and the whole text is the title.
    const parts = [...delta.querySelectorAll('.tile-delta-part')].map((part) => part.textContent);
    expect(parts).toEqual(['▲ +1 m 5 s', 'over 1 m 5 s']);
    expect(delta.getAttribute('title')).toBe('▲ +1 m 5 s over 1 m 5 s');
  });

  it('says when it has too little history for a change yet', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    renderPage(fake);
    await subscribed();
    push(fake, okSample(fake, NOON, { inPool: 50 }));
    expect(tileValue('inPool')).toBe('50');
    expect(within(screen.getByTestId('tile-inPool')).getByText('collecting…')).toBeTruthy();
  });

  it('opens the Entries page with the filter of the clicked tile', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    const { user, navigate } = renderPage(fake);
    await subscribed();
    push(fake, okSample(fake, NOON));

    await user.click(screen.getByTestId('tile-failed'));
    expect(navigate).toHaveBeenLastCalledWith('entries', { status: 'failed' });
    await user.click(screen.getByTestId('tile-overdue'));
    expect(navigate).toHaveBeenLastCalledWith('entries', { overdue: true });
    await user.click(screen.getByTestId('tile-processing'));
    expect(navigate).toHaveBeenLastCalledWith('entries', { status: 'processing' });
    await user.click(screen.getByTestId('tile-inPool'));
    expect(navigate).toHaveBeenLastCalledWith('entries', {});
  });
});

describe('Overview page: live samples', () => {
  it('shows a failed sample at once with what to do, keeps the last numbers, and marks the time axis', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    renderPage(fake);
    await subscribed();
    for (const t of [NOON - 3_000, NOON - 2_000, NOON - 1_000]) push(fake, okSample(fake, t, { inPool: 321, byStatus: { failed: 12 } }));
    expect(screen.queryByRole('alert')).toBeNull();

    push(fake, errorSample(NOON, 'Lost connection to MySQL server during query'));

    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Lost connection to MySQL server during query');
    expect(alert.textContent).toContain(WHAT_TO_DO.UNREACHABLE);
    expect(alert.textContent).toContain('connection lost');
    // Not zeros: the last good numbers, marked as old.
    expect(tileValue('inPool')).toBe('321');
    expect(tileValue('failed')).toBe('12');
    expect(screen.getByTestId('tile-inPool').className).toContain('tile-stale');
    // A red band on each chart's time axis where samples failed.
    for (const chart of ['status', 'throughput', 'latency']) {
      await waitFor(() => expect(document.querySelector(`figure[data-chart="${chart}"] .live-error-band`), chart).not.toBeNull());
    }

    // The next good sample clears the notice.
    push(fake, okSample(fake, NOON + 1_000, { inPool: 322 }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(tileValue('inPool')).toBe('322');
    push(fake, okSample(fake, NOON + 2_000, { inPool: 323 }));

    // The failed sample is a gap in the lines, not a point at zero: five samples, two pieces.
    await waitFor(() => {
      const waiting = [...document.querySelectorAll('figure[data-chart="status"] .live-series path[fill="none"]')].filter((path) => path.getAttribute('stroke') === WAITING_COLOUR);
      const d = waiting.map((path) => path.getAttribute('d')).join('');
      expect(d.match(/[ML]/g)).toHaveLength(5);
      expect(d.match(/M/g)).toHaveLength(2);
    });
  });

  it('labels the stream with the connection\'s true state while samples fail, never "Live"', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    renderPage(fake);
    await subscribed();
    push(fake, okSample(fake, NOON - 1_000, { inPool: 321 }));
    expect(screen.getByTestId('live-status').textContent).toMatch(/^Live · sample read/);

    const frozen: StatsSample = { kind: 'error', at: new Date(NOON + 3_000), error: { code: 'TIMEOUT', message: 'The database server has not responded for 4 s' }, connection: 'not-responding' };
    push(fake, frozen);
    expect(screen.getByTestId('live-status').textContent).toMatch(/^Not responding · no live numbers for 4 s/);
    expect(screen.getByTestId('live-status').textContent).not.toContain('Live');
    expect(screen.getByRole('alert').textContent).toContain('has not responded for 4 s');

    push(fake, { kind: 'error', at: new Date(NOON + 5_000), error: { code: 'NO_DATABASE', message: 'The database was dropped' }, connection: 'database-missing' });
    expect(screen.getByTestId('live-status').textContent).toMatch(/^Database missing · /);

    push(fake, okSample(fake, NOON + 6_000, { inPool: 322 }));
    expect(screen.getByTestId('live-status').textContent).toMatch(/^Live · sample read/);
  });

  it('says whose figures the live numbers are: the recorded row, an estimate, or a direct count', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    renderPage(fake);
    await subscribed();
    const status = () => screen.getByTestId('live-status').textContent;
    push(fake, okSample(fake, NOON - 3_000));
    expect(status()).toMatch(/^Live · sample read .* · recorded \d\d:\d\d:\d\d$/);
    push(fake, { ...okSample(fake, NOON - 2_000), exact: false } as StatsSample);
    expect(status()).toContain('(estimate: last exact count plus events since)');
    push(fake, { ...okSample(fake, NOON - 1_000), recorder: null } as StatsSample);
    expect(status()).toContain('counted directly (no recorded row)');
  });

  it('reads out the sample under the pointer', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    renderPage(fake);
    await subscribed();
    push(fake, okSample(fake, NOON - 1_000, { byStatus: { waiting: 111, ready: 22, processing: 3, failed: 4 } }));
    push(fake, okSample(fake, NOON, { byStatus: { waiting: 120, ready: 21, processing: 5, failed: 6 } }));

    // jsdom lays nothing out: the chart's svg starts at 0, its plot ends at 800 − 12 (the right margin).
    const hover = await waitFor(() => document.querySelector('figure[data-chart="status"] [data-testid="chart-hover"]')!);
    fireEvent.mouseMove(hover, { clientX: 787, clientY: 50 });
    const readout = document.querySelector('figure[data-chart="status"] .live-readout')!;
    expect(readout.textContent).toContain('12:00:00');
    expect(readout.textContent).toContain('waiting: 120 entries');
    expect(readout.textContent).toContain('failed: 6 entries');
    fireEvent.mouseLeave(hover);
    expect(readout.textContent).toBe('');
  });

  it('pause freezes the view while samples keep being collected', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    const { user } = renderPage(fake);
    await subscribed();
    push(fake, okSample(fake, NOON, { inPool: 100 }));

    await user.click(screen.getByRole('button', { name: 'Pause' }));
    push(fake, okSample(fake, NOON + 1_000, { inPool: 150 }));
    push(fake, okSample(fake, NOON + 2_000, { inPool: 175 }));
    expect(tileValue('inPool')).toBe('100');
    expect(screen.getByTestId('live-status').textContent).toContain('still collecting (2 new samples)');

    await user.click(screen.getByRole('button', { name: 'Resume' }));
    expect(tileValue('inPool')).toBe('175');
  });

  it('switches the charts between a 5-minute and a 1-hour window', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    const { user } = renderPage(fake);
    await subscribed();
    act(() => {
      for (let t = NOON - 40 * MINUTE; t <= NOON; t += MINUTE) fake.emitSample(okSample(fake, t));
    });

    const axis = () => [...document.querySelectorAll('figure[data-chart="status"] .live-time-tick')].map((tick) => tick.textContent);
    const fiveMinutes = screen.getByRole('button', { name: '5 min' });
    const oneHour = within(screen.getByRole('group', { name: 'Window' })).getByRole('button', { name: '1 h' });
    expect(fiveMinutes.getAttribute('aria-pressed')).toBe('true');
    await waitFor(() => expect(axis()).toEqual(['11:55', '11:56', '11:57', '11:58', '11:59', '12:00']));

    await user.click(oneHour);
    expect(oneHour.getAttribute('aria-pressed')).toBe('true');
    await waitFor(() => expect(axis()).toEqual(['11:00', '11:10', '11:20', '11:30', '11:40', '11:50', '12:00']));
  });

  it('plots entered / claimed / completed / failed per minute from the event totals, and drains at the claim rate', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    renderPage(fake);
    await subscribed();
    const totals = (entered: number, claimed: number, completed: number, failed: number) => ({ entered, claimed, completed, failed, retried: 40, removed: 7, reset: 2 });
    push(fake, okSample(fake, NOON - 5 * MINUTE, { eligibleNow: 120, eventTotals: totals(1_000, 2_000, 1_500, 100) }));
    push(fake, okSample(fake, NOON - MINUTE, { eligibleNow: 100, eventTotals: totals(1_100, 2_120, 1_600, 105) }));
    push(fake, okSample(fake, NOON, { eligibleNow: 90, eventTotals: totals(1_112, 2_150, 1_625, 108) }));

    const chart = document.querySelector('figure[data-chart="throughput"]')!;
    expect(within(chart as HTMLElement).getByText('Throughput per minute')).toBeTruthy();
    expect([...chart.querySelectorAll('.chart-legend li')].map((item) => item.textContent)).toEqual(['entered', 'claimed', 'completed', 'failed']);
    // The newest sample against the one a minute before: 12 entered, 30 claimed, 25 completed, 3 failed.
    const hover = await waitFor(() => chart.querySelector('[data-testid="chart-hover"]')!);
    fireEvent.mouseMove(hover, { clientX: 787, clientY: 50 });
    const readout = chart.querySelector('.live-readout')!.textContent;
    expect(readout).toContain('12:00:00');
    expect(readout).toContain('entered: 12 / min');
    expect(readout).toContain('claimed: 30 / min');
    expect(readout).toContain('completed: 25 / min');
    expect(readout).toContain('failed: 3 / min');

    // 150 claimed in 5 minutes: 30 a minute, 90 eligible: 3 minutes.
    expect(screen.getByTestId('drain-projection').textContent).toBe('3 m at 30 / min');
    expect(screen.getByTestId('drain-basis').textContent).toMatch(/^At the claim rate of the last 5 minutes/);
  });

  it('measures rates by when the row was recorded, not when it arrived: a row read every second but written every 10 s gives a steady rate', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    renderPage(fake);
    await subscribed();
    const totals = (claimed: number) => ({ entered: claimed, claimed, completed: claimed, failed: 0, retried: 0, removed: 0, reset: 0 });
    // 60 claims a minute, recorded every 10 s; the newest row is read every 1.3 s (a row is 0–10 s old when read)
    for (let arrival = NOON - 2 * MINUTE; arrival <= NOON; arrival += 1300) {
      const recorded = arrival - ((arrival - (NOON - 2 * MINUTE)) % 10_000);
      const claimed = (recorded - (NOON - 2 * MINUTE)) / 1000;
      const sample = okSample(fake, arrival, { eligibleNow: 120, eventTotals: totals(claimed) });
      push(fake, { ...sample, recordedAt: new Date(recorded) } as StatsSample);
    }
    expect(screen.getByTestId('drain-projection').textContent).toBe('2 m at 60 / min');
    const chart = document.querySelector('figure[data-chart="throughput"]')!;
    const hover = await waitFor(() => chart.querySelector('[data-testid="chart-hover"]')!);
    fireEvent.mouseMove(hover, { clientX: 787, clientY: 50 });
    expect(chart.querySelector('.live-readout')!.textContent).toContain('claimed: 60 / min');
  });

  it('skips the pair across a reset of the counters, then measures from the first sample after it', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    renderPage(fake);
    await subscribed();
    const claimed = (n: number) => ({ entered: n, claimed: n, completed: n, failed: 0, retried: 0, removed: 0, reset: 0 });
    push(fake, okSample(fake, NOON - 2 * MINUTE, { eligibleNow: 50, eventTotals: claimed(5_000) }));
    push(fake, okSample(fake, NOON - MINUTE, { eligibleNow: 50, eventTotals: claimed(5_060) }));
    expect(screen.getByTestId('drain-projection').textContent).toBe('50 s at 60 / min');

    // The counters' table was dropped and created anew: every total starts again from 0.
    push(fake, okSample(fake, NOON, { eligibleNow: 50, eventTotals: claimed(0) }));
    expect(screen.getByTestId('drain-projection').textContent).toContain('measuring');
    const chart = document.querySelector('figure[data-chart="throughput"]')!;
    const hover = await waitFor(() => chart.querySelector('[data-testid="chart-hover"]')!);
    fireEvent.mouseMove(hover, { clientX: 787, clientY: 50 });
    const afterReset = chart.querySelector('.live-readout')!.textContent;
    expect(afterReset).toContain('claimed: —');
    expect(afterReset).not.toContain('/ min');

    push(fake, okSample(fake, NOON + 30_000, { eligibleNow: 50, eventTotals: claimed(10) }));
    // 10 claims in the 30 s since the reset: 20 a minute, 50 eligible: 2 m 30 s.
    expect(screen.getByTestId('drain-projection').textContent).toBe('2 m 30 s at 20 / min');
  });

  it('without event counters (an older schema), shows the net flow and drains at the net fall of the eligible count', async () => {
    const fake = createInMemoryApi({ liveTimer: false, eventCounts: false });
    renderPage(fake);
    await subscribed();
    push(fake, okSample(fake, NOON - 5 * MINUTE, { eligibleNow: 100, deadlineWithin: { hour1: 4, hours6: 9, hours24: 30 } }));
    push(fake, okSample(fake, NOON, { eligibleNow: 70, deadlineWithin: { hour1: 5, hours6: 11, hours24: 31 } }));
    const chart = document.querySelector('figure[data-chart="throughput"]') as HTMLElement;
    expect(within(chart).getByText('Net flow per minute')).toBeTruthy();
    expect(within(chart).getByText(/migration 0005-pool-event-counts is pending/)).toBeTruthy();
    // 30 fewer in 5 minutes: 6 a minute, 70 left: 11 m 40 s.
    expect(screen.getByTestId('drain-projection').textContent).toBe('11 m at 6 / min');
    expect(screen.getByTestId('drain-basis').textContent).toMatch(/no event counters yet/);
    expect(screen.getByTestId('deadline-within-1-h').textContent).toBe('5');
    expect(screen.getByTestId('deadline-within-6-h').textContent).toBe('11');
    expect(screen.getByTestId('deadline-within-24-h').textContent).toBe('31');

    push(fake, okSample(fake, NOON + 5 * MINUTE, { eligibleNow: 95 }));
    expect(screen.getByTestId('drain-projection').textContent).toContain('not draining');
  });

  it('says "not draining" when nothing was claimed while entries are eligible', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    renderPage(fake);
    await subscribed();
    push(fake, okSample(fake, NOON - 5 * MINUTE, { eligibleNow: 40 }));
    push(fake, okSample(fake, NOON, { eligibleNow: 30 }));
    // The fake's totals did not move: no claims, whatever the eligible count did.
    expect(screen.getByTestId('drain-projection').textContent).toBe('not draining (no claims)');
  });
});

describe('Overview page: the last hour from the back', () => {
  it('starts from the sampler\'s history (stats.recent) at once, before any live sample, and appends the live ones', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    // Sampled before this page opened (another window, or before a reload): the back keeps them.
    fake.emitSample(okSample(fake, NOON - 5 * MINUTE, { inPool: 200 }));
    fake.emitSample(okSample(fake, NOON, { inPool: 1_230 }));
    renderPage(fake);

    await waitFor(() => expect(tileValue('inPool')).toBe('1,230'));
    expect(screen.getByTestId('delta-inPool').textContent).toBe('▲ +1,030 over 5 m');
    expect(fake.callsOf('stats.recent')).toEqual([{}]);
    expect(screen.getByTestId('live-status').textContent).toMatch(/^Live · sample read/);

    push(fake, okSample(fake, NOON + MINUTE, { inPool: 1_300 }));
    expect(tileValue('inPool')).toBe('1,300');
    // Measured against the history's sample, 6 minutes older.
    expect(screen.getByTestId('delta-inPool').textContent).toBe('▲ +1,100 over 6 m');
  });

  it('keeps live samples that arrive before the history answers, each sample once', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    fake.emitSample(okSample(fake, NOON - 5 * MINUTE, { inPool: 200 }));
    const release = fake.hold('stats.recent');
    renderPage(fake);
    await subscribed();
    push(fake, okSample(fake, NOON, { inPool: 1_230 }));
    expect(tileValue('inPool')).toBe('1,230');
    expect(screen.queryByTestId('delta-inPool')).toBeNull(); // one sample: no change to show yet

    release();
    await waitFor(() => expect(screen.getByTestId('delta-inPool').textContent).toBe('▲ +1,030 over 5 m'));
    expect(tileValue('inPool')).toBe('1,230');
  });

  it('starts from live, as before, when the back has no history yet', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    renderPage(fake);
    await subscribed();
    await waitFor(() => expect(fake.callsOf('stats.recent')).toEqual([{}]));
    push(fake, okSample(fake, NOON, { inPool: 42 }));
    expect(tileValue('inPool')).toBe('42');
  });
});

describe('Overview page: health and export', () => {
  it('shows the health verdict with its reasons, and asks again every 10 seconds', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const fake = createInMemoryApi({ liveTimer: false, pendingMigrations: 1 });
    renderPage(fake);
    const banner = await screen.findByTestId('health-banner');
    expect(banner.getAttribute('data-state')).toBe('degraded');
    expect(within(banner).getByText('Degraded')).toBeTruthy();
    expect(within(banner).getByText('migrations are pending')).toBeTruthy();
    expect(within(banner).getByText(/entries are past their deadline/)).toBeTruthy();
    expect(fake.callsOf('system.status')).toHaveLength(1);

    for (const migration of fake.model.migrations) migration.appliedAt ??= new Date();
    await act(async () => {
      vi.advanceTimersByTime(10_000);
    });
    await waitFor(() => expect(within(screen.getByTestId('health-banner')).queryByText('migrations are pending')).toBeNull());
    expect(fake.callsOf('system.status')).toHaveLength(2);
  });

  it('exports the numbers as JSON, and says why the PNG could not be made', async () => {
    const blobs: Blob[] = [];
    const names: string[] = [];
    // jsdom has no object URLs: plumbing, stubbed for this test only.
    const createObjectURL = (blob: Blob) => {
      blobs.push(blob);
      return `blob:test/${blobs.length}`;
    };
    Object.assign(URL, { createObjectURL, revokeObjectURL: () => {} });
    onTestFinished(() => {
      Reflect.deleteProperty(URL, 'createObjectURL');
      Reflect.deleteProperty(URL, 'revokeObjectURL');
    });
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    // jsdom has no canvas: the PNG half must fail with a reason, the JSON half must not depend on it.
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);

    const fake = createInMemoryApi({ liveTimer: false });
    const { user } = renderPage(fake);
    await subscribed();
    push(fake, okSample(fake, NOON - 5 * MINUTE, { inPool: 400, byStatus: { failed: 10 } }));
    push(fake, errorSample(NOON - 4 * MINUTE, 'Lost connection'));
    push(fake, okSample(fake, NOON, { inPool: 420, byStatus: { failed: 13 }, deadlineWithin: { hour1: 2, hours6: 5, hours24: 8 } }));

    await user.click(screen.getByRole('button', { name: 'Export snapshot' }));

    await screen.findByText(/the PNG of the charts failed: this browser cannot draw on a canvas/);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^pool-overview-booking_staging-\d{8}-\d{6}\.json$/);
    const snapshot = JSON.parse(await blobs[0]!.text());
    expect(snapshot.connection).toMatchObject({ database: 'booking_staging', profile: 'staging' });
    expect(snapshot.current.stats).toMatchObject({ inPool: 420, byStatus: { failed: 13 }, deadlineWithin: { hour1: 2, hours6: 5, hours24: 8 } });
    expect(snapshot.tiles).toContainEqual({ id: 'inPool', label: 'In pool', value: 420, change: 20, changeOverSeconds: 300 });
    expect(snapshot.tiles).toContainEqual({ id: 'failed', label: 'Failed', value: 13, change: 3, changeOverSeconds: 300 });
    expect(snapshot.deadlineRisk).toMatchObject({ hour1: 2, hours6: 5, hours24: 8 });
    // Every sample of the window, the failed one as an error (never zeros).
    expect(snapshot.samples.map((sample: StatsSample) => sample.kind)).toEqual(['ok', 'error', 'ok']);
    expect(snapshot.samples[1].error.message).toBe('Lost connection');
    expect(snapshot.window.label).toBe('5 min');
  });
});
