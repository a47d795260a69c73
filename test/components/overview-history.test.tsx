import { configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { renderInConsole } from './render-in-console';
import type { PageProps } from '../../src/renderer/app/pages';
import { OverviewPage } from '../../src/renderer/pages/OverviewPage';
import { historyRows, ROW_KEYS } from '../../src/renderer/pages/overview/history-rows';
import { createInMemoryApi, type InMemoryApi } from '../fakes/in-memory-api';

const MINUTE = 60_000;
/** Four recharts charts of hundreds of points render slowly in jsdom on a busy machine. */
const SLOW = { timeout: 120_000 };
configure({ asyncUtilTimeout: 30_000 });
const HOUR = 60 * MINUTE;

function renderPage(fake: InMemoryApi) {
  return renderInConsole(fake.api, <OverviewPage navigate={vi.fn<PageProps['navigate']>()} />);
}

/** The spans the page asked history.read for, in ms, oldest call first. */
function historySpans(fake: InMemoryApi): number[] {
  return (fake.callsOf('history.read') as { from: Date; to: Date }[]).map(({ from, to }) => to.getTime() - from.getTime());
}

const historyFigure = (id: string) => document.querySelector<HTMLElement>(`figure[data-history-chart="${id}"]`)!;

/** The resolution the panel reports once the read for the chosen range has come back. */
async function resolutionShown(text: RegExp) {
  await waitFor(() => expect(screen.getByTestId('history-status').textContent).toMatch(text));
}

describe('Overview history: ranges', SLOW, () => {
  it('opens on the last 6 hours of recorded history and asks history.read again for each range chosen', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    const user = renderPage(fake);
    await resolutionShown(/1 min resolution · 3[23]\d recorded points/);
    expect(historySpans(fake)).toEqual([6 * HOUR]);
    const last = fake.callsOf('history.read').at(-1) as { to: Date };
    // a range ending now: its end is when it was chosen
    expect(Math.abs(last.to.getTime() - Date.now())).toBeLessThan(10 * MINUTE);
    // the chart spans the 6 hours at once (first point within a step of the range's start)
    const first = Number(historyFigure('history-status').dataset.firstT);
    expect(first - (last.to.getTime() - 6 * HOUR)).toBeLessThanOrEqual(MINUTE);

    const group = screen.getByRole('group', { name: 'History range' });
    await user.click(within(group).getByRole('button', { name: '15 min' }));
    await resolutionShown(/10 s resolution · 90 recorded points/);
    await user.click(within(group).getByRole('button', { name: '1 h' }));
    await resolutionShown(/10 s resolution · 360 recorded points/);
    await user.click(within(group).getByRole('button', { name: '14 d' }));
    await resolutionShown(/1 h resolution/);
    expect(historySpans(fake)).toEqual([6 * HOUR, 15 * MINUTE, HOUR, 14 * 24 * HOUR]);
    expect(within(group).getByRole('button', { name: '14 d' }).getAttribute('aria-pressed')).toBe('true');
    // 14 days asked, 2 days recorded: the rest is one gap, not zeros
    expect(screen.getByTestId('history-status').textContent).toMatch(/gap/);
  });

  it('shows a custom from–to range and goes back to the preset on reset', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    const user = renderPage(fake);
    await resolutionShown(/1 min resolution/);
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-01-10T08:00' } });
    fireEvent.change(screen.getByLabelText('to'), { target: { value: '2026-01-10T10:00' } });
    await user.click(screen.getByRole('button', { name: 'Show range' }));
    await waitFor(() => expect(historySpans(fake).at(-1)).toBe(2 * HOUR));
    const custom = fake.callsOf('history.read').at(-1) as { from: Date };
    expect(custom.from.getTime()).toBe(new Date('2026-01-10T08:00').getTime());
    await user.click(screen.getByRole('button', { name: 'Reset to 6 h' }));
    await waitFor(() => expect(historySpans(fake).at(-1)).toBe(6 * HOUR));
  });
});

describe('Overview history: gaps', SLOW, () => {
  it('draws a span with no recorder as a break in the lines: null values, never zeros', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    renderPage(fake);
    // the fake recorded nothing between 3.5 h and 3 h ago
    await resolutionShown(/1 min resolution · .* · 1 gap \(no recorder\)/);
    const figure = historyFigure('history-status');
    expect(figure.dataset.gaps).toBe('1');
    // the waiting line is drawn in two pieces: a move, not a line, across the gap
    await waitFor(() => {
      const line = figure.querySelector('.recharts-line path.recharts-curve');
      expect(line?.getAttribute('d')?.match(/M/g)).toHaveLength(2);
    });

    const history = await fake.api.call('history.read', { from: new Date(Date.now() - 6 * HOUR), to: new Date() });
    const rows = historyRows(history, null);
    const gap = history.gaps[0]!;
    const inside = rows.filter((row) => row.t >= gap.from.getTime() && row.t < gap.to.getTime());
    expect(inside).toHaveLength(1);
    for (const key of ROW_KEYS) expect(inside[0]![key]).toBeNull();
    // and nowhere a zero standing in for a missing row
    expect(rows.filter((row) => row.source === 'history').every((row) => row.waiting !== null && row.waiting > 0)).toBe(true);
  });

  it('reports estimated rows and shades them', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    renderPage(fake);
    await resolutionShown(/estimated point/);
    expect(Number(historyFigure('history-status').dataset.estimated)).toBeGreaterThan(0);
    await waitFor(() => expect(historyFigure('history-status').textContent).toContain('estimate'));
  });
});

describe('Overview history: operator actions', SLOW, () => {
  it('marks an applied cleanup on every chart, with who, what, how many rows and why on hover', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    const time = new Date(Date.now() - 20 * MINUTE);
    fake.model.audit.push({
      auditId: 999, time, actor: 'alice@ops-laptop', action: 'maintenance.cleanup', bookingId: null, parameters: { rules: 'all' },
      affectedRows: 37, outcome: 'ok', reason: 'stale entries after the deploy', consoleVersion: '0.1.0',
    });
    renderPage(fake);
    await resolutionShown(/1 min resolution/);
    await waitFor(() => expect(document.querySelectorAll('[data-marker="999"]')).toHaveLength(4));
    // an older action, outside the 6 hours, is not drawn
    expect(document.querySelectorAll('[data-marker="1"]')).toHaveLength(0);

    const marker = historyFigure('history-status').querySelector('[data-marker="999"]')!;
    const tooltip = screen.getByTestId('marker-tooltip');
    expect(tooltip.hidden).toBe(true);
    fireEvent.mouseEnter(marker);
    await waitFor(() => expect(tooltip.hidden).toBe(false));
    expect(tooltip.textContent).toContain('alice@ops-laptop');
    expect(tooltip.textContent).toContain('maintenance.cleanup');
    expect(tooltip.textContent).toContain('37 rows');
    expect(tooltip.textContent).toContain('why: stale entries after the deploy');
    expect(marker.querySelector('title')?.textContent).toBe(tooltip.textContent);
    fireEvent.mouseLeave(marker);
    await waitFor(() => expect(tooltip.hidden).toBe(true));

    const asked = fake.callsOf('audit.list').at(-1) as { from: Date };
    expect(Date.now() - asked.from.getTime()).toBeGreaterThanOrEqual(6 * HOUR);
  });
});
