import { useEffect, useRef } from 'react';
import type { AlertOverview } from '../../shared/results/alerts';
import { useCall, type CallState } from '../api/hooks';
import { AlertNoticeTracker } from '../pages/alerts/alert-notices';
import { useNotifier } from './notifier';

/** How often the shell asks for the alerts: the leader evaluates about this often, two cheap reads. */
export const ALERTS_POLL_MS = 15_000;
/**
 * The newest events read, for notifications and the Alerts page's list (one cached answer for
 * both): enough for any one poll's changes, six rules each firing and resolving a few times.
 */
export const ALERT_EVENTS_SHOWN = 50;

/** The shared alert overview (one cached answer for the shell, the Overview banner and the Alerts page). */
export function useAlertOverview(enabled = true, pollMs = ALERTS_POLL_MS): CallState<AlertOverview> {
  return useCall('alerts.overview', {}, { enabled, pollMs });
}

/**
 * While connected: the alert overview (the nav badge counts its firing rules) and the newest
 * events, turned into notifications (alert-notices.ts: once each, grouped, none from before
 * `watching` began). A new connection (`connectionKey`) starts afresh: its ids are another database's.
 */
export function useAlertWatch(connectionKey: string | null, pollMs = ALERTS_POLL_MS): CallState<AlertOverview> {
  const notifier = useNotifier();
  const connected = connectionKey !== null;
  const overview = useAlertOverview(connected, pollMs);
  const available = overview.data?.available === true;
  const events = useCall('alerts.events', { limit: ALERT_EVENTS_SHOWN }, { enabled: connected && available, pollMs });
  const tracker = useRef<AlertNoticeTracker | null>(null);

  // Watching (re)starts: what the database holds from before is history.
  useEffect(() => {
    tracker.current = new AlertNoticeTracker(Date.now());
  }, [connectionKey]);
  // Only a settled answer: while one is awaited the cache may still hold another connection's.
  const { data, loading } = events;
  useEffect(() => {
    if (!data || loading || !tracker.current) return;
    const notice = tracker.current.take(data);
    if (notice) notifier.show(notice);
  }, [data, loading, notifier]);
  return overview;
}
