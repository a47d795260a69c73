import { ALERT_KIND_TEXT } from '../../../shared/results/alerts';
import type { PageProps } from '../../app/pages';
import { useAlertOverview } from '../../app/use-alert-watch';
import { useNow } from '../../app/use-now';
import { ErrorNotice } from '../../components/ErrorNotice';
import { sinceText } from '../alerts/alert-text';

/**
 * The rules firing now, compact, above the charts; one click to the Alerts page. The same cached
 * answer as the shell's badge. Nothing while none fires or before the alert tables exist.
 */
export function AlertBanner({ navigate }: Pick<PageProps, 'navigate'>) {
  const overview = useAlertOverview();
  const now = useNow(15_000);
  const firing = overview.data?.available ? overview.data.firing : [];
  if (overview.error) return <ErrorNotice error={overview.error} title="The alerts could not be read" />;
  if (firing.length === 0) return null;
  return (
    <section className="notice notice-error alert-banner" role="alert" aria-label="Alerts firing" data-testid="alert-banner">
      <strong>{firing.length === 1 ? '1 alert firing' : `${firing.length} alerts firing`}</strong>
      <ul>
        {firing.map((event) => (
          <li key={event.id}>
            {ALERT_KIND_TEXT[event.kind].title}: {event.message} <span className="muted">· {sinceText(event, now)}</span>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => navigate('alerts')}>
        Open Alerts
      </button>
    </section>
  );
}
