import { useCallback, useState } from 'react';
import type { PageProps } from '../app/pages';
import { ErrorNotice } from '../components/ErrorNotice';
import { EntriesTable } from './entries/EntriesTable';
import { EntryDrawer } from './entries/EntryDrawer';
import { EntryFilterBar } from './entries/EntryFilterBar';
import { compactFilters, filtersFromState, type EntryFilters } from './entries/filters';
import { loadedText } from './entries/loaded-text';
import { useEntryPages } from './entries/use-entry-pages';
import { ReadSourceNote } from '../components/ReadSourceNote';

/** Pool entries: filter, page through (keyset), open one for its detail and one-row actions. */
export function EntriesPage({ state }: PageProps) {
  const [filters, setFilters] = useState<EntryFilters>(() => filtersFromState(state));
  // Navigating here again with other filters (e.g. another Overview tile) replaces the current ones.
  const handedOver = JSON.stringify(state ?? {});
  const [appliedHandOver, setAppliedHandOver] = useState(handedOver);
  if (appliedHandOver !== handedOver) {
    setAppliedHandOver(handedOver);
    setFilters(filtersFromState(state));
  }

  const pages = useEntryPages(filters);
  const [selected, setSelected] = useState<number | null>(null);
  const close = useCallback(() => setSelected(null), []);
  const { reload } = pages;

  const active = compactFilters(filters);
  const described = [
    active.status && `status ${active.status}`,
    active.mode && `mode ${active.mode}`,
    active.overdue && 'overdue',
    active.bookingId !== undefined && `booking ${active.bookingId}`,
  ].filter(Boolean);

  return (
    <div className="page entries-page">
      <div className="page-head">
        <h1>Entries</h1>
        <button type="button" onClick={reload} disabled={pages.loading !== null}>
          Refresh
        </button>
      </div>
      <EntryFilterBar filters={filters} onChange={(next) => setFilters(compactFilters(next))} />
      <ErrorNotice error={pages.error} title="Could not read the pool entries" />
      <p className="muted entries-summary" role="status">
        {pages.loading === 'first'
          ? 'Loading entries…'
          : loadedText(pages.rows.length, pages.total, pages.next !== null)}
        {described.length > 0 ? ` · ${described.join(', ')}` : ''} · in entry order · times in UTC
        <ReadSourceNote source={pages.source} what="entries" />
      </p>
      {pages.rows.length === 0 && pages.loading === null && !pages.error ? (
        <div className="notice">No pool entries match these filters.</div>
      ) : (
        // New filters start at the top of the list; a refresh after an action keeps the scroll position.
        <EntriesTable key={JSON.stringify(active)} rows={pages.rows} selectedId={selected} onSelect={setSelected} />
      )}
      <div className="row entries-more">
        {pages.next ? (
          <button type="button" onClick={pages.loadMore} disabled={pages.loading !== null}>
            {pages.loading === 'more' ? 'Loading…' : 'Load more'}
          </button>
        ) : pages.rows.length > 0 && pages.loading === null ? (
          <span className="muted">End of the list.</span>
        ) : null}
      </div>
      {selected !== null ? <EntryDrawer key={selected} bookingId={selected} onClose={close} /> : null}
    </div>
  );
}
