import { useCallback, useEffect, useRef, useState } from 'react';
import type { InputOf, OperationName, ResultOf, StreamEvent, StreamName, StreamParams } from '../../shared/contract';
import { useOptionalConnection } from '../app/connection-context';
import { useApi } from './api-context';
import { toCallError, type CallError } from './call-error';

/** A lost database shows at once: any UNREACHABLE answer re-reads the connection state. */
function useFailureReport(): (error: CallError) => void {
  const connection = useOptionalConnection();
  const refresh = connection?.refresh;
  return useCallback((error: CallError) => {
    if (error.code === 'UNREACHABLE') void refresh?.();
  }, [refresh]);
}

export interface CallState<T> {
  data: T | undefined;
  error: CallError | null;
  loading: boolean;
  reload: () => void;
}

/** Calls a reading operation when the input changes (compared by value), and on reload(). */
export function useCall<N extends OperationName>(name: N, input: InputOf<N>, options: { enabled?: boolean } = {}): CallState<ResultOf<N>> {
  const api = useApi();
  const report = useFailureReport();
  const [state, setState] = useState<{ data?: ResultOf<N>; error: CallError | null; loading: boolean }>({ error: null, loading: options.enabled !== false });
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(input);
  const enabled = options.enabled !== false;
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    api.call(name, JSON.parse(key) as InputOf<N>).then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) => {
        const failure = toCallError(error);
        report(failure);
        if (current) setState((previous) => ({ data: previous.data, error: failure, loading: false }));
      },
    );
    return () => {
      current = false;
    };
  }, [api, name, key, generation, enabled, report]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export interface ActionState<N extends OperationName> {
  run: (input: InputOf<N>) => Promise<ResultOf<N> | undefined>;
  running: boolean;
  error: CallError | null;
  result: ResultOf<N> | undefined;
  reset: () => void;
}

/** A writing (or on-demand) operation: run() resolves to the result, or undefined with `error` set. */
export function useAction<N extends OperationName>(name: N): ActionState<N> {
  const api = useApi();
  const report = useFailureReport();
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<CallError | null>(null);
  const [result, setResult] = useState<ResultOf<N>>();
  const run = useCallback(
    async (input: InputOf<N>) => {
      setRunning(true);
      setError(null);
      try {
        const value = await api.call(name, input);
        setResult(() => value);
        return value;
      } catch (failure) {
        const error = toCallError(failure);
        report(error);
        setError(error);
        return undefined;
      } finally {
        setRunning(false);
      }
    },
    [api, name, report],
  );
  const reset = useCallback(() => {
    setError(null);
    setResult(undefined);
  }, []);
  return { run, running, error, result, reset };
}

/** Subscribes while mounted (and while `enabled`); the listener may change without resubscribing. */
export function useStream<S extends StreamName>(stream: S, params: StreamParams<S>, listener: (event: StreamEvent<S>) => void, enabled = true): void {
  const api = useApi();
  const latest = useRef(listener);
  latest.current = listener;
  const key = JSON.stringify(params);
  useEffect(() => {
    if (!enabled) return;
    return api.subscribe(stream, JSON.parse(key) as StreamParams<S>, (event) => latest.current(event));
  }, [api, stream, key, enabled]);
}
