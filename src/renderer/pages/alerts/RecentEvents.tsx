import { formatUtc } from '../../../shared/format';
import { ALERT_KIND_TEXT, type AlertEvent } from '../../../shared/results/alerts';
import { formatAlertValue } from './alert-text';

/** The newest firing and resolved events, newest first. */
export function RecentEvents({ events, limit }: { events: readonly AlertEvent[]; limit: number }) {
  if (events.length === 0) return <p className="muted">No alert has fired or resolved yet.</p>;
  return (
    <div className="table-scroll">
      <table className="alert-events" aria-label="Recent alert events">
        <thead>
          <tr>
            <th>When (UTC)</th>
            <th>State</th>
            <th>Rule</th>
            <th className="number">Value</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id} data-testid={`alert-event-${event.id}`} data-state={event.state}>
              <td>{formatUtc(event.at, { zone: false })}</td>
              <td className={event.state === 'firing' ? 'verdict-bad' : 'verdict-ok'}>{event.state}</td>
              <td>{ALERT_KIND_TEXT[event.kind].title}</td>
              <td className="number">{formatAlertValue(event.value)}</td>
              <td>{event.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {events.length >= limit ? <p className="muted">The newest {limit} events; older ones are in POOL_ALERT_EVENTS and on the Overview's history charts.</p> : null}
    </div>
  );
}
