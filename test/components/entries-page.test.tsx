import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntriesPage } from '../../src/renderer/pages/EntriesPage';
import { renderInConsole } from './render-in-console';
import { createInMemoryApi, type InMemoryApi } from '../fakes/in-memory-api';

const DATABASE = 'booking_staging';
/** The fake seeds 200 pooled entries, 100001–100200 in entry order; every tenth (100010, 100020, …) is failed. */
const FAILED_ID = 100_010;
const PROCESSING_ID = 100_008;

// jsdom lays nothing out, so the virtualiser would see a 0 px tall scroller and render no row.
// Give the entries scroller a height; every row is a fixed 32 px, so about 20 rows are in view.
const SCROLLER_HEIGHT = 640;
const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset.testid === 'entries-scroll' ? SCROLLER_HEIGHT : 0;
    },
  });
});
afterAll(() => {
  if (clientHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight);
});

function renderPage(fake: InMemoryApi, state?: Record<string, unknown>) {
  return renderInConsole(fake.api, <EntriesPage navigate={() => {}} state={state} />);
}

/** The table's data rows in view (spacer rows are hidden from the accessibility tree). */
const shownRows = () => within(screen.getByTestId('entries-scroll')).queryAllByRole('row').slice(1);
const rowOf = (bookingId: number) => within(screen.getByTestId('entries-scroll')).getByRole('row', { name: new RegExp(`^${bookingId} `) });
const lastListCall = (fake: InMemoryApi) => fake.callsOf('entries.list').at(-1);

async function openDrawer(user: ReturnType<typeof renderPage>, bookingId: number) {
  await user.click(await waitFor(() => rowOf(bookingId)));
  const drawer = await screen.findByRole('complementary', { name: `Booking ${bookingId}` });
  await within(drawer).findByRole('region', { name: 'Pool entry' });
  return drawer;
}

