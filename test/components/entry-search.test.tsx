import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import { EntriesPage } from '../../src/renderer/pages/EntriesPage';
import { renderInConsole } from './render-in-console';
import { createInMemoryApi, type InMemoryApi } from '../fakes/in-memory-api';

/*
 * The Entries search in the page: each new field reaches entries.list as the contract names it,
 * a bad value is refused on the page (nothing sent), and the filters round-trip through the
 * address: copied, then opened in a fresh console, they come back; a broken link says why.
 */

const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
beforeAll(() => {
  // jsdom lays nothing out: give the entries scroller a height so the virtual table renders rows.
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
afterEach(() => window.history.replaceState(null, '', '/'));

const lastListCall = (fake: InMemoryApi) => fake.callsOf('entries.list').at(-1);
const box = (name: string) => screen.getByRole('textbox', { name });
const shownIds = () =>
  within(screen.getByTestId('entries-scroll'))
    .queryAllByRole('row')
    .slice(1)
    .map((row) => Number((row as HTMLTableRowElement).cells[0]?.textContent));

describe('Entries search', () => {
  it('sends owner, room, group, type, last error, attempts, windows and sort as the contract names them', async () => {
    const fake = createInMemoryApi();
    const user = renderInConsole(fake.api, <EntriesPage navigate={() => {}} />);
    await screen.findByText(/^200 entries loaded/);

    // The fake's owners are E1000–E1039 in turn: E1002 owns bookings 100003, 100043, … (5 pooled).
    await user.type(box('Owner'), 'E1002{Enter}');
    await screen.findByText(/^5 entries loaded of 5 matching · owner E1002/);
    expect(lastListCall(fake)).toEqual({ ownerEmpCode: 'E1002', limit: 200 });
    expect(shownIds()).toEqual([100_003, 100_043, 100_083, 100_123, 100_163]);

    await user.selectOptions(screen.getByRole('combobox', { name: 'Group' }), 'software');
    await waitFor(() => expect(lastListCall(fake)).toEqual({ ownerEmpCode: 'E1002', ownerGroup: 'software', limit: 200 }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Sort by' }), 'deadline');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Order' }), 'desc');
    await screen.findByText(/owner E1002, group software · in deadline order, descending/);
    expect(lastListCall(fake)).toEqual({ ownerEmpCode: 'E1002', ownerGroup: 'software', sort: 'deadline', order: 'desc', limit: 200 });
    const deadlines = shownIds().map((id) => fake.model.entries.find((entry) => entry.bookingId === id)!.deadlineTime!.getTime());
    expect(deadlines).toEqual([...deadlines].sort((a, b) => b - a));

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    // The deadline order leaves out the entry with no deadline (invalid data the cleanup finds).
    const withDeadline = fake.model.entries.filter((entry) => entry.deadlineTime !== null).length;
    await screen.findByText(new RegExp(`^${withDeadline} entries loaded of ${withDeadline} matching · in deadline order, descending`));
    // Clearing keeps the order (it is not a filter).
    expect(lastListCall(fake)).toEqual({ sort: 'deadline', order: 'desc', limit: 200 });

    await user.type(box('Room'), 'R3');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Meeting type' }), 'VIP');
    await user.type(box('Last error contains'), 'timed out');
    await user.type(box('Attempts ≥'), '1');
    await user.type(box('Attempts ≤'), '4');
    fireEvent.change(screen.getByLabelText('Meeting from (UTC)'), { target: { value: '2020-01-01T00:00' } });
    fireEvent.change(screen.getByLabelText('Deadline before (UTC)'), { target: { value: '2100-01-01T08:30' } });
    await user.click(screen.getByRole('button', { name: 'Find' }));
    await waitFor(() =>
      expect(lastListCall(fake)).toEqual({
        room: 'R3', meetingType: 'VIP', meetingFrom: '2020-01-01T00:00:00Z', deadlineTo: '2100-01-01T08:30:00Z',
        attemptsMin: 1, attemptsMax: 4, lastErrorContains: 'timed out', sort: 'deadline', order: 'desc', limit: 200,
      }),
    );
  });

  it('refuses a bad value or an upside-down window on the page, naming the field, and sends nothing', async () => {
    const fake = createInMemoryApi();
    const user = renderInConsole(fake.api, <EntriesPage navigate={() => {}} />);
    await screen.findByText(/^200 entries loaded/);
    const calls = fake.callsOf('entries.list').length;

    await user.type(box('Attempts ≥'), 'two{Enter}');
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Attempts at least: /);
    expect(box('Attempts ≥').getAttribute('aria-invalid')).toBe('true');
    await user.clear(box('Attempts ≥'));

    fireEvent.change(screen.getByLabelText('Meeting from (UTC)'), { target: { value: '2026-05-02T00:00' } });
    fireEvent.change(screen.getByLabelText('Meeting before (UTC)'), { target: { value: '2026-05-01T00:00' } });
    await user.click(screen.getByRole('button', { name: 'Find' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Meeting before: the meeting window ends before it starts.'));

    await user.type(box('Attempts ≤'), '1');
    await user.type(box('Attempts ≥'), '3{Enter}');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/ends before it starts|attemptsMax is below attemptsMin/));
    expect(fake.callsOf('entries.list')).toHaveLength(calls);
  });

  it('says when no index serves the filters: each page searches a window, Load more searches on', async () => {
    // Windows of 40 entries: type DR is every sixth entry (7 in the first window); no error text says "no such error".
    const fake = createInMemoryApi({ entryScanBound: 40 });
    const user = renderInConsole(fake.api, <EntriesPage navigate={() => {}} />);
    await screen.findByText(/^200 entries loaded/);
    expect(screen.queryByTestId('search-window')).toBeNull();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Meeting type' }), 'DR');
    await screen.findByText(/^7 entries loaded of ≥ 7 matching · type DR/);
    expect(screen.getByTestId('search-window').textContent).toMatch(/No index serves these filters: each page searches the next 40 entries/);
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByText(/^14 entries loaded of ≥ 14 matching/);

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await screen.findByText(/^200 entries loaded/);
    await user.type(box('Last error contains'), 'no such error{Enter}');
    await screen.findByText('No match among the entries searched so far: Load more searches on.');
    expect(screen.getByRole('button', { name: 'Load more' })).toBeTruthy();
  });

  it('puts the filters in the address; the copied link opens the same filter in a fresh console', async () => {
    const fake = createInMemoryApi({ liveTimer: false });
    const first = render(<App api={fake.api} initialPage="entries" />);
    // user-event puts a clipboard of its own on navigator: what the button copies can be read back.
    const user = userEvent.setup();
    await screen.findByText(/^200 entries loaded/);
    await user.type(box('Owner'), 'E1002');
    await user.type(box('Attempts ≤'), '0{Enter}');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Sort by' }), 'attempts');
    await screen.findByText(/owner E1002, attempts ≤ 0 · in order of attempts/);
    const input = { ownerEmpCode: 'E1002', attemptsMax: 0, sort: 'attempts', limit: 200 };
    expect(lastListCall(fake)).toEqual(input);
    expect(window.location.hash).toBe('#entries?ownerEmpCode=E1002&attemptsMax=0&sort=attempts');

    await user.click(screen.getByRole('button', { name: 'Copy link' }));
    await screen.findByText('Link copied');
    const copied = await navigator.clipboard.readText();
    expect(copied).toBe(window.location.href);
    first.unmount();

    // Another window: the same address, a console of its own.
    window.history.replaceState(null, '', new URL(copied).hash);
    const other = createInMemoryApi({ liveTimer: false });
    render(<App api={other.api} />);
    await screen.findByText(/owner E1002, attempts ≤ 0 · in order of attempts/);
    expect(other.callsOf('entries.list')).toEqual([input]);
    expect(box('Owner')).toHaveProperty('value', 'E1002');
    expect(box('Attempts ≤')).toHaveProperty('value', '0');
    expect(screen.getByRole('combobox', { name: 'Sort by' })).toHaveProperty('value', 'attempts');
  });

  it('a broken link says why and shows all entries', async () => {
    window.history.replaceState(null, '', '#entries?ownerEmpCode=E1&attemptsMin=lots');
    const fake = createInMemoryApi({ liveTimer: false });
    render(<App api={fake.api} />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/^This link's filter cannot be used: Attempts at least: .* Showing all entries instead\.$/);
    await screen.findByText(/^200 entries loaded/);
    expect(fake.callsOf('entries.list')).toEqual([{ limit: 200 }]);
    expect(window.location.hash).toBe('#entries');
  });
});
