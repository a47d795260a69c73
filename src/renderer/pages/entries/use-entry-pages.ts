import { useInfiniteQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
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
  /** Set when no index serves the filters: each page searched at most this many entries (EntryPage.window). */
  window: number | null;
  /** Where the newest page was read, on a profile with a read replica. */
  source: EntryPage['source'];
  /** 'first' while the list (re)loads, 'more' while a further page loads. */
  loading: 'first' | 'more' | null;
  error: CallError | null;
  loadMore: () => void;
  /** The loaded pages again, with the same filters. */
  reload: () => void;
}

/**
 * Keyset pages of `entries.list`, cached under ['entries.list', filters]: the first page whenever
 * the filters change (the old rows go at once: they answer another question), further pages
 * appended from the `next` cursor. A write to an entry makes the list stale (api/invalidates.ts):
 * the loaded pages are read again, keeping the scroll position.
 */
export function useEntryPages(filters: EntryFilters): EntryPages {
  const api = useApi();
  const compact = compactFilters(filters);
  const query = useInfiniteQuery({
    queryKey: ['entries.list', compact] as const,
    queryFn: ({ pageParam, signal }) => api.call('entries.list', { ...compact, ...(pageParam ? { after: pageParam } : {}), limit: PAGE_SIZE }, signal),
    initialPageParam: null as EntryPage['next'],
    getNextPageParam: (page) => page.next,
  });
  const pages = query.data?.pages;
  const rows = useMemo(() => pages?.flatMap((page) => page.entries) ?? [], [pages]);
  const newest = pages?.at(-1);
  const error = useMemo(() => (query.error ? toCallError(query.error) : null), [query.error]);
  const { fetchNextPage, refetch, hasNextPage, isFetching, isFetchingNextPage } = query;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetching) void fetchNextPage();
  }, [fetchNextPage, hasNextPage, isFetching]);
  const reload = useCallback(() => void refetch(), [refetch]);
  return {
    rows,
    next: newest?.next ?? null,
    total: newest?.total ?? null,
    window: newest?.window ?? null,
    source: newest?.source,
    loading: isFetchingNextPage ? 'more' : isFetching ? 'first' : null,
    error,
    loadMore,
    reload,
  };
}
