import { act, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderInConsole } from './render-in-console';
import { OverviewPage } from '../../src/renderer/pages/OverviewPage';
import { computeStats, createInMemoryApi, type InMemoryApi } from '../fakes/in-memory-api';

/* The Overview reading the one health model, and the figures a pre-migration schema cannot give. */

function renderPage(fake: InMemoryApi) {
  return renderInConsole(fake.api, <OverviewPage navigate={vi.fn()} />);
}

async function subscribed() {
  await screen.findByText('Waiting for the first sample from booking_staging…');
  await act(async () => {});
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Overview: health banner from the health model', () => {
  it('renders each reason with its code, and the expired-lease count equals the tile', async () => {
    const fake = createInMemoryApi({ liveTimer: false, pendingMigrations: 2 });
    const stats = computeStats(fake.model, 3600, 3);
    expect(stats.expiredLeases).toBeGreaterThan(0);
    renderPage(fake);
    await subscribed();
    act(() => fake.emitSample(fake.sample()));

    const banner = await screen.findByTestId('health-banner');
    const codes = [...banner.querySelectorAll('li')].map((item) => item.getAttribute('data-code'));
    expect(codes).toEqual(['migrations-pending', 'expired-leases', 'deadline-risk']);
    expect(banner.querySelector('[data-code="expired-leases"]')?.textContent).toContain(String(stats.expiredLeases));
    expect(screen.getByTestId('value-expiredLeases').textContent).toBe(String(stats.expiredLeases));
  });

  it('without pool columns: down with its reason, the samples name NO_POOL_COLUMNS and the fix, no tile says "pool empty"', async () => {
    const fake = createInMemoryApi({ liveTimer: false, noPoolColumns: true, pendingMigrations: 4 });
    renderPage(fake);
    await subscribed();
    act(() => fake.emitSample(fake.sample()));
    const banner = await screen.findByTestId('health-banner');
    expect(banner.getAttribute('data-state')).toBe('down');
    expect(within(banner).getByText('Down')).toBeTruthy();
    expect(banner.querySelector('[data-code="no-pool-columns"]')?.textContent).toContain('POOL_STATUS');
    expect(banner.querySelector('[data-code="migrations-pending"]')).toBeTruthy();
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('NO_POOL_COLUMNS')).toBeTruthy();
    expect(alert.textContent).toContain('run the pending migrations on the Migrations page');
    expect(screen.getByTestId('tile-inPool').textContent).toContain('no reading yet');
    expect(screen.queryByText('pool empty')).toBeNull();
  });
});

describe('Overview: a host database before our migrations', () => {
  it('shows the real counts, migrations pending, and names the figures that wait for the migrations', async () => {
    // A frozen clock: seeded entries sit at whole hours, so a second passing could move one across the lease timeout.
    const seededAt = new Date();
    const fake = createInMemoryApi({ liveTimer: false, preMigration: true, pendingMigrations: 3, now: () => seededAt });
    const stats = computeStats(fake.model, 3600, 3);
    renderPage(fake);
    await subscribed();
    act(() => fake.emitSample(fake.sample()));

    expect(screen.getByTestId('value-inPool').textContent).toBe(stats.inPool.toLocaleString());
    expect(screen.getByTestId('value-expiredLeases').textContent).toBe(String(stats.expiredLeases));
    expect(screen.getByTestId('note-expiredLeases').textContent).toBe('by entry time');
    const unavailable = screen.getByTestId('unavailable-figures');
    expect([...unavailable.querySelectorAll('li')].map((item) => item.getAttribute('data-figure'))).toEqual(['byMode', 'leases', 'eventTotals']);
    expect(within(unavailable).getByText('Entries by mode: —, after migrations')).toBeTruthy();
    const banner = await screen.findByTestId('health-banner');
    expect(banner.querySelector('[data-code="migrations-pending"]')).toBeTruthy();
    expect(screen.queryByText('pool empty')).toBeNull();
  });
});
