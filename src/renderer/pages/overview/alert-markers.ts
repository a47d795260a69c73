import { formatUtc } from '../../../shared/format';
import { ALERT_KIND_TEXT, type AlertEvent } from '../../../shared/results/alerts';
import { byTime, type ChartMarker } from './chart-markers';

/** Each alert event where it happened: red when its rule fired, green when it resolved. */
export function alertMarkers(events: readonly AlertEvent[]): ChartMarker[] {
  return events
    .map((event): ChartMarker => {
      const title = ALERT_KIND_TEXT[event.kind].title;
      return {
        source: 'alert',
        id: event.id,
        t: event.at.getTime(),
        label: `${event.state === 'firing' ? '▲' : '✓'} ${title}`,
        text: `${formatUtc(event.at)} · alert ${event.state}: ${title} · ${event.message}`,
        tone: event.state,
      };
    })
    .sort(byTime);
}
