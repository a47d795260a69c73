import type { PoolConsoleApi } from '../shared/contract';
import { ApiProvider } from './api/api-context';
import { ConnectionProvider } from './app/connection-context';
import type { PageId } from './app/pages';
import { Shell } from './app/Shell';

export function App({ api, initialPage }: { api: PoolConsoleApi; initialPage?: PageId }) {
  return (
    <ApiProvider api={api}>
      <ConnectionProvider>
        <Shell initialPage={initialPage} />
      </ConnectionProvider>
    </ApiProvider>
  );
}