describe('Entries page: table, filters, paging', () => {
  it('shows the first page with every column, rendering only the rows in view', async () => {
    const fake = createInMemoryApi();
    renderPage(fake);
    await screen.findByText(/^200 entries loaded/);
    expect(fake.callsOf('entries.list')).toEqual([{ limit: 200 }]);

    const header = within(screen.getByTestId('entries-scroll')).getAllByRole('columnheader').map((cell) => cell.textContent);
    expect(header).toEqual(['Booking', 'Status', 'Mode', 'Meeting type', 'Meeting start', 'Deadline', 'Entered', 'Attempts', 'Lease', 'Last error']);
    const failed = within(rowOf(FAILED_ID)).getAllByRole('cell').map((cell) => cell.textContent);
    expect(failed[0]).toBe(String(FAILED_ID));
    expect(failed[1]).toBe('failed');
    expect(failed[7]).toBe('2'); // attempts
    expect(failed[9]).toBe('interpreter service timed out');
    const processing = within(rowOf(PROCESSING_ID)).getAllByRole('cell').map((cell) => cell.textContent);
    expect(processing[8]).toMatch(/^worker-\d · \d+ [smhd]/); // lease owner and age

    // Virtualised: the 200 loaded entries are not all in the document.
    const shown = shownRows().length;
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(200);
    expect(within(screen.getByTestId('entries-scroll')).queryByRole('row', { name: /^100200 / })).toBeNull();
  });

  it('marks entries past their deadline as overdue', async () => {
    const fake = createInMemoryApi();
    const entry = (id: number) => fake.model.entries.find((candidate) => candidate.bookingId === id)!;
    Object.assign(entry(100_002), { status: 'waiting', deadlineTime: new Date(Date.now() - 3_600_000) });
    Object.assign(entry(100_003), { status: 'waiting', deadlineTime: new Date(Date.now() + 3_600_000) });
    // Being processed, it is not overdue whatever its deadline.
    Object.assign(entry(100_004), { status: 'processing', deadlineTime: new Date(Date.now() - 3_600_000) });
    renderPage(fake);
    await screen.findByText(/^200 entries loaded/);
    expect(within(rowOf(100_002)).getByText('overdue')).toBeTruthy();
    expect(within(rowOf(100_003)).queryByText('overdue')).toBeNull();
    expect(within(rowOf(100_004)).queryByText('overdue')).toBeNull();
  });

  it('sends each filter to entries.list and shows only what matches', async () => {
    const fake = createInMemoryApi();
    const user = renderPage(fake);
    await screen.findByText(/^200 entries loaded/);

    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'failed');
    await screen.findByText(/^20 entries loaded of 20 matching · status failed/);
    expect(lastListCall(fake)).toEqual({ status: 'failed', limit: 200 });
    expect(shownRows().every((row) => within(row).queryByText('failed'))).toBe(true);

    await user.selectOptions(screen.getByRole('combobox', { name: 'Mode' }), 'URGENT');
    await waitFor(() => expect(lastListCall(fake)).toEqual({ status: 'failed', mode: 'URGENT', limit: 200 }));

    await user.click(screen.getByRole('checkbox', { name: 'Overdue only' }));
    await waitFor(() => expect(lastListCall(fake)).toEqual({ status: 'failed', mode: 'URGENT', overdue: true, limit: 200 }));

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await screen.findByText(/^200 entries loaded/);
    expect(lastListCall(fake)).toEqual({ limit: 200 });

    await user.type(screen.getByRole('textbox', { name: 'Booking id' }), '100042{Enter}');
    await screen.findByText(/^1 entry loaded of 1 matching · booking 100042/);
    expect(lastListCall(fake)).toEqual({ bookingId: 100_042, limit: 200 });
    expect(shownRows()).toHaveLength(1);

    // A malformed id is refused on the page, not sent.
    const before = fake.callsOf('entries.list').length;
    await user.clear(screen.getByRole('textbox', { name: 'Booking id' }));
    await user.type(screen.getByRole('textbox', { name: 'Booking id' }), '12x{Enter}');
    expect(screen.getByText(/A booking id is a whole number/)).toBeTruthy();
    expect(fake.callsOf('entries.list')).toHaveLength(before);
  });

  it('applies the filters handed over by the Overview', async () => {
    const failed = createInMemoryApi();
    renderPage(failed, { status: 'failed' });
    await screen.findByText(/^20 entries loaded of 20 matching · status failed/);
    expect(failed.callsOf('entries.list')).toEqual([{ status: 'failed', limit: 200 }]);
    expect((screen.getByRole('combobox', { name: 'Status' }) as HTMLSelectElement).value).toBe('failed');
  });

  it('applies an overdue hand-over and drops what it does not know', async () => {
    const fake = createInMemoryApi();
    renderPage(fake, { overdue: true, status: 'nonsense', window: '5m' });
    await screen.findByText(/entr(y|ies) loaded of \d+ matching · overdue/);
    expect(fake.callsOf('entries.list')).toEqual([{ overdue: true, limit: 200 }]);
    expect((screen.getByRole('checkbox', { name: 'Overdue only' }) as HTMLInputElement).checked).toBe(true);
    for (const row of shownRows()) expect(within(row).getByText('overdue')).toBeTruthy();
  });

  it('says how many entries the filters match: exact, or "≥ N" where the back stopped counting', async () => {
    const fake = createInMemoryApi();
    const user = renderPage(fake);
    await screen.findByText(/^200 entries loaded of 200 matching · in entry order/);
    await user.selectOptions(screen.getByLabelText('Status'), 'failed');
    await screen.findByText(/^20 entries loaded of 20 matching · status failed/);
  });

  it('says "≥" the bound when more entries match than the back counts', async () => {
    const fake = createInMemoryApi({ entryCountBound: 220 });
    const last = fake.model.entries.at(-1)!;
    for (let i = 1; i <= 50; i += 1) {
      fake.model.entries.push({ ...last, bookingId: 300_000 + i, entryTime: new Date(last.entryTime!.getTime() + i * 1000), status: 'waiting' });
    }
    const user = renderPage(fake);
    await screen.findByText(/^200 entries loaded of ≥ 220 matching/);
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    // What is loaded is itself a lower bound.
    await screen.findByText(/^250 entries loaded of ≥ 250 matching/);
  });

  it('loads more from the next cursor, appending the page, and scrolls to it', async () => {
    const fake = createInMemoryApi();
    const last = fake.model.entries.at(-1)!;
    for (let i = 1; i <= 50; i += 1) {
      fake.model.entries.push({ ...last, bookingId: 300_000 + i, entryTime: new Date(last.entryTime!.getTime() + i * 1000), status: 'waiting' });
    }
    const user = renderPage(fake);
    await screen.findByText(/^200 entries loaded of 250 matching/);

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByText(/^250 entries loaded of 250 matching ·/);
    const calls = fake.callsOf('entries.list');
    expect(calls).toHaveLength(2);
    const lastOfFirstPage = fake.model.entries.find((entry) => entry.bookingId === 100_200)!;
    expect(calls[1]).toEqual({ after: { entryTime: lastOfFirstPage.entryTime, bookingId: 100_200 }, limit: 200 });
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(screen.getByText('End of the list.')).toBeTruthy();

    // The appended rows are reached by scrolling (the first ones leave the document).
    const scroller = screen.getByTestId('entries-scroll');
    scroller.scrollTop = 250 * 32;
    fireEvent.scroll(scroller);
    await waitFor(() => expect(rowOf(300_050)).toBeTruthy());
    expect(within(scroller).queryByRole('row', { name: /^100001 / })).toBeNull();
  });

  it('shows the error envelope and what to do when the list cannot be read', async () => {
    const fake = createInMemoryApi();
    fake.failNext('entries.list', 'TIMEOUT', 'Query pool.entries took longer than 5000 ms.');
    renderPage(fake);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not read the pool entries');
    expect(alert.textContent).toContain('Query pool.entries took longer than 5000 ms.');
    expect(alert.textContent).toContain('wait a moment and try again');
  });
});

