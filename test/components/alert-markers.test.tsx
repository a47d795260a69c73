import { configure, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { renderInConsole } from './render-in-console';
import type { PageProps } from '../../src/renderer/app/pages';
import { OverviewPage } from '../../src/renderer/pages/OverviewPage';
import { createInMemoryApi } from '../fakes/in-memory-api';

/* Alert events on the Overview's history charts: the same markers as operators' actions, red firing, green resolved. */

const HOUR = 3_600_000;
/** Four recharts charts of hundreds of points render slowly in jsdom on a busy machine. */
const SLOW = { timeout: 120_000 };
configure({ asyncUtilTimeout: 30_000 });

const statusChart = () => document.querySelector<HTMLElement>('figure[data-history-chart="history-status"]')!;

describe('Overview history: alert markers', SLOW, () => {
  it("draws each alert event of the range on every chart, firing red and resolved green, naming the rule on hover", async () => {
    const fake = createInMemoryApi({ liveTimer: false, alerts: 'seeded' });
    renderInConsole(fake.api, <OverviewPage navigate={vi.fn<PageProps['navigate']>()} />);
    await waitFor(() => expect(document.querySelectorAll('[data-alert-marker="3"]')).toHaveLength(4));
    expect(document.querySelectorAll('[data-alert-marker]')).toHaveLength(12); // 3 events × 4 charts
    const firing = statusChart().querySelector<SVGGElement>('[data-alert-marker="3"]')!;
    const resolved = statusChart().querySelector<SVGGElement>('[data-alert-marker="2"]')!;
    expect(firing.getAttribute('data-tone')).toBe('firing');
    expect(resolved.getAttribute('data-tone')).toBe('resolved');
    const stroke = (marker: Element) => marker.querySelector('line')!.getAttribute('stroke');
    expect(stroke(firing)).not.toBe(stroke(resolved));
    expect(firing.textContent).toContain('Failures');

    const tooltip = screen.getByTestId('marker-tooltip');
    fireEvent.mouseEnter(firing);
    await waitFor(() => expect(tooltip.hidden).toBe(false));
    expect(tooltip.textContent).toMatch(/UTC · alert firing: Failures · 7\.5 failures per minute over the last 5 min$/);
    fireEvent.mouseLeave(firing);

    // asked for the chart's window, and listed beside the operators' actions
    const asked = fake.callsOf('alerts.events').find((input) => (input as { from?: Date }).from) as { from: Date; limit: number };
    expect(Date.now() - asked.from.getTime()).toBeGreaterThanOrEqual(6 * HOUR);
    expect(screen.getByText(/3 alert events in this range/)).toBeTruthy();
  });

  it('draws no alert marker, and shows no error, before the alert tables exist', async () => {
    const fake = createInMemoryApi({ liveTimer: false, alerts: 'unavailable' });
    renderInConsole(fake.api, <OverviewPage navigate={vi.fn<PageProps['navigate']>()} />);
    await waitFor(() => expect(screen.getByTestId('history-status').textContent).toMatch(/recorded point/));
    await waitFor(() => expect(fake.callsOf('alerts.overview').length).toBeGreaterThan(0));
    expect(fake.callsOf('alerts.events')).toEqual([]);
    expect(document.querySelectorAll('[data-alert-marker]')).toHaveLength(0);
    expect(screen.queryByText(/Alert events could not be read/)).toBeNull();
  });
});
