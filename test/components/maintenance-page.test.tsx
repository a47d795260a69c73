import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { renderInConsole } from './render-in-console';
import { MaintenancePage } from '../../src/renderer/pages/MaintenancePage';
import { computeStats, createInMemoryApi, type InMemoryApi } from '../fakes/in-memory-api';

const DATABASE = 'booking_staging';

function renderPage(fake: InMemoryApi) {
  return renderInConsole(fake.api, <MaintenancePage navigate={() => {}} />);
}

/** What the fake's rules find now, read before the page so that the page's own calls are the only ones counted after. */
async function expectedRules(fake: InMemoryApi) {
  const preview = await fake.api.call('maintenance.cleanup.preview', {});
  fake.calls.length = 0;
  return preview.rules;
}

async function waitForRules() {
  await screen.findByRole('table', { name: 'Cleanup rules' });
  await screen.findByText(DATABASE, { selector: '.page-title strong' });
}

const ruleRow = (id: string) => screen.getByTestId(`rule-${id}`);

describe('Maintenance page', () => {
  it('lists every cleanup rule with what it detects, its fix, count and sample ids', async () => {
    const fake = createInMemoryApi();
    const rules = await expectedRules(fake);
    renderPage(fake);
    await waitForRules();

    for (const rule of rules) {
      const row = ruleRow(rule.id);
      expect(within(row).getByText(rule.title)).toBeTruthy();
      expect(within(row).getByText(rule.detects)).toBeTruthy();
      expect(within(row).getByText(rule.fix)).toBeTruthy();
      expect(within(row).getByText(String(rule.count))).toBeTruthy();
      if (rule.sampleIds.length > 0) expect(row.textContent).toContain(rule.sampleIds.join(', '));
    }
    const finished = rules.find((rule) => rule.id === 'booking-finished')!;
    expect(finished.count).toBeGreaterThan(0);
  });

  it('applies one rule with the database name as confirm and the reason, shows the result, and counts again', async () => {
    const fake = createInMemoryApi();
    const rules = await expectedRules(fake);
    const finished = rules.find((rule) => rule.id === 'booking-finished')!;
    const user = renderPage(fake);
    await waitForRules();

    await user.click(within(ruleRow('booking-finished')).getByRole('button', { name: 'Apply' }));
    const dialog = screen.getByRole('dialog', { name: `Apply cleanup: ${finished.title}` });
    expect(within(dialog).getByText(DATABASE, { selector: 'p > strong:first-child' })).toBeTruthy();
    expect(within(dialog).getByText(String(finished.count), { selector: 'strong' })).toBeTruthy();
    const confirm = within(dialog).getByRole('button', { name: 'Apply this rule' }) as HTMLButtonElement;
    await user.type(within(dialog).getByLabelText(/Reason/), 'INC-1234 finished bookings');
    expect(confirm.disabled).toBe(true);
    await user.type(within(dialog).getByLabelText('database name'), DATABASE);
    const release = fake.hold('maintenance.cleanup.apply');
    await user.click(confirm);
    expect(await screen.findByText('Applying cleanup rules…')).toBeTruthy();
    release();

    const result = await screen.findByRole('status', { name: 'Cleanup result' });
    expect(result.textContent).toContain(`${finished.title}: ${finished.count} fixed`);
    expect(fake.callsOf('maintenance.cleanup.apply')).toEqual([{ rules: ['booking-finished'], confirm: DATABASE, reason: 'INC-1234 finished bookings' }]);
    // Counted again: the rule finds nothing now.
    await waitFor(() => expect(within(ruleRow('booking-finished')).getByText('0')).toBeTruthy());
    expect(fake.callsOf('maintenance.cleanup.preview').length).toBeGreaterThanOrEqual(2);
  });

  it('reports the rows the apply changed, says when the preview counted otherwise, and shows it above the rules in view', async () => {
    const fake = createInMemoryApi();
    const rules = await expectedRules(fake);
    const finished = rules.find((rule) => rule.id === 'booking-finished')!;
    const scrolled = vi.fn();
    Element.prototype.scrollIntoView = scrolled;
    onTestFinished(() => {
      delete (Element.prototype as Partial<Element>).scrollIntoView;
    });
    const user = renderPage(fake);
    await waitForRules();

    await user.click(within(ruleRow('booking-finished')).getByRole('button', { name: 'Apply' }));
    const dialog = screen.getByRole('dialog', { name: `Apply cleanup: ${finished.title}` });
    expect(within(dialog).getByText(String(finished.count), { selector: 'strong' })).toBeTruthy();
    await user.type(within(dialog).getByLabelText(/Reason/), 'INC-1234 finished bookings');
    await user.type(within(dialog).getByLabelText('database name'), DATABASE);
    const release = fake.hold('maintenance.cleanup.apply');
    await user.click(within(dialog).getByRole('button', { name: 'Apply this rule' }));
    // Meanwhile one more booking finishes: the apply fixes it too.
    const another = fake.model.entries.find((entry) => entry.bookingStatus === 'waiting' && entry.status === 'waiting')!;
    another.bookingStatus = 'cancel';
    release();

    const result = await screen.findByRole('status', { name: 'Cleanup result' });
    expect(result.textContent).toContain(`${finished.count + 1} rows changed (the preview counted ${finished.count}; the pool changed in between)`);
    // Where the operator is looking: above the rule table, and scrolled to.
    const table = screen.getByRole('table', { name: 'Cleanup rules' });
    expect(result.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(scrolled).toHaveBeenCalled();
    expect(scrolled.mock.contexts.at(-1)).toBe(result);
  });

  it('applies every rule at once', async () => {
    const fake = createInMemoryApi();
    const rules = await expectedRules(fake);
    const total = rules.reduce((sum, rule) => sum + rule.count, 0);
    const user = renderPage(fake);
    await waitForRules();

    await user.click(screen.getByRole('button', { name: `Apply all (${total} rows)` }));
    const dialog = screen.getByRole('dialog', { name: 'Apply every cleanup rule' });
    await user.type(within(dialog).getByLabelText('database name'), DATABASE);
    await user.type(within(dialog).getByLabelText(/Reason/), 'INC-9 nightly cleanup');
    await user.click(within(dialog).getByRole('button', { name: 'Apply all rules' }));
    const result = await screen.findByRole('status', { name: 'Cleanup result' });
    expect(result.textContent).toContain(`${total} rows changed.`);
    expect(fake.callsOf('maintenance.cleanup.apply')).toEqual([{ confirm: DATABASE, reason: 'INC-9 nightly cleanup' }]);
  });

  it('keeps every apply disabled, with a hint, until the reason has at least 3 non-blank characters', async () => {
    const fake = createInMemoryApi();
    await expectedRules(fake);
    const user = renderPage(fake);
    await waitForRules();

    await user.click(screen.getByRole('button', { name: /^Apply all/ }));
    const dialog = screen.getByRole('dialog', { name: 'Apply every cleanup rule' });
    await user.type(within(dialog).getByLabelText('database name'), DATABASE);
    const apply = within(dialog).getByRole('button', { name: 'Apply all rules' }) as HTMLButtonElement;
    const reason = within(dialog).getByLabelText(/Reason/) as HTMLInputElement;
    // The database name alone is not enough: no reason yet.
    expect(apply.disabled).toBe(true);
    expect(within(dialog).getByText(/at least 3 characters/)).toBeTruthy();
    expect(reason.getAttribute('aria-invalid')).toBe('true');
    for (const tooShort of ['—', 'ab', ' a  b ']) {
      await user.clear(reason);
      await user.type(reason, tooShort);
      expect(apply.disabled, JSON.stringify(tooShort)).toBe(true);
    }
    await user.click(apply);
    expect(fake.callsOf('maintenance.cleanup.apply')).toEqual([]);

    await user.clear(reason);
    await user.type(reason, 'INC');
    expect(apply.disabled).toBe(false);
    expect(within(dialog).queryByText(/at least 3 characters/)).toBeNull();
    await user.click(apply);
    await screen.findByRole('status', { name: 'Cleanup result' });
    expect(fake.callsOf('maintenance.cleanup.apply')).toEqual([{ confirm: DATABASE, reason: 'INC' }]);

    // Retry and reset ask the same.
    await user.click(screen.getByRole('button', { name: /^Retry/ }));
    const retry = screen.getByRole('dialog');
    const retryButton = within(retry).getAllByRole('button').at(-1) as HTMLButtonElement;
    expect(retryButton.disabled).toBe(true);
    await user.type(within(retry).getByLabelText(/Reason/), 'x y');
    expect(retryButton.disabled).toBe(true);
    await user.type(within(retry).getByLabelText(/Reason/), ' z');
    expect(retryButton.disabled).toBe(false);
  });

  it('refuses to apply on a read-only profile, saying why', async () => {
    const fake = createInMemoryApi({ connection: 'read-only' });
    renderPage(fake);
    await screen.findByRole('table', { name: 'Cleanup rules' });

    const apply = within(ruleRow('booking-finished')).getByRole('button', { name: /^Apply/ }) as HTMLButtonElement;
    await waitFor(() => expect(apply.textContent).toContain("Profile 'production' is read-only."));
    expect(apply.disabled).toBe(true);
    const all = screen.getByRole('button', { name: /^Apply all/ }) as HTMLButtonElement;
    expect(all.disabled).toBe(true);
    expect((screen.getByRole('button', { name: /^Retry/ }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: /^Reset/ }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('reports the integrity check as pass or fail', async () => {
    const fake = createInMemoryApi();
    const user = renderPage(fake);
    await waitForRules();

    await user.click(screen.getByRole('button', { name: 'Check integrity' }));
    const summary = await screen.findByTestId('integrity-summary');
    expect(summary.textContent).toMatch(/^Failed: \d+ rules of 11 find rows to fix/);
    expect(within(summary).getByText(/Pooled but booking finished: \d+ rows/)).toBeTruthy();
  });

  it('retries failed entries under the chosen max attempts, previewing the count and ids by the retry\'s own condition', async () => {
    const fake = createInMemoryApi();
    const stats = computeStats(fake.model, 3600, 4);
    const retriable = fake.model.entries.filter((e) => e.status === 'failed' && e.attempts < 4).map((e) => e.bookingId).sort((a, b) => a - b);
    expect(retriable.length).toBeGreaterThan(0);
    // The preview's condition is the complement of the stats' failed-at-max among failed entries.
    expect(retriable.length).toBe(stats.byStatus.failed - stats.failedAtMaxAttempts);
    const user = renderPage(fake);
    await waitForRules();

    const input = screen.getByLabelText('Max attempts');
    await user.clear(input);
    await user.type(input, '4');
    await waitFor(() => expect(screen.getByTestId('retry-preview').textContent).toContain(`stay failed at or over 4 attempts: ${stats.failedAtMaxAttempts}`));
    expect(screen.getByTestId('retry-preview').textContent).toContain(`Would go back to waiting (fewer than 4 attempts): ${retriable.length}`);
    expect(within(screen.getByTestId('retry-preview')).getByTestId('sample-ids').textContent).toContain(retriable.slice(0, 20).join(', '));
    expect(fake.callsOf('maintenance.retryFailed.preview')).toContainEqual({ maxAttempts: 4 });
    expect(fake.callsOf('pool.stats')).toEqual([]);

    await user.click(screen.getByRole('button', { name: `Retry ${retriable.length} entries` }));
    const dialog = screen.getByRole('dialog', { name: 'Retry failed entries' });
    expect(within(dialog).getByText(DATABASE)).toBeTruthy();
    expect(within(dialog).getByText(String(retriable.length), { selector: 'strong' })).toBeTruthy();
    await user.type(within(dialog).getByLabelText(/Reason/), 'interpreter service back');
    await user.click(within(dialog).getByRole('button', { name: 'Retry' }));

    const result = await screen.findByRole('status', { name: 'Retry result' });
    expect(result.textContent).toContain(`${retriable.length} failed entries sent back to waiting`);
    expect(fake.callsOf('maintenance.retryFailed')).toEqual([{ maxAttempts: 4, reason: 'interpreter service back' }]);
    // Counted again after the retry.
    await waitFor(() => expect(screen.getByTestId('retry-preview').textContent).toContain('Would go back to waiting (fewer than 4 attempts): 0'));
  });

  it('cancels a running retry from beside its progress: the call is aborted, and the back\'s CANCELLED answer shows as a neutral notice', async () => {
    const fake = createInMemoryApi();
    const user = renderPage(fake);
    await waitForRules();
    const retry = await waitFor(() => {
      const button = screen.getByRole('region', { name: 'Retry failed entries' }).querySelector<HTMLButtonElement>('button.primary')!;
      expect(button.disabled).toBe(false);
      return button;
    });
    await user.click(retry);
    const dialog = screen.getByRole('dialog', { name: 'Retry failed entries' });
    await user.type(within(dialog).getByLabelText(/Reason/), 'interpreter service back');
    fake.hold('maintenance.retryFailed');
    await user.click(within(dialog).getByRole('button', { name: 'Retry' }));

    const section = screen.getByRole('region', { name: 'Retry failed entries' });
    const progress = await within(section).findByText('Retrying failed entries…');
    expect(fake.cancels).toEqual([]);
    await user.click(within(progress.closest('.notice-progress') as HTMLElement).getByRole('button', { name: 'Cancel' }));

    expect(fake.cancels).toEqual(['maintenance.retryFailed']);
    const cancelled = await within(section).findByRole('status', { name: 'Cancelled' });
    expect(cancelled.textContent).toMatch(/^Cancelled: 'maintenance.retryFailed' was cancelled after 0 of its rows/);
    // Neutral, not a failure: no alert, no "The retry stopped".
    expect(within(section).queryByRole('alert')).toBeNull();
    expect(within(section).queryByText('The retry stopped')).toBeNull();
    // The progress and its Cancel are gone; the write can be started again.
    expect(within(section).queryByRole('button', { name: 'Cancel' })).toBeNull();
    await waitFor(() => expect(retry.disabled).toBe(false));
  });

  it('resets stuck processing older than the chosen minutes, previewing the expired leases by the reset\'s own condition', async () => {
    const fake = createInMemoryApi();
    const stuck = computeStats(fake.model, 90 * 60, 3).expiredLeases;
    expect(stuck).toBeGreaterThan(0);
    const user = renderPage(fake);
    await waitForRules();

    const input = screen.getByLabelText('Lease older than (minutes)');
    await user.clear(input);
    await user.type(input, '90');
    await waitFor(() => expect(screen.getByTestId('reset-preview').textContent).toContain(`Expired leases now: ${stuck}`));
    // The condition in words: an entry with no claim time is not said to hold an old lease.
    expect(screen.getByTestId('reset-preview').textContent).toContain('processing entries claimed more than 5400 s ago, or with no claim time');
    expect(screen.getByTestId('reset-preview').textContent).toMatch(/Stuck processing, meeting ahead.*counts fewer/);
    expect(fake.callsOf('maintenance.resetStuck.preview')).toContainEqual({ olderThanSeconds: 5400 });

    await user.click(screen.getByRole('button', { name: `Reset ${stuck} entries` }));
    const dialog = screen.getByRole('dialog', { name: 'Reset stuck processing' });
    expect(within(dialog).getByText(DATABASE)).toBeTruthy();
    await user.type(within(dialog).getByLabelText(/Reason/), 'workers restarted');
    const release = fake.hold('maintenance.resetStuck');
    await user.click(within(dialog).getByRole('button', { name: 'Reset' }));
    expect(await screen.findByText('Resetting stuck leases…')).toBeTruthy();
    release();

    const result = await screen.findByRole('status', { name: 'Reset result' });
    expect(result.textContent).toContain(`${stuck} stuck entries released back to waiting`);
    expect(fake.callsOf('maintenance.resetStuck')).toEqual([{ olderThanSeconds: 5400, reason: 'workers restarted' }]);
  });

  it('shows the health model with the same expired-lease count as the Reset card, and re-reads it after a write', async () => {
    const fake = createInMemoryApi();
    const stuck = computeStats(fake.model, 3600, 3).expiredLeases;
    expect(stuck).toBeGreaterThan(0);
    renderPage(fake);
    await waitForRules();
    const banner = await screen.findByTestId('health-banner');
    const finding = banner.querySelector('[data-code="expired-leases"]');
    expect(finding?.textContent).toContain(String(stuck));
    await waitFor(() => expect(screen.getByTestId('reset-preview').textContent).toContain(`Expired leases now: ${stuck}`));
  });

  it('before the migrations, judges stuck entries by entry time and says so', async () => {
    // A frozen clock: entries sit at whole hours from the seed time, so a second passing could move one across the timeout.
    const seededAt = new Date();
    const fake = createInMemoryApi({ preMigration: true, now: () => seededAt });
    const stuck = computeStats(fake.model, 3600, 3).expiredLeases;
    renderPage(fake);
    await waitForRules();
    await waitFor(() => expect(screen.getByTestId('reset-preview').textContent).toContain(`Expired leases now: ${stuck}`));
    expect(screen.getByTestId('reset-preview').textContent).toContain('judged by entry time');
  });

  it('before the migrations, the integrity report says how stuck entries were judged', async () => {
    const fake = createInMemoryApi({ preMigration: true });
    const user = renderPage(fake);
    await waitForRules();
    await user.click(screen.getByRole('button', { name: 'Check integrity' }));
    const note = await screen.findByTestId('integrity-unavailable');
    expect(note.textContent).toMatch(/judged by entry time; run `pool-console migrate up`/);
  });

  it('says what a bad number means and does not offer the action', async () => {
    const fake = createInMemoryApi();
    const user = renderPage(fake);
    await waitForRules();

    const input = screen.getByLabelText('Max attempts');
    await user.clear(input);
    await user.type(input, '0');
    expect(screen.getByText('Max attempts is a whole number from 1 to 100.')).toBeTruthy();
    expect((screen.getByRole('button', { name: /^Retry/ }) as HTMLButtonElement).disabled).toBe(true);
  });
});
