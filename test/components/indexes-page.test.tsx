import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { PoolConsoleApi } from '../../src/shared/contract';
import { IndexesPage } from '../../src/renderer/pages/IndexesPage';
import { renderInConsole } from './render-in-console';
import { createInMemoryApi, type InMemoryApi } from '../fakes/in-memory-api';

const DATABASE = 'booking_staging';

function renderPage(api: PoolConsoleApi) {
  return renderInConsole(api, <IndexesPage navigate={() => {}} />);
}

const plansTable = () => screen.getByRole('region', { name: 'Hot query plans' });
const planRow = (label: string) => within(plansTable()).getByRole('row', { name: new RegExp(`^${label}`) });
const createButton = () => screen.getByRole('button', { name: /^Create missing indexes/ }) as HTMLButtonElement;

/**
 * The fake's index report never has two indexes on the same columns; this adds one to its answer
 * (as the real report names the ORM's copy of idx_pool_deadline) so that the page's naming of
 * duplicates is exercised. Every other call goes to the in-memory api unchanged.
 */
function withDuplicate(fake: InMemoryApi): PoolConsoleApi {
  return {
    subscribe: fake.api.subscribe,
    call: (async (name: string, input: unknown) => {
      const result = await fake.api.call(name as 'indexes.health', input as Record<string, never>);
      if (name !== 'indexes.health') return result;
      const copy = { name: 'BOOKING_PLAN_POOL_DEADLINE_TIME_idx', columns: ['POOL_DEADLINE_TIME'], unique: false, pool: true, sizeBytes: 3 * 1024 * 1024, duplicateOf: 'idx_pool_deadline', prefixOf: [] };
      return { ...result, present: [...result.present, copy], duplicates: [{ index: copy.name, sameAs: 'idx_pool_deadline' }] };
    }) as PoolConsoleApi['call'],
  };
}

