import { createContext, useContext, type ReactNode } from 'react';
import type { PoolConsoleApi } from '../../shared/contract';

const ApiContext = createContext<PoolConsoleApi | null>(null);

/** The contract object (preload, web client, or the in-memory one in component tests). */
export function ApiProvider({ api, children }: { api: PoolConsoleApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): PoolConsoleApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() needs an <ApiProvider>');
  return api;
}
