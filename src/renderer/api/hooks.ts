import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useEffectEvent, useMemo, useRef } from 'react';
import type { InputOf, OperationName, ResultOf, StreamEvent, StreamName, StreamParams } from '../../shared/contract';
import { useOptionalConnection } from '../app/connection-context';
import { useApi } from './api-context';
import { toCallError, type CallError } from './call-error';
import { invalidateAfter, queryKey } from './query-client';

/** A lost database shows at once: any UNREACHABLE answer re-reads the connection state. */
function useFailureReport(error: CallError | null): void {
  const refresh = useOptionalConnection()?.refresh;
  useEffect(() => {
    if (error?.code === 'UNREACHABLE') void refresh?.();
  }, [error, refresh]);
}

export interface CallState<T> {
  data: T | undefined;
  error: CallError | null;
  /** True while an answer for the current input is awaited (the first, a reload or a poll). */
  loading: boolean;
  reload: () => void;
}

export interface CallOptions {
  enabled?: boolean;
  /** Ask again this often while shown (milliseconds). */
  pollMs?: number;
}

/**
 * A reading operation, cached under [name, input] (compared by value): fetched when shown and when
 * a write makes it stale (see invalidates.ts), again on reload(). While a new input's answer is
 * awaited the previous answer stays; an answer to an older input never replaces a newer one.
 */
export function useCall<N extends OperationName>(name: N, input: InputOf<N>, { enabled = true, pollMs }: CallOptions = {}): CallState<ResultOf<N>> {
  const api = useApi();
  const query = useQuery({
    queryKey: queryKey(name, input),
    queryFn: ({ signal }) => api.call(name, input, signal),
    enabled,
    refetchInterval: pollMs,
    placeholderData: keepPreviousData,
  });
  const error = useMemo(() => (query.error ? toCallError(query.error) : null), [query.error]);
  useFailureReport(error);
  const { refetch } = query;
  const reload = useCallback(() => void refetch(), [refetch]);
  return { data: query.data, error, loading: enabled && query.isFetching, reload };
}

export interface ActionState<N extends OperationName> {
  run: (input: InputOf<N>) => Promise<ResultOf<N> | undefined>;
  running: boolean;
  error: CallError | null;
  result: ResultOf<N> | undefined;
  reset: () => void;
  /** Asks the back to stop the running call (a long write stops after its current batch). */
  cancel: () => void;
}

/**
 * A writing (or on-demand) operation: run() resolves to the result, or undefined with `error` set
 * (CANCELLED when cancel() stopped it). When it settles, what it made stale is fetched again.
 */
export function useAction<N extends OperationName>(name: N): ActionState<N> {
  const api = useApi();
  const client = useQueryClient();
  const controller = useRef<AbortController | null>(null);
  const mutation = useMutation({
    mutationFn: (input: InputOf<N>) => {
      const own = new AbortController();
      controller.current = own;
      return api.call(name, input, own.signal);
    },
    onSettled: () => void invalidateAfter(client, name),
  });
  const error = useMemo(() => (mutation.error ? toCallError(mutation.error) : null), [mutation.error]);
  useFailureReport(error);
  const { mutateAsync, reset } = mutation;
  const run = useCallback((input: InputOf<N>) => mutateAsync(input).catch(() => undefined), [mutateAsync]);
  const cancel = useCallback(() => controller.current?.abort(), []);
  return { run, running: mutation.isPending, error, result: mutation.data, reset, cancel };
}

/** Subscribes while mounted (and while `enabled`); the listener may change without resubscribing. */
export function useStream<S extends StreamName>(stream: S, params: StreamParams<S>, listener: (event: StreamEvent<S>) => void, enabled = true): void {
  const api = useApi();
  // The newest listener, called from the subscription without resubscribing when it changes.
  const onEvent = useEffectEvent(listener);
  const key = JSON.stringify(params);
  useEffect(() => {
    if (!enabled) return;
    return api.subscribe(stream, JSON.parse(key) as StreamParams<S>, (event) => onEvent(event));
  }, [api, stream, key, enabled]);
}
