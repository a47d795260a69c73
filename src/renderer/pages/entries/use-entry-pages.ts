import { useCallback, useEffect, useRef, useState } from 'react';
import type { EntryPage } from '../../../shared/results/pool';
import type { PoolEntry } from '../../../shared/pool-types';
import { useApi } from '../../api/api-context';
import { toCallError, type CallError } from '../../api/call-error';
import { compactFilters, type EntryFilters } from './filters';

/** Rows one request asks for; "load more" appends pages of this size (the back allows up to 1,000). */
export const PAGE_SIZE = 200;

export interface EntryPages {
  rows: PoolEntry[];
  /** The cursor of the next page; null once the last page is loaded. */
  next: EntryPage['next'];
  /** How many entries the filters match, from the newest page read; null until one is. */
  total: EntryPage['total'] | null;
  /** 'first' while the first page (re)loads, 'more' while a further page loads. */
  loading: 'first' | 'more' | null;
  error: CallError | null;
  loadMore: () => void;
  /** The first page again, with the same filters (after an action changed a row). */
  reload: () => void;
}

/**
 * Keyset pages of `entries.list`: the first page whenever the filters change, further pages
 * appended from the `next` cursor. Only the newest request's answer is kept, so a slow answer to
 * an old filter never overwrites a newer one.
 */
export function useEntryPages(filters: EntryFilters): EntryPages {
  const api = useApi();
  const key = JSON.stringify(compactFilters(filters));
  const [rows, setRows] = useState<PoolEntry[]>([]);
  const [next, setNext] = useState<EntryPage['next']>(null);
  const [total, setTotal] = useState<EntryPage['total'] | null>(null);
  const [loading, setLoading] = useState<EntryPages['loading']>('first');
  const [error, setError] = useState<CallError | null>(null);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  // The first-page request the state is for. When the filters or the generation change, the state
  // is adjusted during this render (not in the effect, which would show one stale render first).
  const [requested, setRequested] = useState({ key, generation });
  if (requested.key !== key || requested.generation !== generation) {
    // New filters: the old rows answer a different question, so they go at once.
    if (requested.key !== key) {
      setRows([]);
      setNext(null);
      setTotal(null);
    }
    setRequested({ key, generation });
    setLoading('first');
    setError(null);
  }

  useEffect(() => {
    const request = ++latest.current;
    api.call('entries.list', { ...(JSON.parse(key) as EntryFilters), limit: PAGE_SIZE }).then(
      (page) => {
        if (request !== latest.current) return;
        setRows(page.entries);
        setNext(page.next);
        setTotal(page.total);
        setLoading(null);
      },
      (failure: unknown) => {
        if (request !== latest.current) return;
        setError(toCallError(failure));
        setLoading(null);
      },
    );
  }, [api, key, generation]);

  const loadMore = useCallback(() => {
    if (!next || loading) return;
    const request = ++latest.current;
    setLoading('more');
    setError(null);
    api.call('entries.list', { ...(JSON.parse(key) as EntryFilters), after: next, limit: PAGE_SIZE }).then(
      (page) => {
        if (request !== latest.current) return;
        setRows((previous) => [...previous, ...page.entries]);
        setNext(page.next);
        setTotal(page.total);
        setLoading(null);
      },
      (failure: unknown) => {
        if (request !== latest.current) return;
        setError(toCallError(failure));
        setLoading(null);
      },
    );
  }, [api, key, next, loading]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { rows, next, total, loading, error, loadMore, reload };
}
