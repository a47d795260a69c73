import type { AlertEvent } from '../../shared/results/alerts.js';
import type { Database } from '../db/database.js';
import { alertEventsAfter, newestAlertEventId } from './alert-events.js';
import { alertsAvailable, noAlertTables } from './alert-tables.js';

/*
 * New alert events as they are written, by polling POOL_ALERT_EVENTS on its id (the primary key):
 * it starts after the newest id at start, so no history is replayed, and each poll hands over what
 * came since the last one, oldest first, in one call (the webhook groups them into one POST).
 */

export interface AlertEventFeedOptions {
  /** Milliseconds between polls. */
  intervalMs: number;
  onEvents: (events: AlertEvent[]) => void;
  /** A failed poll (the next one tries again from the same id: nothing is skipped). */
  onError: (error: unknown) => void;
  /** The most events one read takes (more are read at once by the next). */
  batch?: number;
}

export class AlertEventFeed {
  private cursor = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private polling: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly db: Database, private readonly options: AlertEventFeedOptions) {}

  /** The id the next poll reads after. */
  get after(): number {
    return this.cursor;
  }

  /** Starts after the newest event now; NO_TABLE before migration 0009. */
  async start(): Promise<void> {
    if (!(await alertsAvailable(this.db))) throw noAlertTables('The agent has no alert events to send.');
    this.cursor = await newestAlertEventId(this.db);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.polling;
  }

  private schedule(delayMs = this.options.intervalMs): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.polling = this.poll().finally(() => {
        this.polling = null;
      });
    }, delayMs);
  }

  private async poll(): Promise<void> {
    const batch = this.options.batch ?? 500;
    let full = false;
    try {
      const events = await alertEventsAfter(this.db, this.cursor, batch);
      if (events.length > 0) {
        this.cursor = events[events.length - 1]!.id;
        this.options.onEvents(events);
      }
      full = events.length === batch;
    } catch (error) {
      this.options.onError(error);
    }
    this.schedule(full ? 0 : this.options.intervalMs);
  }
}
