import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { renderInConsole } from './render-in-console';
import { NotifierProvider, type Notifier, type NotifyPermission } from '../../src/renderer/app/notifier';
import { AlertsPage } from '../../src/renderer/pages/AlertsPage';
import { createInMemoryApi, type InMemoryApi, type InMemoryApiOptions } from '../fakes/in-memory-api';

/* The Alerts page: firing first, the shared rules (edited with a reason), recent events, notifications, honest notices. */

function renderPage(fake: InMemoryApi, notifier?: Notifier) {
  return renderInConsole(
    fake.api,
    <NotifierProvider notifier={notifier}>
      <AlertsPage navigate={vi.fn()} />
    </NotifierProvider>,
  );
}

const start = (options: InMemoryApiOptions = {}) => createInMemoryApi({ liveTimer: false, alerts: 'seeded', ...options });
const rule = (kind: string) => screen.getByTestId(`rule-${kind}`);

/** A browser's Notification API as a test drives it: the answer the person gives when asked. */
function browserNotifier(initial: NotifyPermission, answer: NotifyPermission): Notifier & { asked: number } {
  let permission = initial;
  const notifier = {
    kind: 'browser' as const,
    asked: 0,
    permission: () => permission,
    request: async () => {
      notifier.asked++;
      permission = answer;
      return permission;
    },
    show: () => undefined,
  };
  return notifier;
}

