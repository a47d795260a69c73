import { useCallback, useEffect, useState } from 'react';
import type { PageProps } from '../app/pages';
import { ErrorNotice } from '../components/ErrorNotice';
import { EntriesBulkActions } from './entries/BulkActionPanel';
import { formatCount } from '../../shared/format';
import { EntriesTable } from './entries/EntriesTable';
import { EntryDrawer } from './entries/EntryDrawer';
import { EntryFilterBar } from './entries/EntryFilterBar';
import { CopyLinkButton } from './entries/CopyLinkButton';
import { compactFilters, describeFilters, filtersFromLink, filtersFromState, filtersToLink, type EntryFilters } from './entries/filters';
import { loadedText } from './entries/loaded-text';
import { useEntryPages } from './entries/use-entry-pages';
import { ReadSourceNote } from '../components/ReadSourceNote';

/** Pool entries: filter, page through (keyset), open one for its detail and one-row actions. */
export function EntriesPage({ state }: PageProps) {
  const [start] = useState(() => startingFilters(state));
  const [filters, setFilters] = useState<EntryFilters>(start.filters);
  const [linkError, setLinkError] = useState(start.error);
  // Navigating here again with other filters (e.g. another Overview tile) replaces the current ones.
  const handedOver = JSON.stringify(state ?? {});
  const [appliedHandOver, setAppliedHandOver] = useState(handedOver);
  if (appliedHandOver !== handedOver) {
    setAppliedHandOver(handedOver);
    const next = startingFilters(state);
    setFilters(next.filters);
    setLinkError(next.error);
  }

  // The filters live in the address (a deep link): copied, reloaded or opened elsewhere, they come back.
  useEffect(() => {
    window.history.replaceState(window.history.state, '', filtersToLink(filters));
  }, [filters]);
  useEffect(() => () => window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}`), []);

  const pages = useEntryPages(filters);
  const [selected, setSelected] = useState<number | null>(null);
  const close = useCallback(() => setSelected(null), []);
  const { reload } = pages;

  const active = compactFilters(filters);
  const described = describeFilters(active);

  return (
    <div className="page entries-page">
      <div className="page-head">
        <h1>Entries</h1>
        <CopyLinkButton />
        <button type="button" onClick={reload} disabled={pages.loading !== null}>
          Refresh
        </button>
      </div>
      <EntryFilterBar
        filters={filters}
        onChange={(next) => {
          setLinkError(undefined);
          setFilters(compactFilters(next));
        }}
      />
      {linkError ? (
        <div className="notice notice-error" role="alert">
          {linkError} Showing all entries instead.
        </div>
      ) : null}
      <EntriesBulkActions filters={active} />
      <ErrorNotice error={pages.error} title="Could not read the pool entries" />
      <p className="muted entries-summary" role="status">
        {pages.loading === 'first'
          ? 'Loading entries…'
          : loadedText(pages.rows.length, pages.total, pages.next !== null)}
        {described.filters.length > 0 ? ` · ${described.filters.join(', ')}` : ''} · {described.order} · times in UTC
        <ReadSourceNote source={pages.source} what="entries" />
      </p>
      {pages.window !== null ? (
        <p className="muted" data-testid="search-window">
          No index serves these filters: each page searches the next {formatCount(pages.window)} entries in this order, and the total counts the first {formatCount(pages.window)} only.
        </p>
      ) : null}
      {pages.rows.length === 0 && pages.loading === null && !pages.error ? (
        <div className="notice">{pages.next ? 'No match among the entries searched so far: Load more searches on.' : 'No pool entries match these filters.'}</div>
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

/** The filters a link (state.link, the address's fragment at start) or another page handed over; a broken link says why and filters nothing. */
function startingFilters(state: Record<string, unknown> | undefined): { filters: EntryFilters; error?: string } {
  if (typeof state?.link === 'string') {
    const checked = filtersFromLink(state.link);
    if (checked?.filters) return { filters: checked.filters };
    return { filters: {}, error: checked?.error ?? 'This link is not a link to the Entries page.' };
  }
  return { filters: filtersFromState(state) };
}
