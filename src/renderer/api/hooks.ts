import { useCallback, useEffect, useEffectEvent, useState } from 'react';
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
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(input);
  const enabled = options.enabled !== false;
  // Which request the state answers: loading until the current one has answered.
  const request = `${generation} ${name} ${key}`;
  const [state, setState] = useState<{ request: string | null; data?: ResultOf<N>; error: CallError | null }>({ request: null, error: null });
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    api.call(name, JSON.parse(key) as InputOf<N>).then(
      (data) => current && setState({ request, data, error: null }),
      (error: unknown) => {
        const failure = toCallError(error);
        report(failure);
        if (current) setState((previous) => ({ request, data: previous.data, error: failure }));
      },
    );
    return () => {
      current = false;
    };
  }, [api, name, key, request, enabled, report]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data: state.data, error: state.error, loading: enabled && state.request !== request, reload };
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
  // The newest listener, called from the subscription without resubscribing when it changes.
  const onEvent = useEffectEvent(listener);
  const key = JSON.stringify(params);
  useEffect(() => {
    if (!enabled) return;
    return api.subscribe(stream, JSON.parse(key) as StreamParams<S>, (event) => onEvent(event));
  }, [api, stream, key, enabled]);
}
