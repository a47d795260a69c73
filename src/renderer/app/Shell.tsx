import { useEffect, useState } from 'react';
import { EnvironmentBadge } from '../components/EnvironmentBadge';
import { ErrorNotice } from '../components/ErrorNotice';
import type { ConnectionState } from '../../shared/contract';
import { useConnection } from './connection-context';
import { PAGES, type PageId } from './pages';
import { useAlertWatch } from './use-alert-watch';
import { filtersFromLink } from '../pages/entries/filters';

/** What the header pill says for each state; never "connected" while the database is not answering. */
const STATUS_LABELS: Record<ConnectionState['status'], string> = {
  disconnected: 'disconnected',
  connecting: 'connecting',
  connected: 'connected',
  'not-responding': 'not responding',
  lost: 'lost',
  'database-missing': 'database missing',
};

const TROUBLE_TITLES: Partial<Record<ConnectionState['status'], string>> = {
  'not-responding': 'The database server is not responding',
  lost: 'Connection to the database lost',
  'database-missing': 'The database is missing',
};

/** Layout, navigation (Alt+1…9), the connection status every page shares, and the alerts' badge and notifications. */
export function Shell({ initialPage }: { initialPage?: PageId }) {
  const { state, backError } = useConnection();
  const alerts = useAlertWatch(state?.connected ? `${state.profileName ?? ''}|${state.host ?? ''}|${state.database ?? ''}` : null);
  const firing = alerts.data?.available ? alerts.data.firing.length : 0;
  // A deep link (the Entries page's filters in the address's fragment) opens that page with them.
  const [current, setCurrent] = useState<{ page: PageId; state?: Record<string, unknown> }>(() =>
    filtersFromLink(window.location.hash) ? { page: 'entries', state: { link: window.location.hash } } : { page: initialPage ?? 'connection' },
  );
  const navigate = (page: PageId, pageState?: Record<string, unknown>) => setCurrent({ page, state: pageState });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const page = PAGES.find((candidate) => candidate.key === event.key);
      if (page) {
        event.preventDefault();
        setCurrent({ page: page.id });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const spec = PAGES.find((page) => page.id === current.page) ?? PAGES[0]!;
  const Page = spec.component;
  const connected = Boolean(state?.connected);
  return (
    <div className="shell">
      <header className="shell-header">
        <span className="app-name">Pool Console</span>
        {state?.connected ? (
          <span className="connection-summary" data-testid="connection-summary">
            <EnvironmentBadge environment={state.environment} readOnly={state.readOnly} /> {state.profileName} · {state.database} @ {state.host}
          </span>
        ) : (
          <span className="connection-summary muted">not connected</span>
        )}
        <span className={`status-pill status-${backError ? 'lost' : (state?.status ?? 'disconnected')}`} data-testid="connection-status">
          {backError ? 'console unreachable' : state ? STATUS_LABELS[state.status] : '…'}
        </span>
      </header>
      {state && TROUBLE_TITLES[state.status] ? (
        <div className="banner banner-lost" role="alert">
          {TROUBLE_TITLES[state.status]}: {state.message}. Figures shown are from before; the console keeps checking and says when it answers again.
        </div>
      ) : null}
      {backError ? <ErrorNotice error={backError} title="The console's back cannot be reached" /> : null}
      <nav className="shell-nav" aria-label="Pages">
        {PAGES.map((page) => (
          <button
            key={page.id}
            type="button"
            className={page.id === spec.id ? 'nav-item active' : 'nav-item'}
            aria-current={page.id === spec.id ? 'page' : undefined}
            onClick={() => navigate(page.id)}
          >
            {page.title}{' '}
            {page.id === 'alerts' && firing > 0 ? (
              <span className="nav-badge" data-testid="alerts-badge" title={`${firing} firing`}>
                {firing}
              </span>
            ) : null}{' '}
            <kbd>Alt+{page.key}</kbd>
          </button>
        ))}
      </nav>
      <main className="shell-main">
        {spec.needsConnection && !connected ? (
          <div className="notice">
            <p>Connect to a database first.</p>
            <button type="button" onClick={() => navigate('connection')}>
              Go to Connection
            </button>
          </div>
        ) : (
          <Page navigate={navigate} state={current.state} />
        )}
      </main>
    </div>
  );
}
