import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { ApiProvider } from '../../src/renderer/api/api-context';
import { ConnectionProvider } from '../../src/renderer/app/connection-context';
import type { PoolConsoleApi } from '../../src/shared/contract';

/** Renders one page inside the providers the shell gives it, over the given contract object. */
export function renderInConsole(api: PoolConsoleApi, page: ReactElement) {
  const user = userEvent.setup();
  render(
    <ApiProvider api={api}>
      <ConnectionProvider>{page}</ConnectionProvider>
    </ApiProvider>,
  );
  return user;
}
