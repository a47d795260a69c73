import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { WHAT_TO_DO } from '../../src/renderer/api/call-error';
import { MigrationsPage } from '../../src/renderer/pages/MigrationsPage';
import { renderInConsole } from './render-in-console';
import { createInMemoryApi, type InMemoryApi } from '../fakes/in-memory-api';

const DATABASE = 'booking_staging';

function renderPage(fake: InMemoryApi) {
  return renderInConsole(fake.api, <MigrationsPage navigate={() => {}} />);
}

const runUp = () => screen.getByRole('button', { name: /^Run up/ }) as HTMLButtonElement;
const runDown = () => screen.getByRole('button', { name: /^Run down/ }) as HTMLButtonElement;

async function waitForStatus() {
  await screen.findByRole('heading', { name: /^Applied/ });
  // The connection (and so the database name) arrives by its own call.
  await screen.findByText(DATABASE, { selector: '.page-title strong' });
}

describe('Migrations page: status, preview, run', () => {
  it('lists the applied and pending migrations, and the schema drift', async () => {
    const fake = createInMemoryApi({ pendingMigrations: 2 });
    renderPage(fake);
    await waitForStatus();

    const pending = screen.getByRole('table', { name: 'Pending migrations' });
    expect(within(pending).getByText('0003-pool-lease-columns')).toBeTruthy();
    expect(within(pending).getByText('0004-pool-indexes')).toBeTruthy();
    const applied = screen.getByRole('table', { name: 'Applied migrations' });
    expect(within(applied).getByText('0001-audit-log')).toBeTruthy();
    expect(within(applied).queryByText('0003-pool-lease-columns')).toBeNull();
    expect(screen.getByText(/Missing columns \(4\)/)).toBeTruthy();
    expect(screen.getByText('POOL_CLAIMED_AT')).toBeTruthy();
  });

  it('with the pool columns present but the lease columns pending, counts by status and names only the missing columns', async () => {
    const fake = createInMemoryApi({ pendingMigrations: 2 });
    renderPage(fake);
    await waitForStatus();
    expect(screen.getByRole('generic', { name: 'Entries by status' })).toBeTruthy();
    expect(screen.queryByText(/pool columns are missing/)).toBeNull();
    expect(screen.queryByText(/^Not counted/)).toBeNull();
  });

  it('without the pool columns, says which ones are missing instead of counting', async () => {
    const fake = createInMemoryApi({ pendingMigrations: 3 });
    renderPage(fake);
    await waitForStatus();
    expect(screen.getByText(/^Not counted: BOOKING_PLAN lacks the pool columns POOL_STATUS, POOL_ENTRY_TIME/)).toBeTruthy();
  });

  it('shows the SQL before running up, confirms with the database and count, streams progress, then refreshes', async () => {
    const fake = createInMemoryApi({ pendingMigrations: 2 });
    const user = renderPage(fake);
    await waitForStatus();

    // Running needs a preview first.
    expect(runUp().disabled).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Preview SQL' }));
    const preview = await screen.findByRole('list', { name: 'SQL preview' });
    expect(within(preview).getByText(/ALTER TABLE BOOKING_PLAN ADD \/\* 0003-pool-lease-columns/)).toBeTruthy();
    expect(within(preview).getByText(/ALTER TABLE BOOKING_PLAN ADD \/\* 0004-pool-indexes/)).toBeTruthy();
    expect(fake.callsOf('migrations.plan')).toEqual([{ direction: 'up' }]);
    expect(fake.callsOf('migrations.up')).toEqual([]);

    await user.click(runUp());
    const dialog = screen.getByRole('dialog', { name: 'Apply 2 migrations' });
    expect(within(dialog).getByText(DATABASE, { selector: 'p > strong:first-child' })).toBeTruthy();
    expect(within(dialog).getByText('2 migrations')).toBeTruthy();
    await user.type(within(dialog).getByLabelText(/Reason/), 'release 4.2');

    const release = fake.hold('migrations.up');
    await user.click(within(dialog).getByRole('button', { name: 'Apply' }));
    const lines = await screen.findByRole('list', { name: 'Migration progress' });
    await within(lines).findByText('up: 2 migration(s) to run');
    fake.emitProgress({ operation: 'migrations', message: 'up 0003-pool-lease-columns: adding the lease columns', done: 1, total: 2 });
    await within(lines).findByText('up 0003-pool-lease-columns: adding the lease columns');
    expect(runUp().disabled).toBe(true);

    release();
    expect(await screen.findByText('Applied 2 migrations: 0003-pool-lease-columns, 0004-pool-indexes.')).toBeTruthy();
    expect(fake.callsOf('migrations.up')).toEqual([{ reason: 'release 4.2' }]);
    // The status was read again: nothing pending now, four applied.
    expect(await screen.findByText(/Nothing pending/)).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Applied (4)' })).toBeTruthy();
    expect(fake.callsOf('migrations.status').length).toBeGreaterThanOrEqual(2);
  });

  it('cancels a running migration from beside its progress, and reads the status again', async () => {
    const fake = createInMemoryApi({ pendingMigrations: 2 });
    const user = renderPage(fake);
    await waitForStatus();
    await user.click(screen.getByRole('button', { name: 'Preview SQL' }));
    await screen.findByRole('list', { name: 'SQL preview' });
    await user.click(runUp());
    const dialog = screen.getByRole('dialog', { name: 'Apply 2 migrations' });
    await user.type(within(dialog).getByLabelText(/Reason/), 'release 4.2');
    fake.hold('migrations.up');
    await user.click(within(dialog).getByRole('button', { name: 'Apply' }));
    const lines = await screen.findByRole('list', { name: 'Migration progress' });
    await within(lines).findByText('up: 2 migration(s) to run');
    const statusReads = fake.callsOf('migrations.status').length;

    const run = screen.getByRole('region', { name: 'Run migrations' });
    await user.click(within(run).getByRole('button', { name: 'Cancel' }));
    expect(fake.cancels).toEqual(['migrations.up']);
    expect((await within(run).findByRole('status', { name: 'Cancelled' })).textContent).toContain("Cancelled: 'migrations.up' was cancelled");
    expect(within(run).queryByRole('alert')).toBeNull();
    // Stopped part-way, the schema may have changed: the status is read again.
    await waitFor(() => expect(fake.callsOf('migrations.status').length).toBeGreaterThan(statusReads));
  });

  it('runs up only to a chosen pending migration', async () => {
    const fake = createInMemoryApi({ pendingMigrations: 2 });
    const user = renderPage(fake);
    await waitForStatus();

    await user.selectOptions(screen.getByLabelText('How far'), '0003-pool-lease-columns');
    await user.click(screen.getByRole('button', { name: 'Preview SQL' }));
    const preview = await screen.findByRole('list', { name: 'SQL preview' });
    expect(within(preview).queryByText(/0004-pool-indexes/)).toBeNull();
    await user.click(runUp());
    const apply = within(screen.getByRole('dialog')).getByRole('button', { name: 'Apply' }) as HTMLButtonElement;
    expect(apply.disabled).toBe(true);
    await user.type(within(screen.getByRole('dialog')).getByLabelText(/Reason/), 'CHG-88');
    expect(apply.disabled).toBe(false);
    await user.click(apply);
    expect(await screen.findByText('Applied 1 migration: 0003-pool-lease-columns.')).toBeTruthy();
    expect(fake.callsOf('migrations.plan')).toEqual([{ direction: 'up', to: '0003-pool-lease-columns' }]);
    expect(fake.callsOf('migrations.up')).toEqual([{ to: '0003-pool-lease-columns', reason: 'CHG-88' }]);
  });

  it('reverting asks for the database name to be typed', async () => {
    const fake = createInMemoryApi();
    const user = renderPage(fake);
    await waitForStatus();

    await user.selectOptions(screen.getByLabelText('Direction'), 'down');
    expect(runDown().disabled).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Preview SQL' }));
    const preview = await screen.findByRole('list', { name: 'SQL preview' });
    expect(within(preview).getByText(/ALTER TABLE BOOKING_PLAN DROP \/\* 0004-pool-indexes/)).toBeTruthy();

    await user.click(runDown());
    const dialog = screen.getByRole('dialog', { name: 'Revert 1 migration' });
    const revert = within(dialog).getByRole('button', { name: 'Revert' }) as HTMLButtonElement;
    expect(revert.disabled).toBe(true);
    await user.type(within(dialog).getByLabelText('database name'), 'booking');
    expect(revert.disabled).toBe(true);
    await user.type(within(dialog).getByLabelText('database name'), '_staging');
    // The name is right; the reason is still missing.
    expect(revert.disabled).toBe(true);
    await user.type(within(dialog).getByLabelText(/Reason/), 'roll back CHG-88');
    expect(revert.disabled).toBe(false);
    await user.click(revert);

    expect(await screen.findByText('Reverted 1 migration: 0004-pool-indexes.')).toBeTruthy();
    expect(fake.callsOf('migrations.down')).toEqual([{ reason: 'roll back CHG-88' }]);
    expect(fake.model.migrations[3]!.appliedAt).toBeNull();
    const pending = await screen.findByRole('table', { name: 'Pending migrations' });
    expect(within(pending).getByText('0004-pool-indexes')).toBeTruthy();
  });

  it('shows who holds the migration lock and disables running until it is released', async () => {
    const fake = createInMemoryApi({ pendingMigrations: 1 });
    fake.model.lockHolder = { connectionId: 42, user: 'pool_ops', host: '10.0.0.7', heldForSeconds: 12 };
    const user = renderPage(fake);
    await waitForStatus();

    expect((await screen.findByTestId('lock-holder')).textContent).toContain('A migration is running on connection 42 (pool_ops@10.0.0.7) for 12 s');
    await user.click(screen.getByRole('button', { name: 'Preview SQL' }));
    await screen.findByRole('list', { name: 'SQL preview' });
    expect(runUp().disabled).toBe(true);

    // The page polls the lock: once released, running is possible again.
    fake.model.lockHolder = null;
    await waitFor(() => expect(screen.queryByTestId('lock-holder')).toBeNull(), { timeout: 6000 });
    expect(runUp().disabled).toBe(false);
    expect(fake.callsOf('migrations.lockHolder').length).toBeGreaterThanOrEqual(1);
  });

  it('on a Galera cluster: names the cluster lock holder and warns what DDL blocks there', async () => {
    const GALERA_DDL_WARNING = 'This database is a Galera cluster: each migration step (DDL) runs in total order isolation (TOI) on every node at once.';
    const fake = createInMemoryApi({ pendingMigrations: 1 });
    fake.model.lockHolder = { connectionId: null, user: null, host: 'ops-desk-2', heldForSeconds: 5, owner: 'ops-desk-2 pid 4242 9f3a', expiresAt: '2026-01-01T00:01:00.000Z' };
    fake.model.clusterWarning = GALERA_DDL_WARNING;
    renderPage(fake);
    await waitForStatus();

    expect((await screen.findByTestId('lock-holder')).textContent).toContain('A migration is running, held across the cluster by ops-desk-2 pid 4242 9f3a for 5 s');
    expect(screen.getByText(GALERA_DDL_WARNING)).toBeTruthy();
  });

  it('defaults to Up even with nothing pending: no red Run down until Down is chosen', async () => {
    const fake = createInMemoryApi({ pendingMigrations: 0 });
    const user = renderPage(fake);
    await waitForStatus();

    expect((screen.getByLabelText('Direction') as HTMLSelectElement).value).toBe('up');
    expect(screen.queryByRole('button', { name: /^Run down/ })).toBeNull();
    expect(runUp().disabled).toBe(true);
    expect(runUp().className).not.toContain('danger');
    expect(screen.getByTestId('nothing-pending').textContent).toContain('Nothing is pending: the schema is up to date.');

    await user.selectOptions(screen.getByLabelText('Direction'), 'down');
    expect(runDown().className).toContain('danger');
    expect(screen.queryByTestId('nothing-pending')).toBeNull();
  });

  it('refuses running on a read-only profile, saying why', async () => {
    const fake = createInMemoryApi({ connection: 'read-only', pendingMigrations: 1 });
    const user = renderPage(fake);
    await screen.findByRole('heading', { name: /^Applied/ });
    await user.click(screen.getByRole('button', { name: 'Preview SQL' }));
    await screen.findByRole('list', { name: 'SQL preview' });
    await waitFor(() => expect(runUp().textContent).toContain("Profile 'production' is read-only."));
    expect(runUp().disabled).toBe(true);
  });
});

