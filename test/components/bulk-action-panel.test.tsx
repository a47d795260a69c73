import { screen, waitFor, within } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntriesPage } from '../../src/renderer/pages/EntriesPage';
import { renderInConsole } from './render-in-console';
import { createInMemoryApi, type InMemoryApi } from '../fakes/in-memory-api';

/* The Entries page's bulk action: on the page's own filter, previewed, confirmed with a reason, applied with progress and Cancel. */

const DATABASE = 'booking_staging';

// jsdom lays nothing out; give the entries scroller a height so the virtualiser renders rows (as entries-page.test.tsx does).
const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset.testid === 'entries-scroll' ? 640 : 0;
    },
  });
});
afterAll(() => {
  if (clientHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight);
});

const failedIds = (fake: InMemoryApi) => fake.model.entries.filter((e) => e.status === 'failed').map((e) => e.bookingId).sort((a, b) => a - b);

async function openPanel(fake: InMemoryApi, state?: Record<string, unknown>) {
  const user = renderInConsole(fake.api, <EntriesPage navigate={() => {}} state={state} />);
  await user.click(await screen.findByRole('button', { name: 'Act on all matching…' }));
  const panel = await screen.findByRole('region', { name: 'Act on every matching entry' });
  return { user, panel };
}

describe('Entries page: bulk action on the current filter', () => {
  it('previews the filter (count, live leases skipped, first rows, the condition), then retries them with a reason', async () => {
    const fake = createInMemoryApi();
    const failed = failedIds(fake);
    const { user, panel } = await openPanel(fake, { status: 'failed' });

    const preview = await within(panel).findByTestId('bulk-preview');
    expect(preview.textContent).toContain(`Would change ${failed.length} of ${failed.length} matching entries now (at most 5,000 per run)`);
    expect(preview.textContent).toContain('skipped under a live lease: 0');
    expect(within(preview).getByTestId('bulk-condition').textContent).toMatch(/^failed entries: /);
    const sample = within(preview).getByRole('table', { name: 'First entries it changes' });
    expect(within(sample).getAllByRole('row').slice(1).map((row) => Number(row.firstChild?.textContent))).toEqual(failed.slice(0, 20));
    expect(fake.callsOf('entries.bulk.preview').at(-1)).toEqual({ action: 'retry', match: { status: 'failed' }, cap: 5000, leaseSeconds: 3600 });

    await user.click(within(panel).getByRole('button', { name: `Retry ${failed.length} entries` }));
    const dialog = screen.getByRole('dialog', { name: `Retry: ${failed.length} entries` });
    const confirm = within(dialog).getByRole('button', { name: 'Retry' });
    expect((confirm as HTMLButtonElement).disabled).toBe(true); // no reason yet
    await user.type(within(dialog).getByRole('textbox'), 'INC-42 interpreter API back');
    await user.click(confirm);

    const result = await within(panel).findByRole('status', { name: 'Bulk action result' });
    expect(result.textContent).toBe(`Retry: ${failed.length} entries changed on ${DATABASE}.`);
    expect(fake.callsOf('entries.bulk.apply')).toEqual([{ action: 'retry', match: { status: 'failed' }, cap: 5000, leaseSeconds: 3600, reason: 'INC-42 interpreter API back' }]);
    expect(failedIds(fake)).toEqual([]);
    expect(fake.model.audit.at(-1)).toMatchObject({ action: 'entries.bulk.retry', affectedRows: failed.length, reason: 'INC-42 interpreter API back' });
    // the list and the preview count again: nothing failed is left
    await screen.findByText('No pool entries match these filters.');
    await waitFor(() => expect(within(panel).getByTestId('bulk-preview').textContent).toContain('Would change 0 of 0 matching entries'));
    expect((within(panel).getByRole('button', { name: /^Retry 0 entries/ }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('takes the cap and the live-lease seconds, and a set-deadline only with a deadline', async () => {
    const fake = createInMemoryApi();
    const { user, panel } = await openPanel(fake, { mode: 'URGENT' });
    await within(panel).findByTestId('bulk-preview');
    await user.selectOptions(within(panel).getByRole('combobox'), 'set-deadline');
    expect(within(panel).getByText('Type the new deadline in UTC, e.g. 2026-12-24T09:00.')).toBeTruthy();
    expect((within(panel).getByRole('button', { name: /^Set deadline/ }) as HTMLButtonElement).disabled).toBe(true);
    await user.type(within(panel).getByRole('textbox', { name: 'New deadline (UTC)' }), '2031-01-02T03:04');
    const cap = within(panel).getByRole('textbox', { name: /At most/ });
    await user.clear(cap);
    await user.type(cap, '3');
    await waitFor(() =>
      expect(fake.callsOf('entries.bulk.preview').at(-1)).toEqual({ action: 'set-deadline', match: { mode: 'URGENT' }, cap: 3, leaseSeconds: 3600, deadline: new Date('2031-01-02T03:04:00Z') }),
    );
    await waitFor(() => expect(within(panel).getByTestId('bulk-preview').textContent).toMatch(/Would change 3 of \d+ matching entries now \(at most 3 per run\)/));
    await user.clear(cap);
    await user.type(cap, '0');
    expect(within(panel).getByText('At most is a whole number from 1 to 50,000.')).toBeTruthy();
  });

  it('Cancel while it runs: the call is cancelled and the panel says so', async () => {
    const fake = createInMemoryApi();
    const before = failedIds(fake);
    const { user, panel } = await openPanel(fake, { status: 'failed' });
    await within(panel).findByTestId('bulk-preview');
    await user.click(within(panel).getByRole('button', { name: `Retry ${before.length} entries` }));
    const dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByRole('textbox'), 'INC-7');
    fake.hold('entries.bulk.apply');
    await user.click(within(dialog).getByRole('button', { name: 'Retry' }));
    const progress = await within(panel).findByText('retry: applying…');
    await user.click(within(progress.closest('.notice-progress') as HTMLElement).getByRole('button', { name: 'Cancel' }));
    expect(fake.cancels).toEqual(['entries.bulk.apply']);
    expect((await within(panel).findByRole('status', { name: 'Cancelled' })).textContent).toMatch(/^Cancelled: /);
    expect(failedIds(fake)).toEqual(before);
  });

  it('remove asks for the database name as well as the reason', async () => {
    const fake = createInMemoryApi();
    const { user, panel } = await openPanel(fake, { status: 'ready' });
    await within(panel).findByTestId('bulk-preview');
    await user.selectOptions(within(panel).getByRole('combobox'), 'remove');
    const button = await within(panel).findByRole('button', { name: /^Remove from pool \d+ entr/ });
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    await user.click(button);
    const dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'INC-9 cleanup');
    const confirm = within(dialog).getByRole('button', { name: 'Remove from pool' });
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    await user.type(within(dialog).getByRole('textbox', { name: 'database name' }), DATABASE);
    await user.click(confirm);
    await within(panel).findByRole('status', { name: 'Bulk action result' });
    expect(fake.model.entries.filter((e) => e.status === 'ready')).toEqual([]);
  });
});
