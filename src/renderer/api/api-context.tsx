import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useState, type ReactNode } from 'react';
import type { PoolConsoleApi } from '../../shared/contract';
import { createQueryClient } from './query-client';

const ApiContext = createContext<PoolConsoleApi | null>(null);

/**
 * The contract object (preload, web client, or the in-memory one in component tests), and the
 * cache of its answers (one per provider unless given).
 */
export function ApiProvider({ api, queryClient, children }: { api: PoolConsoleApi; queryClient?: QueryClient; children: ReactNode }) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  return (
    <ApiContext.Provider value={api}>
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </ApiContext.Provider>
  );
}

export function useApi(): PoolConsoleApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() needs an <ApiProvider>');
  return api;
}
