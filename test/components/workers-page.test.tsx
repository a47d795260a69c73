import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { renderInConsole } from './render-in-console';
import { WorkersPage } from '../../src/renderer/pages/WorkersPage';
import { createInMemoryApi, type InMemoryApi } from '../fakes/in-memory-api';

/* The Workers page: every owner with its state and leases; a dead or unknown owner's leases released. */

const DATABASE = 'booking_staging';

function renderPage(fake: InMemoryApi) {
  return renderInConsole(fake.api, <WorkersPage navigate={vi.fn()} />);
}

/** Processing entries the owner holds in the fake's model now. */
const leasesOf = (fake: InMemoryApi, owner: string) => fake.model.entries.filter((e) => e.status === 'processing' && e.claimedBy === owner).map((e) => e.bookingId).sort((a, b) => a - b);

const row = (owner: string) => screen.getByTestId(`worker-${owner}`);

describe('Workers page', () => {
  it('lists every owner, dead and never-heartbeating first, with host, pid, version, leases, oldest lease, claims per minute and last error', async () => {
    const fake = createInMemoryApi();
    renderPage(fake);
    await screen.findByTestId('worker-worker-1');
    const rows = [...document.querySelectorAll('tbody tr')];
    expect(rows.map((r) => [r.getAttribute('data-testid'), r.getAttribute('data-state')])).toEqual([
      ['worker-worker-1', 'dead'],
      ['worker-worker-2', 'no-heartbeat'],
      ['worker-worker-0', 'alive'],
    ]);
    const dead = row('worker-1');
    expect(dead.textContent).toContain('app-1.example.internal');
    expect(dead.textContent).toContain('4101');
    expect(dead.textContent).toContain('0.1.0');
    expect(dead.textContent).toContain('15 m ago (every 10 s)');
    expect(dead.textContent).toContain('ECONNRESET talking to the interpreter service');
    expect(within(dead).getByTestId('leases').textContent).toMatch(new RegExp(`^${leasesOf(fake, 'worker-1').length}\\b`));
    // an owner known from its leases alone: no host, no counts
    const unknown = row('worker-2');
    expect(within(unknown).getByTestId('leases').textContent).toMatch(new RegExp(`^${leasesOf(fake, 'worker-2').length}\\b`));
    expect(within(unknown).getAllByText('—').length).toBeGreaterThanOrEqual(5);
    // the release is offered for the dead and the unknown owner, never for a live worker
    expect(within(dead).getByRole('button', { name: 'Release leases of worker-1' })).toBeTruthy();
    expect(within(unknown).getByRole('button', { name: 'Release leases of worker-2' })).toBeTruthy();
    expect(within(row('worker-0')).queryByRole('button')).toBeNull();
    expect(screen.getByTestId('workers-summary').textContent).toBe('1 dead · 1 no-heartbeat · 1 alive');
  });

  it("releases a dead worker's leases after its preview and a reason: audited, and the row shows none left", async () => {
    const fake = createInMemoryApi();
    const held = leasesOf(fake, 'worker-1');
    expect(held.length).toBeGreaterThan(0);
    const user = renderPage(fake);
    await user.click(await screen.findByRole('button', { name: 'Release leases of worker-1' }));

    const dialog = await screen.findByRole('dialog', { name: 'Release leases of worker-1' });
    expect(within(dialog).getByText(DATABASE, { selector: 'p > strong:first-child' })).toBeTruthy();
    expect(within(dialog).getByText(String(held.length), { selector: 'strong' })).toBeTruthy();
    expect(within(dialog).getByTestId('sample-ids').textContent).toContain(held.slice(0, 20).join(', '));
    const confirm = within(dialog).getByRole('button', { name: 'Release' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await user.type(within(dialog).getByLabelText(/Reason/), 'INC-5 worker host gone');
    await user.click(confirm);

    const result = await screen.findByRole('status', { name: 'Release result' });
    expect(result.textContent).toContain(`worker-1: ${held.length} leases changed`);
    expect(fake.callsOf('workers.release')).toEqual([{ ownerId: 'worker-1', reason: 'INC-5 worker host gone' }]);
    expect(leasesOf(fake, 'worker-1')).toEqual([]);
    expect(fake.model.audit.at(-1)).toMatchObject({ action: 'workers.release-leases', affectedRows: held.length, reason: 'INC-5 worker host gone' });
    // listed again: the dead worker holds nothing, so nothing is offered
    await waitFor(() => expect(within(row('worker-1')).getByTestId('leases').textContent).toBe('0'));
    expect(within(row('worker-1')).queryByRole('button')).toBeNull();
  });

  it('shows the refusal when the back refuses the release, and changes nothing', async () => {
    const fake = createInMemoryApi();
    const held = leasesOf(fake, 'worker-1');
    const user = renderPage(fake);
    await user.click(await screen.findByRole('button', { name: 'Release leases of worker-1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Release leases of worker-1' });
    await user.type(within(dialog).getByLabelText(/Reason/), 'INC-6');
    fake.failNext('workers.release', 'CONFLICT', 'Worker worker-1 is alive (last heartbeat 2 s ago): it may still be working on its leases. Nothing was changed.');
    await user.click(within(dialog).getByRole('button', { name: 'Release' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('The leases were not released')).toBeTruthy();
    expect(alert.textContent).toContain('it may still be working on its leases');
    expect(leasesOf(fake, 'worker-1')).toEqual(held);
  });

  it('asks again by itself: a worker that stops heartbeating shows dead without a reload', async () => {
    const fake = createInMemoryApi();
    renderPage(fake);
    await waitFor(() => expect(row('worker-0').getAttribute('data-state')).toBe('alive'));
    const before = fake.callsOf('workers.list').length;
    fake.model.workers = fake.model.workers.map((w) => (w.ownerId === 'worker-0' ? { ...w, state: 'dead' } : w));
    await waitFor(() => expect(row('worker-0').getAttribute('data-state')).toBe('dead'), { timeout: 20_000 });
    expect(fake.callsOf('workers.list').length).toBeGreaterThan(before);
    expect(within(row('worker-0')).getByRole('button', { name: 'Release leases of worker-0' })).toBeTruthy();
  }, 30_000);

  it('on a read-only profile lists the owners but offers no release', async () => {
    const fake = createInMemoryApi({ connection: 'read-only' });
    renderPage(fake);
    const button = await screen.findByRole('button', { name: /Release leases of worker-1/ });
    expect((button as HTMLButtonElement).disabled).toBe(true);
  });
});
