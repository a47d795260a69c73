import { ALERT_KIND_TEXT, type AlertEvent } from '../../../shared/results/alerts';
import type { DesktopNotice } from '../../../shared/ipc-protocol';

/**
 * Which alert events deserve a notification, and its words. Every event is one rule's state
 * change, written once; the tracker remembers the newest id it has seen so none is told twice,
 * keeps only each rule's newest change of a batch, and makes one notification of a batch.
 */
export class AlertNoticeTracker {
  private newestId: number | null = null;

  /** `openedAt`: the page (or connection) start; older events were there before anyone watched. */
  constructor(private readonly openedAt: number) {}

  /** The notification for what changed since the last call (events in any order), or null. */
  take(events: readonly AlertEvent[]): DesktopNotice | null {
    const seen = this.newestId;
    // First answer: what happened before the page opened is history, not news.
    const unseen = events.filter((event) => (seen === null ? event.at.getTime() > this.openedAt : event.id > seen));
    for (const event of events) this.newestId = Math.max(this.newestId ?? 0, event.id);
    if (seen === null && this.newestId === null) this.newestId = 0;
    return groupNotice(newestPerRule(unseen));
  }
}

/** A rule that fired and resolved between two looks is told once, as it is now. */
export function newestPerRule(events: readonly AlertEvent[]): AlertEvent[] {
  const newest = new Map<string, AlertEvent>();
  for (const event of events) {
    const known = newest.get(event.kind);
    if (!known || event.id > known.id) newest.set(event.kind, event);
  }
  return [...newest.values()];
}

const line = (event: AlertEvent) => `${event.state === 'firing' ? 'FIRING' : 'resolved'}: ${ALERT_KIND_TEXT[event.kind].title} — ${event.message}`;

/** One change: its rule and message; several: "3 alerts: 2 firing, 1 resolved" and a line each, firing first. */
export function groupNotice(changes: readonly AlertEvent[]): DesktopNotice | null {
  if (changes.length === 0) return null;
  if (changes.length === 1) {
    const [event] = changes as [AlertEvent];
    return { title: `Alert ${event.state}: ${ALERT_KIND_TEXT[event.kind].title}`, body: event.message };
  }
  const ordered = [...changes].sort((a, b) => (a.state === b.state ? b.id - a.id : a.state === 'firing' ? -1 : 1));
  const firing = ordered.filter((event) => event.state === 'firing').length;
  const parts = [firing ? `${firing} firing` : '', ordered.length - firing ? `${ordered.length - firing} resolved` : ''].filter(Boolean);
  return { title: `${changes.length} alerts: ${parts.join(', ')}`, body: ordered.map(line).join('\n') };
}
