import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, type ReactNode } from 'react';
import type { ConnectionState } from '../../shared/contract';
import { useApi } from '../api/api-context';
import { toCallError, type CallError } from '../api/call-error';
import { queryKey } from '../api/query-client';

interface ConnectionContextValue {
  state: ConnectionState | null;
  /** Set when the console's back itself cannot be reached (serve mode socket down). */
  backError: CallError | null;
  refresh: () => Promise<void>;
}

const ConnectionContext = createContext<ConnectionContextValue | null>(null);
/** In-memory on the back: cheap to ask every second, so the header follows the heartbeat closely. */
const POLL_MS = 1000;
const CURRENT = queryKey('connection.current', {});

/**
 * The current connection, polled so that a lost connection shows at once on every page. When it
 * becomes another database (switched here, in another window or by the CLI), every other cached
 * answer is stale: they are fetched again.
 */
export function ConnectionProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const client = useQueryClient();
  const current = useQuery({
    queryKey: CURRENT,
    queryFn: ({ signal }) => api.call('connection.current', {}, signal),
    refetchInterval: POLL_MS,
    refetchIntervalInBackground: true,
  });
  const state = current.data ?? null;
  const backError = useMemo(() => (current.error ? toCallError(current.error) : null), [current.error]);
  const { refetch } = current;
  const refresh = useCallback(() => refetch().then(() => undefined), [refetch]);

  const identity = state ? `${state.connected}|${state.profileName ?? ''}|${state.host ?? ''}|${state.database ?? ''}` : null;
  const seen = useRef(identity);
  useEffect(() => {
    if (identity === null || identity === seen.current) return;
    const first = seen.current === null;
    seen.current = identity;
    if (!first) void client.invalidateQueries({ predicate: (query) => query.queryKey[0] !== 'connection.current' });
  }, [identity, client]);

  const value = useMemo(() => ({ state, backError, refresh }), [state, backError, refresh]);
  return <ConnectionContext.Provider value={value}>{children}</ConnectionContext.Provider>;
}

/** For hooks that also work outside a provider (component tests of a single page). */
export function useOptionalConnection(): ConnectionContextValue | null {
  return useContext(ConnectionContext);
}

export function useConnection(): ConnectionContextValue {
  const value = useContext(ConnectionContext);
  if (!value) throw new Error('useConnection() needs a <ConnectionProvider>');
  return value;
}

/** Why writing is refused right now, or null when it is allowed. */
export function useWriteBlock(): string | null {
  const { state } = useConnection();
  if (!state?.connected) return 'Not connected to a database.';
  if (state.readOnly) return `Profile '${state.profileName ?? ''}' is read-only.`;
  if (state.status === 'lost') return 'The connection is lost.';
  if (state.status === 'not-responding') return 'The database server is not responding.';
  if (state.status === 'database-missing') return 'The database is missing.';
  return null;
}