describe('Indexes page: health', () => {
  it('shows each hot query plan with its verdict, coloured, and why', async () => {
    const fake = createInMemoryApi();
    renderPage(fake.api);
    await screen.findByRole('region', { name: 'Hot query plans' });

    const claim = planRow('Claim a batch');
    const cells = within(claim).getAllByRole('cell').map((cell) => cell.textContent);
    expect(cells[1]).toBe('idx_pool_claim');
    expect(cells[2]).toBe('range');
    expect(cells[3]).toBe('≈100');
    expect(cells[4]).toBe('100');
    expect(cells[5]).toBe('none');
    expect(cells[6]).toBe('good — reads the index in claim order and stops at the limit');
    expect(within(claim).getByText('good').closest('td')!.className).toContain('verdict-good');
    const stats = planRow('Stats snapshot');
    expect(within(stats).getByText('warn').closest('td')!.className).toContain('verdict-warn');
    expect(stats.textContent).toContain('reads every pooled row once per sample');
  });

  it('heads the row counts as what they are: the optimizer’s estimate of rows read, and the most the query returns', async () => {
    const fake = createInMemoryApi();
    renderPage(fake.api);
    await screen.findByRole('region', { name: 'Hot query plans' });
    const headers = within(plansTable()).getAllByRole('columnheader');
    expect(headers.map((header) => header.textContent)).toEqual(['Query', 'Index used', 'Access', 'Rows read (estimate)', 'Returns at most', 'Sort / temp', 'Verdict']);
    expect(headers[3]!.getAttribute('title')).toMatch(/optimizer's estimate .* not a limit/);
    expect(headers[4]!.getAttribute('title')).toMatch(/LIMIT/);
  });

  it('names duplicates and redundant indexes with the index they copy or prefix, and sizes', async () => {
    const fake = createInMemoryApi();
    renderPage(withDuplicate(fake));
    const findings = await screen.findByRole('list', { name: 'Duplicates and redundancies' });
    const items = within(findings).getAllByRole('listitem').map((item) => item.textContent);
    expect(items).toEqual([
      'BOOKING_PLAN_POOL_DEADLINE_TIME_idx duplicates idx_pool_deadline (same columns): one of them can go; every write maintains both.',
      'BOOKING_PLAN_POOL_STATUS_idx is redundant: a leading prefix of idx_pool_claim, idx_pool_processing, idx_pool_lease, which serve every query it serves.',
    ]);

    const present = screen.getByRole('region', { name: 'Present indexes' });
    const copy = within(present).getByRole('row', { name: /^BOOKING_PLAN_POOL_DEADLINE_TIME_idx/ });
    expect(copy.textContent).toContain('3.0 MiB');
    expect(copy.textContent).toContain('duplicate of idx_pool_deadline');
    const status = within(present).getByRole('row', { name: /^BOOKING_PLAN_POOL_STATUS_idx/ });
    expect(status.textContent).toContain('16 KiB');
    expect(status.textContent).toContain('prefix of idx_pool_claim, idx_pool_processing, idx_pool_lease');

    const expected = screen.getByRole('region', { name: 'Expected indexes' });
    expect(within(expected).getByRole('row', { name: /^idx_pool_claim/ }).textContent).toContain('present');
  });

  it('nothing missing: "Create missing indexes" is disabled and says so', async () => {
    const fake = createInMemoryApi();
    renderPage(fake.api);
    await screen.findByText(/^Nothing is missing/);
    await waitFor(() => expect(createButton().title).toBe('Nothing is missing.'));
    expect(createButton().disabled).toBe(true);
    expect(fake.callsOf('indexes.ensure.preview')).toEqual([]);
  });

  it('shows the error envelope and what to do when health cannot be read', async () => {
    const fake = createInMemoryApi();
    fake.failNext('indexes.health', 'NO_TABLE', "Table BOOKING_PLAN not found in database 'booking_staging'.");
    renderPage(fake.api);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain("Table BOOKING_PLAN not found in database 'booking_staging'.");
    expect(alert.textContent).toContain('run the pending migrations on the Migrations page');
  });
});

describe('Indexes page: create missing indexes', () => {
  it('previews the SQL, confirms with the database and the count, applies with progress, then refreshes', async () => {
    const fake = createInMemoryApi({ pendingMigrations: 1 });
    const user = renderPage(fake.api);
    await screen.findByText(/^Missing: idx_pool_claim, idx_pool_processing/);
    expect(planRow('Claim a batch').textContent).toContain('filesort');
    expect(within(planRow('Claim a batch')).getByText('bad').closest('td')!.className).toContain('verdict-bad');
    expect(within(screen.getByRole('region', { name: 'Expected indexes' })).getByRole('row', { name: /^idx_pool_lease/ }).textContent).toContain('missing');

    await waitFor(() => expect(createButton().disabled).toBe(false));
    await user.click(createButton());
    const preview = await screen.findByLabelText('Preview');
    expect(within(preview).getByText(/ALTER TABLE BOOKING_PLAN ADD \/\* 0004-pool-indexes \*\//)).toBeTruthy();
    expect(fake.callsOf('indexes.ensure.preview')).toEqual([{}]);
    expect(fake.callsOf('indexes.ensure.apply')).toEqual([]);

    await user.click(within(preview).getByRole('button', { name: 'Create 6 indexes' }));
    const dialog = screen.getByRole('dialog', { name: 'Create 6 missing indexes' });
    expect(dialog.textContent).toContain(DATABASE);
    expect(dialog.textContent).toContain('idx_pool_deadline');
    expect(fake.callsOf('indexes.ensure.apply')).toEqual([]);

    const release = fake.hold('indexes.ensure.apply');
    // Creating waits for a reason (3 non-blank characters at least), and says so.
    expect((within(dialog).getByRole('button', { name: 'Create 6 indexes' }) as HTMLButtonElement).disabled).toBe(true);
    expect(within(dialog).getByText(/at least 3 characters/)).toBeTruthy();
    await user.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'claim query scanning the table');
    expect((within(dialog).getByRole('button', { name: 'Create 6 indexes' }) as HTMLButtonElement).disabled).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Create 6 indexes' }));
    // While the migration runs, its progress shows.
    await screen.findByText(/Working…|up: 1 migration|up 0004-pool-indexes/);
    fake.emitProgress({ operation: 'migrations', message: 'up 0004-pool-indexes: creating idx_pool_claim', done: 0, total: 1 });
    await screen.findByText(/up 0004-pool-indexes: creating idx_pool_claim/);
    release();

    await screen.findByText(/^Done: ran 1 statement in 1 migration \(0004-pool-indexes\)/);
    expect(fake.callsOf('indexes.ensure.apply')).toEqual([{ reason: 'claim query scanning the table' }]);
    // Health read again: nothing missing now.
    await screen.findByText(/^Nothing is missing/);
    expect(fake.callsOf('indexes.health')).toHaveLength(2);
    expect(createButton().disabled).toBe(true);
    expect(screen.queryByLabelText('Preview')).toBeNull();
    expect(within(planRow('Claim a batch')).getByText('good')).toBeTruthy();
  });

  it('cancelling the preview or the confirmation runs nothing', async () => {
    const fake = createInMemoryApi({ pendingMigrations: 1 });
    const user = renderPage(fake.api);
    await waitFor(() => expect(createButton().disabled).toBe(false));
    await user.click(createButton());
    const preview = await screen.findByLabelText('Preview');
    await user.click(within(preview).getByRole('button', { name: 'Create 6 indexes' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    await user.click(within(preview).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByLabelText('Preview')).toBeNull();
    expect(fake.callsOf('indexes.ensure.apply')).toEqual([]);
  });

  it('in a read-only profile creating is refused with the reason, and nothing is called', async () => {
    const fake = createInMemoryApi({ connection: 'read-only', pendingMigrations: 1 });
    const user = renderPage(fake.api);
    await screen.findByText(/^Missing: idx_pool_claim/);
    const button = await screen.findByRole('button', { name: /^Create missing indexes\s*— Profile 'production' is read-only\.$/ });
    expect((button as HTMLButtonElement).disabled).toBe(true);
    await user.click(button);
    expect(fake.callsOf('indexes.ensure.preview')).toEqual([]);
    expect(fake.callsOf('indexes.ensure.apply')).toEqual([]);
  });
});
