import { formatUtc } from '../../../shared/format';
import { plural } from '../../../shared/plural';
import type { AuditEntry } from '../../../shared/results/audit';
import { byTime, type ChartMarker } from './chart-markers';

/** Reads are not actions: only what an operator changed (or tried to) gets a marker, at the time it was written to the audit log. */
export function auditMarkers(entries: readonly AuditEntry[]): ChartMarker[] {
  return entries
    .map((entry): ChartMarker => {
      const time = new Date(entry.time);
      const outcome = entry.outcome === 'ok' ? '' : ` (${entry.outcome})`;
      const target = entry.bookingId === null ? '' : ` on booking ${entry.bookingId}`;
      return {
        source: 'audit',
        id: entry.auditId,
        t: time.getTime(),
        label: entry.action,
        text: `${formatUtc(time)} · ${entry.actor} · ${entry.action}${target}${outcome} · ${plural(entry.affectedRows, 'row')} · why: ${entry.reason ?? 'no reason given'}`,
        tone: entry.outcome === 'ok' ? 'action' : 'failed',
      };
    })
    .sort(byTime);
}
