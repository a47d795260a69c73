import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { ConnectionState } from '../../shared/contract';
import { useApi } from '../api/api-context';
import { toCallError, type CallError } from '../api/call-error';

interface ConnectionContextValue {
  state: ConnectionState | null;
  /** Set when the console's back itself cannot be reached (serve mode socket down). */
  backError: CallError | null;
  refresh: () => Promise<void>;
}

const ConnectionContext = createContext<ConnectionContextValue | null>(null);
/** In-memory on the back: cheap to ask every second, so the header follows the heartbeat closely. */
const POLL_MS = 1000;

/** The current connection, polled so that a lost connection shows at once on every page. */
export function ConnectionProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const [state, setState] = useState<ConnectionState | null>(null);
  const [backError, setBackError] = useState<CallError | null>(null);
  const refresh = useCallback(
    () =>
      api.call('connection.current', {}).then(
        (current) => {
          setState(current);
          setBackError(null);
        },
        (error: unknown) => setBackError(toCallError(error)),
      ),
    [api],
  );
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);
  return <ConnectionContext.Provider value={{ state, backError, refresh }}>{children}</ConnectionContext.Provider>;
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
