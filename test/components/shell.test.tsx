import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/renderer/App';
import type { PageId } from '../../src/renderer/app/pages';
import { createInMemoryApi, type InMemoryApiOptions } from '../fakes/in-memory-api';

function start(options: InMemoryApiOptions = {}, initialPage: PageId = 'connection') {
  const fake = createInMemoryApi({ liveTimer: false, ...options });
  render(<App api={fake.api} initialPage={initialPage} />);
  return { fake, user: userEvent.setup() };
}

const navItem = (title: string) => within(screen.getByRole('navigation', { name: 'Pages' })).getByRole('button', { name: new RegExp(`^${title}`) });

afterEach(() => {
  vi.useRealTimers();
});

/** Two polls of the connection (fake interval timers); their answers reach the page after a real macrotask (the query cache notifies on one). */
async function nextPolls() {
  await act(() => vi.advanceTimersByTimeAsync(2000));
  await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
}

describe('Shell', () => {
  it('switches pages with Alt+digit', async () => {
    const { user } = start();
    await screen.findByTestId('connection-summary');
    expect(screen.getByRole('heading', { level: 1, name: 'Connection' })).toBeTruthy();

    await user.keyboard('{Alt>}7{/Alt}');
    expect(await screen.findByRole('heading', { level: 1, name: 'Activity' })).toBeTruthy();
    expect(navItem('Activity').getAttribute('aria-current')).toBe('page');

    await user.keyboard('{Alt>}4{/Alt}');
    expect(navItem('Indexes').getAttribute('aria-current')).toBe('page');
    expect(navItem('Activity').getAttribute('aria-current')).toBeNull();

    await user.keyboard('{Alt>}1{/Alt}');
    expect(await screen.findByRole('heading', { level: 1, name: 'Connection' })).toBeTruthy();

    // A digit without Alt is just typing.
    await user.keyboard('7');
    expect(navItem('Connection').getAttribute('aria-current')).toBe('page');
  });

  it('shows a lost connection at the next poll, and clears it when the database answers again', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { fake } = start({}, 'activity');
    expect(await screen.findByTestId('connection-status')).toBeTruthy();
    await screen.findByText('connected');
    expect(screen.queryByText(/Connection to the database lost/)).toBeNull();

    fake.loseConnection('Lost connection to MySQL server during query');
    await nextPolls();
    const banner = screen.getByText(/Connection to the database lost/);
    expect(banner.textContent).toContain('Lost connection to MySQL server during query');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(screen.getByTestId('connection-status').textContent).toBe('lost');

    fake.restoreConnection();
    await nextPolls();
    expect(screen.queryByText(/Connection to the database lost/)).toBeNull();
    expect(screen.getByTestId('connection-status').textContent).toBe('connected');
  });

  it('shows "not responding" and "database missing" in the header, never "connected", with a banner saying why', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { fake } = start({}, 'activity');
    await screen.findByText('connected');

    fake.loseConnection('The database server has not responded for 3 s', 'not-responding');
    await nextPolls();
    expect(screen.getByTestId('connection-status').textContent).toBe('not responding');
    expect(screen.getByTestId('connection-status').className).toContain('status-not-responding');
    expect(screen.getByRole('alert').textContent).toContain('The database server is not responding: The database server has not responded for 3 s');

    fake.loseConnection("The database 'booking' was dropped or renamed", 'database-missing');
    await nextPolls();
    expect(screen.getByTestId('connection-status').textContent).toBe('database missing');
    expect(screen.getByRole('alert').textContent).toContain("The database is missing: The database 'booking' was dropped");

    fake.restoreConnection();
    await nextPolls();
    expect(screen.getByTestId('connection-status').textContent).toBe('connected');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('asks to connect first on pages that need a database, and leads to the Connection page', async () => {
    const { user, fake } = start({ connection: 'disconnected' }, 'activity');
    expect(await screen.findByText('not connected')).toBeTruthy();

    await user.keyboard('{Alt>}2{/Alt}');
    expect(screen.getByText('Connect to a database first.')).toBeTruthy();
    await user.keyboard('{Alt>}3{/Alt}');
    expect(screen.getByText('Connect to a database first.')).toBeTruthy();
    expect(fake.callsOf('entries.list')).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Go to Connection' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Connection' })).toBeTruthy();
  });

  it('names the environment in the header badge', async () => {
    start({ connection: 'read-only' });
    const summary = await screen.findByTestId('connection-summary');
    expect(within(summary).getByTestId('environment-badge').textContent).toBe('PRODUCTION · READ-ONLY');
    expect(summary.textContent).toContain('booking @ db-prod.example.internal:3306');
  });

  it('shows the sandbox badge when connected to the sandbox', async () => {
    start({ connection: 'sandbox' });
    const summary = await screen.findByTestId('connection-summary');
    expect(within(summary).getByTestId('environment-badge').textContent).toBe('SANDBOX');
  });
});
