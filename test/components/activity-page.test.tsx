import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import type { AuditEntry } from '../../src/shared/results/audit';
import { createInMemoryApi, type InMemoryApiOptions } from '../fakes/in-memory-api';

const NOW = new Date('2026-03-01T12:00:00.000Z');

function start(options: InMemoryApiOptions = {}, seed?: (fake: ReturnType<typeof createInMemoryApi>) => void) {
  const fake = createInMemoryApi({ liveTimer: false, now: () => NOW, ...options });
  seed?.(fake);
  render(<App api={fake.api} initialPage="activity" />);
  return { fake, user: userEvent.setup() };
}

const auditRegion = () => screen.getByRole('region', { name: 'Audit log' });
/** The audit ids shown, top to bottom. */
const shownIds = () => within(auditRegion()).queryAllByTestId(/^audit-/).map((row) => Number(row.dataset.testid!.slice('audit-'.length)));

describe('Activity page', () => {
  it('shows the audit log newest first, each row with its fields and expandable parameters', async () => {
    const { fake } = start({}, (f) => {
      f.model.audit.push({
        auditId: 31, time: new Date('2026-03-01T11:30:05.000Z'), actor: 'alice@ops-laptop', action: 'maintenance.cleanup', bookingId: null,
        parameters: { rules: ['stuck-processing'], leaseTimeoutSeconds: 900 }, affectedRows: 1234, outcome: 'error', reason: 'incident 42', consoleVersion: '0.1.0',
      });
    });
    const newest = await screen.findByTestId('audit-31');
    expect(shownIds()).toEqual(Array.from({ length: 31 }, (_, i) => 31 - i));
    for (const text of ['2026-03-01 11:30:05', 'alice@ops-laptop', 'maintenance.cleanup', '1,234', 'error', 'incident 42']) expect(newest.textContent).toContain(text);
    const details = newest.querySelector('details')!;
    expect(details.open).toBe(false);
    fireEvent.click(details.querySelector('summary')!);
    expect(details.open).toBe(true);
    expect(details.querySelector('pre')!.textContent).toContain('"leaseTimeoutSeconds": 900');
    expect(within(screen.getByTestId('audit-30')).getAllByRole('cell')[3]!.textContent).toBe('—'); // no booking id
    expect(fake.callsOf('audit.list')).toEqual([{ limit: 50 }]);
  });

  it('marks each outcome by name: ok, a failure, and a cancelled write as neutral with the count it did', async () => {
    start({}, (f) => {
      const base = { time: NOW, actor: 'alice@ops-laptop', action: 'pool.retry-failed', bookingId: null, parameters: null, reason: 'incident 42', consoleVersion: '0.1.0' } as const;
      f.model.audit.push(
        { ...base, auditId: 31, affectedRows: 500, outcome: 'cancelled' as AuditEntry['outcome'] },
        { ...base, auditId: 32, affectedRows: 0, outcome: 'error' },
        { ...base, auditId: 33, affectedRows: 7, outcome: 'ok' },
      );
    });
    const outcomeOf = (id: number) => within(screen.getByTestId(`audit-${id}`)).getAllByRole('cell')[5]!;
    await screen.findByTestId('audit-33');
    expect([31, 32, 33].map((id) => [outcomeOf(id).textContent, outcomeOf(id).className])).toEqual([
      ['cancelled', 'outcome-cancelled'],
      ['error', 'outcome-error'],
      ['ok', 'outcome-ok'],
    ]);
    expect(within(screen.getByTestId('audit-31')).getAllByRole('cell')[4]!.textContent).toBe('500');
  });

  it('sends the action, actor and UTC time range to audit.list and shows what it returns', async () => {
    const { user, fake } = start();
    await screen.findByTestId('audit-30');
    const filters = screen.getByRole('form', { name: 'Audit filters' });
    await user.type(within(filters).getByLabelText('Action'), 'entry.retry');
    await user.type(within(filters).getByLabelText('Actor'), 'ops@console-1');
    fireEvent.change(within(filters).getByLabelText('From (UTC)'), { target: { value: '2026-02-28T12:00' } });
    fireEvent.change(within(filters).getByLabelText('To (UTC)'), { target: { value: '2026-03-01T06:00' } });
    await user.click(within(filters).getByRole('button', { name: 'Apply' }));

    await waitFor(() => expect(shownIds()).toEqual([19, 13, 7]));
    expect(fake.callsOf('audit.list').at(-1)).toEqual({ action: 'entry.retry', actor: 'ops@console-1', from: '2026-02-28T12:00:00.000Z', to: '2026-03-01T06:00:00.000Z', limit: 50 });

    await user.click(within(filters).getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(shownIds()).toHaveLength(30));
    expect(fake.callsOf('audit.list').at(-1)).toEqual({ limit: 50 });
  });

  it('finds actions by part of their name, and labels the page with its ids low to high', async () => {
    const { user } = start();
    await screen.findByTestId('audit-30');
    const label = () => within(auditRegion()).getByTestId('page-label').textContent;
    expect(label()).toBe('Page 1 · 30 rows, audit ids 1 to 30 (newest first)');
    const filters = screen.getByRole('form', { name: 'Audit filters' });
    await user.type(within(filters).getByLabelText('Action'), 'cleanup');
    await user.click(within(filters).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(shownIds()).toEqual([26, 20, 14, 8, 2]));
    expect(label()).toBe('Page 1 · 5 rows, audit ids 2 to 26 (newest first)');

    await user.clear(within(filters).getByLabelText('Action'));
    await user.type(within(filters).getByLabelText('Action'), 'no-such-action');
    await user.click(within(filters).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(shownIds()).toEqual([]));
    expect(label()).toBe('Page 1 · no rows');
  });

  it('refuses a time range that ends before it starts, without querying', async () => {
    const { user, fake } = start();
    await screen.findByTestId('audit-30');
    const filters = screen.getByRole('form', { name: 'Audit filters' });
    fireEvent.change(within(filters).getByLabelText('From (UTC)'), { target: { value: '2026-03-01T06:00' } });
    fireEvent.change(within(filters).getByLabelText('To (UTC)'), { target: { value: '2026-02-28T06:00' } });
    await user.click(within(filters).getByRole('button', { name: 'Apply' }));
    expect(within(filters).getByRole('alert').textContent).toContain('must be before');
    expect(fake.callsOf('audit.list')).toHaveLength(1);
  });

  it('pages to older rows by audit id and back', async () => {
    const { user, fake } = start({}, (f) => {
      for (let id = 31; id <= 120; id += 1) {
        f.model.audit.push({ auditId: id, time: new Date(NOW.getTime() - (121 - id) * 1000), actor: 'pool-worker@app-3', action: 'entry.reset', bookingId: 100_001, parameters: { bookingId: 100_001 }, affectedRows: 1, outcome: 'ok', reason: null, consoleVersion: '0.1.0' });
      }
    });
    await screen.findByTestId('audit-120');
    expect(shownIds()).toEqual(Array.from({ length: 50 }, (_, i) => 120 - i));
    const older = within(auditRegion()).getByRole('button', { name: 'Older' }) as HTMLButtonElement;

    await user.click(older);
    await waitFor(() => expect(shownIds()[0]).toBe(70));
    expect(shownIds().at(-1)).toBe(21);
    expect(fake.callsOf('audit.list').at(-1)).toEqual({ beforeId: 71, limit: 50 });

    await user.click(older);
    await waitFor(() => expect(shownIds()).toEqual(Array.from({ length: 20 }, (_, i) => 20 - i)));
    expect(fake.callsOf('audit.list').at(-1)).toEqual({ beforeId: 21, limit: 50 });
    expect(older.disabled).toBe(true);

    await user.click(within(auditRegion()).getByRole('button', { name: 'Newer' }));
    await waitFor(() => expect(shownIds()[0]).toBe(70));
    await user.click(within(auditRegion()).getByRole('button', { name: 'Newest' }));
    await waitFor(() => expect(shownIds()[0]).toBe(120));
  });

  it('shows the recent app log with levels, newest first, and refreshes it', async () => {
    const { user, fake } = start();
    const log = await screen.findByRole('region', { name: 'Application log' });
    await within(log).findByText(/stats sampler slowed to 2000 ms/);
    const rows = within(log).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getAllByRole('cell')[1]!.textContent)).toEqual(['error', 'warn', 'info']);
    expect(rows[0]!.textContent).toContain('pool.stats failed: UNREACHABLE');

    fake.model.logs.push({ time: NOW, level: 'info', message: 'cleanup applied: 23 rows' });
    await user.click(within(log).getByRole('button', { name: 'Refresh log' }));
    await within(log).findByText('cleanup applied: 23 rows');
    expect(within(log).getAllByRole('row')[1]!.textContent).toContain('cleanup applied: 23 rows');
    expect(fake.callsOf('app.logs').at(-1)).toEqual({ limit: 200 });
  });

  it('without a connection: explains where the audit log lives and still shows the app log', async () => {
    const { fake } = start({ connection: 'disconnected' });
    const log = await screen.findByRole('region', { name: 'Application log' });
    await within(log).findByText(/console started/);
    expect(screen.getByText(/connect to a profile or the sandbox to read it/)).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Audit log' })).toBeNull();
    expect(fake.callsOf('audit.list')).toEqual([]);
  });

  it('shows the back’s error when the audit log cannot be read', async () => {
    start({}, (f) => f.failNext('audit.list', 'NO_TABLE', "Table 'booking_staging.POOL_AUDIT_LOG' doesn't exist"));
    const alert = await screen.findByText(/POOL_AUDIT_LOG' doesn't exist/);
    expect(alert.closest('[role="alert"]')!.textContent).toContain('run the pending migrations');
  });
});