describe('Alerts page', () => {
  it('shows what fires now first, then every rule with what its numbers mean, then the events newest first', async () => {
    const fake = start();
    renderPage(fake);
    const firing = await screen.findByTestId('firing-failure-rate');
    expect(firing.textContent).toMatch(/Failures: 7\.5 failures per minute over the last 5 min · since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(10 m( \d+ s)? ago\) · value 7\.5/);
    expect(screen.queryByTestId('firing-stuck-leases')).toBeNull(); // it resolved
    // firing comes before the rules on the page
    expect(firing.compareDocumentPosition(screen.getByRole('table', { name: 'Alert rules' })) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();

    expect(within(rule('stuck-leases')).getByTestId('threshold').textContent).toBe('10 more than this many expired leases');
    expect(within(rule('stuck-leases')).getByTestId('window').textContent).toBe('60 min lease time (minutes)');
    expect(within(rule('recorder-gap')).getByTestId('threshold').textContent).toBe('unused'); // no meaningless number
    expect(rule('failure-rate').textContent).toContain('firing');
    expect(rule('no-claims').textContent).toContain('shipped default');

    const events = await screen.findByRole('table', { name: 'Recent alert events' });
    expect([...events.querySelectorAll('tbody tr')].map((row) => [row.getAttribute('data-testid'), row.getAttribute('data-state')])).toEqual([
      ['alert-event-3', 'firing'],
      ['alert-event-2', 'resolved'],
      ['alert-event-1', 'firing'],
    ]);
    expect(screen.queryByTestId('alerts-not-evaluated')).toBeNull();
  });

  it('edits a rule with validated numbers and a reason; only what changed is sent, and every console sees who changed it', async () => {
    const fake = start();
    const user = renderPage(fake);
    await user.click(within(await screen.findByTestId('rule-stuck-leases')).getByRole('button', { name: 'Edit Stuck leases' }));
    const editor = screen.getByRole('region', { name: 'Edit Stuck leases' });
    const threshold = within(editor).getByLabelText(/Threshold/);
    const windowInput = within(editor).getByLabelText(/Window in minutes/);
    const save = within(editor).getByRole('button', { name: 'Save…' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true); // nothing changed yet

    await user.clear(threshold);
    await user.type(threshold, 'ten');
    expect(editor.textContent).toContain('The threshold is a number from 0 to 1,000,000.');
    expect(save.disabled).toBe(true);
    await user.clear(windowInput);
    await user.type(windowInput, '20000');
    expect(editor.textContent).toContain('The window is a whole number of minutes from 1 to 10,080');

    await user.clear(threshold);
    await user.type(threshold, '25');
    await user.clear(windowInput);
    await user.type(windowInput, '30');
    expect(save.disabled).toBe(false);
    await user.click(save);
    const dialog = screen.getByRole('dialog', { name: 'Change the rule “Stuck leases”' });
    const confirm = within(dialog).getByRole('button', { name: 'Save rule' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true); // a reason first
    await user.type(within(dialog).getByLabelText(/Reason/), 'INC-88 leases of 60 min are normal on Mondays');
    await user.click(confirm);

    await screen.findByRole('status', { name: 'Rule saved' });
    expect(fake.callsOf('alerts.rules.update')).toEqual([{ kind: 'stuck-leases', threshold: 25, windowMinutes: 30, reason: 'INC-88 leases of 60 min are normal on Mondays' }]);
    expect(fake.model.audit.at(-1)).toMatchObject({ action: 'alerts.rule-update', reason: 'INC-88 leases of 60 min are normal on Mondays' });
    await waitFor(() => expect(within(rule('stuck-leases')).getByTestId('threshold').textContent).toBe('25 more than this many expired leases'));
    expect(rule('stuck-leases').textContent).toContain(fake.model.actor);
    expect(screen.queryByRole('region', { name: 'Edit Stuck leases' })).toBeNull();
  });

  it('switches a rule off and on without touching its numbers', async () => {
    const fake = start();
    const user = renderPage(fake);
    await user.click(within(await screen.findByTestId('rule-no-claims')).getByRole('button', { name: /^Edit/ }));
    await user.click(screen.getByLabelText('Rule on'));
    await user.click(screen.getByRole('button', { name: 'Save…' }));
    const dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByLabelText(/Reason/), 'no workers at night this week');
    await user.click(within(dialog).getByRole('button', { name: 'Save rule' }));
    await waitFor(() => expect(rule('no-claims').getAttribute('data-enabled')).toBe('false'));
    expect(fake.callsOf('alerts.rules.update')).toEqual([{ kind: 'no-claims', enabled: false, reason: 'no workers at night this week' }]);
  });

  it('on a read-only profile shows the rules but offers no edit', async () => {
    const fake = start({ connection: 'read-only' });
    renderPage(fake);
    const edit = within(await screen.findByTestId('rule-stuck-leases')).getByRole('button', { name: /^Edit/ }) as HTMLButtonElement;
    await waitFor(() => expect(edit.disabled).toBe(true));
    expect(edit.getAttribute('data-blocked')).toMatch(/read-only/);
  });

  it('before the alert tables exist, says which migration to run: no error, no blank, no events asked for', async () => {
    const fake = start({ alerts: 'unavailable' });
    renderPage(fake);
    expect((await screen.findByTestId('alerts-unavailable')).textContent).toBe('Alerts need migration 0009 — run the migrations (Migrations → Up).');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(fake.callsOf('alerts.events')).toEqual([]);
  });

  it('says so when no recorder has evaluated the rules for a while, or ever', async () => {
    const fake = start();
    fake.model.alertsEvaluatedAt = new Date(Date.now() - 20 * 60_000);
    renderPage(fake);
    const notice = await screen.findByTestId('alerts-not-evaluated');
    expect(notice.textContent).toMatch(/^No recorder is evaluating these rules: they were last evaluated at .+ UTC, 20 m ago\./);
    // what fires is still shown, with the warning above it
    expect(screen.getByTestId('firing-failure-rate')).toBeTruthy();
  });

  it('says when the rules were never evaluated', async () => {
    const fake = start();
    fake.model.alertsEvaluatedAt = null;
    renderPage(fake);
    expect((await screen.findByTestId('alerts-not-evaluated')).textContent).toMatch(/^No recorder has evaluated these rules yet/);
  });
});

describe('Alerts page: desktop notifications', () => {
  it('in a browser, asks for permission on a click, then says they are on', async () => {
    const notifier = browserNotifier('default', 'granted');
    const user = renderPage(start(), notifier);
    const settings = await screen.findByTestId('notification-settings');
    expect(settings.textContent).toContain('Desktop notifications are off in this browser.');
    expect(notifier.asked).toBe(0); // never asked without a click
    await user.click(within(settings).getByRole('button', { name: 'Enable desktop notifications' }));
    await waitFor(() => expect(settings.getAttribute('data-permission')).toBe('granted'));
    expect(notifier.asked).toBe(1);
    expect(settings.textContent).toContain('Desktop notifications are on in this browser');
    expect(within(settings).queryByRole('button')).toBeNull();
  });

  it('says how to allow them when the browser refuses, and when it has none', async () => {
    const user = renderPage(start(), browserNotifier('default', 'denied'));
    const settings = await screen.findByTestId('notification-settings');
    await user.click(within(settings).getByRole('button', { name: 'Enable desktop notifications' }));
    await waitFor(() => expect(settings.textContent).toContain('This browser blocks notifications from this page. Allow them in the site settings'));
  });

  it('says a browser without notifications has none, and the desktop app has them on', async () => {
    renderPage(start(), { kind: 'none', permission: () => 'unsupported', request: async () => 'unsupported', show: () => undefined });
    expect((await screen.findByTestId('notification-settings')).textContent).toContain('This browser has no desktop notifications');
  });

  it('in the desktop app, they are on without asking', async () => {
    renderPage(start(), { kind: 'desktop', permission: () => 'granted', request: async () => 'granted', show: () => undefined });
    const settings = await screen.findByTestId('notification-settings');
    expect(settings.textContent).toContain('Desktop notifications are on: one per rule each time it fires or resolves');
    expect(within(settings).queryByRole('button')).toBeNull();
  });
});
