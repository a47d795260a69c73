import { ALERT_KIND_TEXT, type AlertEvent } from '../../../shared/results/alerts';
import { formatAlertValue, sinceText } from './alert-text';

/** The rules firing now, each with its message, since when and the figure that crossed. */
export function FiringAlerts({ firing, now }: { firing: readonly AlertEvent[]; now: number }) {
  if (firing.length === 0) {
    return (
      <p className="verdict-ok" data-testid="no-firing">
        No alert is firing.
      </p>
    );
  }
  return (
    <ul className="firing-alerts" aria-label="Firing alerts">
      {[...firing]
        .sort((a, b) => b.at.getTime() - a.at.getTime())
        .map((event) => (
          <li key={event.id} className="notice notice-error" data-testid={`firing-${event.kind}`}>
            <strong>{ALERT_KIND_TEXT[event.kind].title}</strong>: {event.message}{' '}
            <span className="muted">
              · {sinceText(event, now)} · value {formatAlertValue(event.value)}
            </span>
          </li>
        ))}
    </ul>
  );
}
