import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { ApiProvider } from '../../src/renderer/api/api-context';
import { createQueryClient } from '../../src/renderer/api/query-client';
import { ConnectionProvider } from '../../src/renderer/app/connection-context';
import type { PoolConsoleApi } from '../../src/shared/contract';

/**
 * Renders one page inside the providers the shell gives it, over the given contract object, with
 * a cache of its own (no answer kept from another test; retries off, as in the console).
 */
export function renderInConsole(api: PoolConsoleApi, page: ReactElement) {
  const user = userEvent.setup();
  render(
    <ApiProvider api={api} queryClient={createQueryClient()}>
      <ConnectionProvider>{page}</ConnectionProvider>
    </ApiProvider>,
  );
  return user;
}