/** A legacy export: one already pooled, two to add, one missing booking, one finished booking, one invalid. */
const LEGACY_EXPORT = JSON.stringify({
  entries: [
    { bookingId: 100001, startTime: '2099-05-01T09:00:00.000Z' },
    { bookingId: 100205, startTime: '2099-05-02T09:00:00.000Z', mode: 'URGENT', decisionWindowTime: '2099-04-30T09:00:00.000Z' },
    { bookingId: 100210, startTime: '2099-05-03T09:00:00.000Z' },
    { bookingId: 999999, startTime: '2099-05-04T09:00:00.000Z' },
    { bookingId: 100207, startTime: '2099-05-05T09:00:00.000Z' },
    { bookingId: 'x', startTime: '2099-05-06T09:00:00.000Z' },
  ],
});

const exportFile = (text: string, name = 'legacy-pool.json') => new File([text], name, { type: 'application/json' });
const currentStep = () => screen.getByRole('list', { name: 'Import steps' }).querySelector('[aria-current="step"]')?.textContent;
const outcomeCount = (outcome: string) => screen.getByTestId(`outcome-${outcome}`).querySelector('.tile-value')?.textContent;

describe('Migrations page: the legacy import wizard', () => {
  it('previews each entry, imports with confirmation and progress, and shows the result', async () => {
    const fake = createInMemoryApi();
    const user = renderPage(fake);
    await waitForStatus();

    await user.upload(screen.getByLabelText('Legacy export (.json)'), exportFile(LEGACY_EXPORT));
    const table = await screen.findByRole('table', { name: 'Import preview' });
    expect(fake.callsOf('import.preview')).toEqual([{ snapshot: LEGACY_EXPORT }]);
    expect(outcomeCount('will-add')).toBe('2');
    expect(outcomeCount('already-pooled')).toBe('1');
    expect(outcomeCount('booking-missing')).toBe('1');
    expect(outcomeCount('booking-finished')).toBe('1');
    expect(outcomeCount('invalid')).toBe('1');
    expect(within(table).getAllByRole('row')).toHaveLength(7);
    expect(within(table).getByText('bookingId: not a positive whole number')).toBeTruthy();
    expect(within(table).getByText('2099-04-30 09:00:00 UTC')).toBeTruthy();

    // Filtering by outcome narrows the table.
    await user.selectOptions(screen.getByLabelText('Filter by outcome'), 'will-add');
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(within(table).getByText('100205')).toBeTruthy();
    expect(within(table).queryByText('999999')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Import 2 entries' }));
    const dialog = screen.getByRole('dialog', { name: 'Import legacy pool entries' });
    expect(within(dialog).getByText(DATABASE)).toBeTruthy();
    expect(within(dialog).getByText('2', { selector: 'strong' })).toBeTruthy();
    const importButton = within(dialog).getByRole('button', { name: 'Import 2 entries' }) as HTMLButtonElement;
    expect(importButton.disabled).toBe(true);
    await user.type(within(dialog).getByLabelText(/Reason/), 'ok');
    expect(importButton.disabled).toBe(true);
    expect(within(dialog).getByText(/at least 3 characters/)).toBeTruthy();
    await user.clear(within(dialog).getByLabelText(/Reason/));
    await user.type(within(dialog).getByLabelText(/Reason/), 'retire the memory pool');
    expect(importButton.disabled).toBe(false);
    const release = fake.hold('import.apply');
    await user.click(within(dialog).getByRole('button', { name: 'Import 2 entries' }));
    expect(await screen.findByText('batch 0 of 1')).toBeTruthy();
    release();

    const result = await screen.findByRole('status', { name: 'Import result' });
    expect(result.textContent).toContain('2 added');
    expect(result.textContent).toContain('1 already pooled');
    expect(result.textContent).toContain('1 booking missing, 1 booking finished, 1 invalid');
    expect(fake.callsOf('import.apply')).toEqual([{ snapshot: LEGACY_EXPORT, reason: 'retire the memory pool' }]);
    expect(fake.model.entries.some((entry) => entry.bookingId === 100205 && entry.mode === 'URGENT')).toBe(true);
  });

  it('keeps a rejected file on step 1 with a message naming what is wrong, and applies nothing', async () => {
    const fake = createInMemoryApi();
    const user = renderPage(fake);
    await waitForStatus();

    await user.upload(screen.getByLabelText('Legacy export (.json)'), exportFile('{"entries": [ {"bookingId": 1,', 'broken.json'));
    const alert = await screen.findByRole('alert', { name: 'File rejected' });
    expect(alert.textContent).toContain('broken.json cannot be imported');
    expect(alert.textContent).toContain('The legacy export is not JSON');
    // Nothing on this page is highlighted, so nothing may ask to correct a highlighted value.
    expect(alert.textContent).not.toContain(WHAT_TO_DO.INVALID_INPUT);
    expect(currentStep()).toBe('1. Choose file');
    expect(screen.queryByRole('button', { name: /^Import/ })).toBeNull();
    expect(screen.queryByRole('table', { name: 'Import preview' })).toBeNull();
    expect(fake.callsOf('import.apply')).toEqual([]);
  });

  it('numbers its steps so their labels never run together, and moves the current one along', async () => {
    const fake = createInMemoryApi();
    const user = renderPage(fake);
    await waitForStatus();
    const steps = within(screen.getByRole('list', { name: 'Import steps' })).getAllByRole('listitem').map((item) => item.textContent);
    expect(steps).toEqual(['1. Choose file', '2. Preview each entry', '3. Apply', '4. Result']);
    expect(currentStep()).toBe('1. Choose file');

    await user.upload(screen.getByLabelText('Legacy export (.json)'), exportFile(LEGACY_EXPORT));
    await screen.findByRole('table', { name: 'Import preview' });
    expect(currentStep()).toBe('3. Apply');
  });

  it('writes every count in its result with the right plural', async () => {
    const fake = createInMemoryApi();
    const user = renderPage(fake);
    await waitForStatus();
    const one = JSON.stringify([{ bookingId: 100205, startTime: '2099-05-01T09:00:00Z' }]);
    await user.upload(screen.getByLabelText('Legacy export (.json)'), exportFile(one));
    await user.click(await screen.findByRole('button', { name: 'Import 1 entry' }));
    const dialog = screen.getByRole('dialog', { name: 'Import legacy pool entries' });
    await user.type(within(dialog).getByLabelText(/Reason/), 'one left behind');
    await user.click(within(dialog).getByRole('button', { name: 'Import 1 entry' }));
    const result = await screen.findByRole('status', { name: 'Import result' });
    expect(result.textContent).toContain('of 1 entry in 1 batch.');
  });

  it('reports the entries the import added, and says when the confirmed preview counted otherwise', async () => {
    const fake = createInMemoryApi();
    const user = renderPage(fake);
    await waitForStatus();
    await user.upload(screen.getByLabelText('Legacy export (.json)'), exportFile(LEGACY_EXPORT));
    await user.click(await screen.findByRole('button', { name: 'Import 2 entries' }));
    const dialog = screen.getByRole('dialog', { name: 'Import legacy pool entries' });
    await user.type(within(dialog).getByLabelText(/Reason/), 'retire the memory pool');
    // Between the preview and the confirmation, the host pools one of them itself.
    fake.model.entries.push({ ...fake.model.entries[0]!, bookingId: 100_205 });
    await user.click(within(dialog).getByRole('button', { name: 'Import 2 entries' }));

    const result = await screen.findByRole('status', { name: 'Import result' });
    expect(result.textContent).toContain('1 added (the preview counted 2; the pool changed in between)');
  });

  it('refuses a file over the size limit before reading it', async () => {
    const fake = createInMemoryApi();
    const user = renderPage(fake);
    await waitForStatus();

    const huge = exportFile('[]', 'huge.json');
    Object.defineProperty(huge, 'size', { value: 65 * 1024 * 1024 });
    await user.upload(screen.getByLabelText('Legacy export (.json)'), huge);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('huge.json is 65 MiB; the console imports files up to 64 MiB');
    expect(fake.callsOf('import.preview')).toEqual([]);
  });
});
