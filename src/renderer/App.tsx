import type { PoolConsoleApi } from '../shared/contract';
import { ApiProvider } from './api/api-context';
import { ConnectionProvider } from './app/connection-context';
import type { PageId } from './app/pages';
import { NotifierProvider, type Notifier } from './app/notifier';
import { Shell } from './app/Shell';

/** `notifier`: where alert notifications go (default: the preload's, else the browser's; tests record). */
export function App({ api, initialPage, notifier }: { api: PoolConsoleApi; initialPage?: PageId; notifier?: Notifier }) {
  return (
    <ApiProvider api={api}>
      <ConnectionProvider>
        <NotifierProvider notifier={notifier}>
          <Shell initialPage={initialPage} />
        </NotifierProvider>
      </ConnectionProvider>
    </ApiProvider>
  );
}
