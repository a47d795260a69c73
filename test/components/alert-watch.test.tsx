import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderInConsole } from './render-in-console';
import { App } from '../../src/renderer/App';
import { NotifierProvider, type Notifier } from '../../src/renderer/app/notifier';
import { useAlertOverview, useAlertWatch } from '../../src/renderer/app/use-alert-watch';
import { AlertBanner } from '../../src/renderer/pages/overview/AlertBanner';
import type { DesktopNotice } from '../../src/shared/ipc-protocol';
import type { AlertEvent } from '../../src/shared/results/alerts';
import { createInMemoryApi, type InMemoryApi } from '../fakes/in-memory-api';

/* Firing alerts outside the Alerts page: the nav badge, the Overview banner, and notifications told once. */

function recordingNotifier(): Notifier & { shown: DesktopNotice[] } {
  const shown: DesktopNotice[] = [];
  return { kind: 'desktop', shown, permission: () => 'granted', request: async () => 'granted', show: (notice) => void shown.push(notice) };
}

/** Shows once the banner's answer (the same cached alerts.overview) has come. */
function OverviewAnswered() {
  return useAlertOverview().data ? <span data-testid="answered" /> : null;
}

/** The shell's watch, polling fast so a test sees several polls. */
function Watch() {
  useAlertWatch('profile|host|db', 50);
  return null;
}

const newEvent = (fake: InMemoryApi, event: Omit<AlertEvent, 'id' | 'at'>): AlertEvent => {
  const added = { ...event, id: (fake.model.alertEvents.at(-1)?.id ?? 0) + 1, at: new Date(Date.now() + 1) };
  fake.model.alertEvents.push(added);
  return added;
};

/** Waits until the page has asked for the events `n` more times (each poll a chance to notify again). */
async function polls(fake: InMemoryApi, n: number) {
  const start = fake.callsOf('alerts.events').length;
  await waitFor(() => expect(fake.callsOf('alerts.events').length).toBeGreaterThanOrEqual(start + n));
}

describe('alert notifications', () => {
  it('tells nothing from before the page opened, then each new change once, several at once in one', async () => {
    const fake = createInMemoryApi({ liveTimer: false, alerts: 'seeded' });
    const notifier = recordingNotifier();
    renderInConsole(fake.api, <NotifierProvider notifier={notifier}><Watch /></NotifierProvider>);
    await polls(fake, 3);
    expect(notifier.shown).toEqual([]); // failures fire, but fired before the page opened

    newEvent(fake, { kind: 'stuck-leases', state: 'firing', value: 12, message: '12 leases expired more than 60 min ago' });
    await waitFor(() => expect(notifier.shown).toHaveLength(1));
    expect(notifier.shown[0]).toEqual({ title: 'Alert firing: Stuck leases', body: '12 leases expired more than 60 min ago' });
    await polls(fake, 3);
    expect(notifier.shown).toHaveLength(1); // read again, not told again

    newEvent(fake, { kind: 'stuck-leases', state: 'resolved', value: 2, message: '2 expired leases' });
    newEvent(fake, { kind: 'failure-rate', state: 'resolved', value: 0.5, message: '0.5 failures per minute' });
    newEvent(fake, { kind: 'paused-too-long', state: 'firing', value: 61, message: 'paused for 61 min' });
    await waitFor(() => expect(notifier.shown).toHaveLength(2));
    expect(notifier.shown[1]).toEqual({
      title: '3 alerts: 1 firing, 2 resolved',
      body: ['FIRING: Paused too long — paused for 61 min', 'resolved: Failures — 0.5 failures per minute', 'resolved: Stuck leases — 2 expired leases'].join('\n'),
    });
    await polls(fake, 3);
    expect(notifier.shown).toHaveLength(2);
  });

  it('asks nothing of the events before the alert tables exist', async () => {
    const fake = createInMemoryApi({ liveTimer: false, alerts: 'unavailable' });
    renderInConsole(fake.api, <NotifierProvider notifier={recordingNotifier()}><Watch /></NotifierProvider>);
    await waitFor(() => expect(fake.callsOf('alerts.overview').length).toBeGreaterThanOrEqual(3));
    expect(fake.callsOf('alerts.events')).toEqual([]);
  });
});

describe('firing alerts in the shell and on the Overview', () => {
  it('counts the firing rules on the Alerts nav item, and Alt+9 opens the page', async () => {
    const fake = createInMemoryApi({ liveTimer: false, connection: 'connected', alerts: 'seeded' });
    render(<App api={fake.api} initialPage="workers" notifier={recordingNotifier()} />);
    const user = userEvent.setup();
    const nav = screen.getByRole('navigation', { name: 'Pages' });
    const badge = await within(nav).findByTestId('alerts-badge');
    expect(badge.textContent).toBe('1');
    expect(badge.closest('button')?.textContent).toMatch(/^Alerts 1 Alt\+9$/);
    await user.keyboard('{Alt>}9{/Alt}');
    expect(await screen.findByRole('heading', { level: 1, name: 'Alerts' })).toBeTruthy();
  });

  it('shows no badge while nothing fires', async () => {
    const fake = createInMemoryApi({ liveTimer: false, connection: 'connected' });
    render(<App api={fake.api} initialPage="alerts" notifier={recordingNotifier()} />);
    await screen.findByTestId('no-firing'); // the shell's answer too: one cached alerts.overview
    expect(screen.queryByTestId('alerts-badge')).toBeNull();
  });

  it('puts a compact banner of what fires on the Overview, one click from the Alerts page', async () => {
    const fake = createInMemoryApi({ liveTimer: false, alerts: 'seeded' });
    const navigate = vi.fn();
    const user = renderInConsole(fake.api, <AlertBanner navigate={navigate} />);
    const banner = await screen.findByTestId('alert-banner');
    expect(banner.textContent).toMatch(/^1 alert firingFailures: 7\.5 failures per minute over the last 5 min · since .+ UTC \(10 m( \d+ s)? ago\)Open Alerts$/);
    await user.click(within(banner).getByRole('button', { name: 'Open Alerts' }));
    expect(navigate).toHaveBeenCalledWith('alerts');
  });

  it.each([['nothing fires', undefined], ['the alert tables do not exist yet', 'unavailable']] as const)('shows no banner (nor an error) when %s', async (_case, alerts) => {
    const fake = createInMemoryApi({ liveTimer: false, alerts });
    renderInConsole(
      fake.api,
      <>
        <AlertBanner navigate={vi.fn()} />
        <OverviewAnswered />
      </>,
    );
    await screen.findByTestId('answered');
    expect(screen.queryByTestId('alert-banner')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