describe('Entries page: detail drawer and row actions', () => {
  it('opens the detail of a row: booking, pool fields, lease, last error and audit trail', async () => {
    const fake = createInMemoryApi();
    fake.model.audit.push({
      auditId: 500, time: new Date(), actor: 'alice@ops-laptop', action: 'entry.retry', bookingId: FAILED_ID, parameters: { bookingId: FAILED_ID },
      affectedRows: 1, outcome: 'ok', reason: 'interpreter service back up', consoleVersion: '0.1.0',
    });
    const user = renderPage(fake);
    await screen.findByText(/^200 entries loaded/);
    const drawer = await openDrawer(user, FAILED_ID);
    expect(fake.callsOf('entries.detail')).toEqual([{ bookingId: FAILED_ID }]);

    const booking = fake.model.bookings.find((candidate) => candidate.bookingId === FAILED_ID)!;
    const summary = within(drawer).getByRole('region', { name: 'Booking' });
    expect(summary.textContent).toContain(booking.ownerEmpCode);
    expect(summary.textContent).toContain(booking.meetingRoom);
    const pool = within(drawer).getByRole('region', { name: 'Pool entry' });
    expect(within(pool).getByText('failed')).toBeTruthy();
    expect(pool.textContent).toContain('Attempts2');
    expect(pool.textContent).toContain('Leasenone');
    expect(within(pool).getByText('interpreter service timed out')).toBeTruthy();
    const trail = within(drawer).getByRole('region', { name: 'Audit trail' });
    expect(within(trail).getByText('interpreter service back up')).toBeTruthy();
    expect(within(trail).getByText('alice@ops-laptop')).toBeTruthy();

    // The lease of a processing entry: its worker and since when.
    await user.click(within(drawer).getByRole('button', { name: 'Close details' }));
    const processing = await openDrawer(user, PROCESSING_ID);
    expect(within(processing).getByRole('region', { name: 'Pool entry' }).textContent).toMatch(/Leaseworker-\d since .* UTC \(\d+ [smhd].*\)/);
  });

  it('retries a failed entry after a confirmation naming the database and 1 row, then shows the result and refreshes', async () => {
    const fake = createInMemoryApi();
    const user = renderPage(fake);
    await screen.findByText(/^200 entries loaded/);
    const drawer = await openDrawer(user, FAILED_ID);

    // Only retry and remove apply to a failed entry.
    const retry = await waitFor(() => {
      const button = within(drawer).getByRole('button', { name: 'Retry' }) as HTMLButtonElement;
      expect(button.disabled).toBe(false);
      return button;
    });
    expect((within(drawer).getByRole('button', { name: 'Reset lease' }) as HTMLButtonElement).disabled).toBe(true);
    expect(within(drawer).getByRole('button', { name: 'Reset lease' }).title).toBe('Only a processing entry has a lease to reset.');

    await user.click(retry);
    const dialog = screen.getByRole('dialog', { name: `Retry: booking ${FAILED_ID}` });
    expect(dialog.textContent).toContain(DATABASE);
    expect(dialog.textContent).toContain('1 row');
    expect(fake.callsOf('entries.retry')).toEqual([]);
    const listsBefore = fake.callsOf('entries.list').length;

    await user.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'interpreter service restored');
    await user.click(within(dialog).getByRole('button', { name: 'Retry' }));

    await within(drawer).findByText(`Booking ${FAILED_ID} is waiting again.`);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fake.callsOf('entries.retry')).toEqual([{ bookingId: FAILED_ID, reason: 'interpreter service restored' }]);
    // Drawer and table refreshed.
    await waitFor(() => expect(within(within(drawer).getByRole('region', { name: 'Pool entry' })).getByText('waiting')).toBeTruthy());
    await waitFor(() => expect(within(within(drawer).getByRole('region', { name: 'Audit trail' })).getByText('interpreter service restored')).toBeTruthy());
    expect(fake.callsOf('entries.list').length).toBeGreaterThan(listsBefore);
    await waitFor(() => expect(within(rowOf(FAILED_ID)).getByText('waiting')).toBeTruthy());
    expect((within(drawer).getByRole('button', { name: 'Retry' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('cancelling the confirmation changes nothing', async () => {
    const fake = createInMemoryApi();
    const user = renderPage(fake);
    await screen.findByText(/^200 entries loaded/);
    const drawer = await openDrawer(user, PROCESSING_ID);
    const reset = await waitFor(() => {
      const button = within(drawer).getByRole('button', { name: 'Reset lease' }) as HTMLButtonElement;
      expect(button.disabled).toBe(false);
      return button;
    });
    expect((within(drawer).getByRole('button', { name: 'Retry' }) as HTMLButtonElement).disabled).toBe(true);
    await user.click(reset);
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fake.callsOf('entries.reset')).toEqual([]);
  });

  it('removes an entry from the pool and says so when the table no longer has it', async () => {
    const fake = createInMemoryApi();
    const user = renderPage(fake);
    await screen.findByText(/^200 entries loaded/);
    const drawer = await openDrawer(user, 100_003);
    const remove = await waitFor(() => {
      const button = within(drawer).getByRole('button', { name: 'Remove from pool' }) as HTMLButtonElement;
      expect(button.disabled).toBe(false);
      return button;
    });
    await user.click(remove);
    const dialog = screen.getByRole('dialog', { name: 'Remove from pool: booking 100003' });
    expect(dialog.textContent).toContain(DATABASE);
    const confirm = within(dialog).getByRole('button', { name: 'Remove from pool' }) as HTMLButtonElement;
    // No reason, no removal: the button waits for one, and says what it needs.
    expect(confirm.disabled).toBe(true);
    expect(within(dialog).getByText(/at least 3 characters/)).toBeTruthy();
    await user.type(within(dialog).getByRole('textbox', { name: /Reason/ }), ' - ');
    expect(confirm.disabled).toBe(true);
    await user.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'duplicate booking');
    expect(confirm.disabled).toBe(false);
    await user.click(confirm);
    await within(drawer).findByText('Booking 100003 removed from the pool.');
    expect(fake.callsOf('entries.remove')).toEqual([{ bookingId: 100_003, reason: '- duplicate booking' }]);
    await within(drawer).findByText('Not in the pool.');
    await screen.findByText(/^199 entries loaded/);
  });

  it('in a read-only profile the actions are disabled, say why, and never reach the api', async () => {
    const fake = createInMemoryApi({ connection: 'read-only' });
    const user = renderPage(fake);
    await screen.findByText(/^200 entries loaded/);
    const drawer = await openDrawer(user, FAILED_ID);

    for (const name of ['Retry', 'Reset lease', 'Remove from pool']) {
      const button = await within(drawer).findByRole('button', { name: new RegExp(`^${name}\\s*— Profile 'production' is read-only\\.$`) });
      expect((button as HTMLButtonElement).disabled).toBe(true);
      expect(button.title).toBe("Profile 'production' is read-only.");
      await user.click(button);
    }
    expect(screen.queryByRole('dialog')).toBeNull();
    expect([...fake.callsOf('entries.retry'), ...fake.callsOf('entries.reset'), ...fake.callsOf('entries.remove')]).toEqual([]);
  });

  it('shows a refused write with the message and what to do', async () => {
    const fake = createInMemoryApi();
    const user = renderPage(fake);
    await screen.findByText(/^200 entries loaded/);
    const drawer = await openDrawer(user, FAILED_ID);
    fake.failNext('entries.retry', 'CONFLICT', 'Booking 100010 changed while retrying.');
    await user.click(await waitFor(() => {
      const button = within(drawer).getByRole('button', { name: 'Retry' }) as HTMLButtonElement;
      expect(button.disabled).toBe(false);
      return button;
    }));
    await user.type(within(screen.getByRole('dialog')).getByRole('textbox', { name: /Reason/ }), 'INC-5');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Retry' }));
    const alert = await within(drawer).findByRole('alert');
    expect(alert.textContent).toContain('Booking 100010 changed while retrying.');
    expect(alert.textContent).toContain('refresh and try again');
  });
});
