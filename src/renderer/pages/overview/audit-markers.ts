import { formatUtc } from '../../../shared/format';
import { plural } from '../../../shared/plural';
import type { AuditEntry } from '../../../shared/results/audit';

/** An operator's action drawn on the history charts, at the time it was written to the audit log. */
export interface AuditMarker {
  id: number;
  t: number;
  /** Short, beside the line: the action. */
  label: string;
  /** On hover: who, what, how many rows, why. */
  text: string;
  failed: boolean;
}

/** Reads are not actions: only what an operator changed (or tried to) gets a marker. */
export function auditMarkers(entries: readonly AuditEntry[]): AuditMarker[] {
  return entries
    .map((entry) => {
      const time = new Date(entry.time);
      const outcome = entry.outcome === 'ok' ? '' : ` (${entry.outcome})`;
      const target = entry.bookingId === null ? '' : ` on booking ${entry.bookingId}`;
      return {
        id: entry.auditId,
        t: time.getTime(),
        label: entry.action,
        text: `${formatUtc(time)} · ${entry.actor} · ${entry.action}${target}${outcome} · ${plural(entry.affectedRows, 'row')} · why: ${entry.reason ?? 'no reason given'}`,
        failed: entry.outcome !== 'ok',
      };
    })
    .sort((a, b) => a.t - b.t);
}
