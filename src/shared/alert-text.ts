import { ALERT_KIND_TEXT, type AlertEvent } from './results/alerts.js';
import { plural } from './plural.js';

/*
 * How a group of alert events is written, the same in the agent's webhook and the console's
 * notifications: one line for the group ("2 alerts firing, 1 resolved"), one per event.
 */

/** "2 alerts firing, 1 resolved"; "1 alert firing"; "1 alert resolved". */
export function alertGroupSummary(events: readonly Pick<AlertEvent, 'state'>[]): string {
  const firing = events.filter((event) => event.state === 'firing').length;
  const resolved = events.length - firing;
  if (firing && resolved) return `${plural(firing, 'alert')} firing, ${resolved} resolved`;
  return firing ? `${plural(firing, 'alert')} firing` : `${plural(resolved, 'alert')} resolved`;
}

/** "FIRING Stuck leases: 12 leases held longer than 1 h (…)". */
export function alertEventLine(event: Pick<AlertEvent, 'kind' | 'state' | 'message'>): string {
  return `${event.state === 'firing' ? 'FIRING' : 'RESOLVED'} ${ALERT_KIND_TEXT[event.kind].title}: ${event.message}`;
}
