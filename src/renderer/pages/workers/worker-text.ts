import type { WorkerInfo, WorkerState } from '../../../shared/results/workers';
import { formatDuration } from '../../../shared/format';

/** What each state means, for the state cell's title. */
export const STATE_MEANING: Record<WorkerState, string> = {
  alive: 'heartbeat within 1.5 of its intervals',
  late: 'heartbeat missed: within 3 of its intervals',
  dead: 'no heartbeat for more than 3 of its intervals: its leases can be released',
  stopped: 'the worker stopped and said so',
  'no-heartbeat': 'holds leases but never heartbeat (another implementation, or an older worker): known from POOL_CLAIMED_BY alone',
};

/** Owners whose leases may be released without force: nobody is working on them. */
export function releasable(worker: WorkerInfo): boolean {
  return worker.leases > 0 && (worker.state === 'dead' || worker.state === 'no-heartbeat' || worker.state === 'stopped');
}

/** A heartbeat interval: "300 ms" below a second, "10 s", "1 m" above. */
export function intervalText(ms: number): string {
  return ms < 1000 ? `${ms} ms` : formatDuration(ms / 1000);
}

/** "12 s ago (every 10 s)", or an em dash without a heartbeat. */
export function heartbeatText(worker: WorkerInfo): string {
  if (worker.heartbeatAgeMs === null) return '—';
  const every = worker.heartbeatIntervalMs ? ` (every ${intervalText(worker.heartbeatIntervalMs)})` : '';
  return `${formatDuration(worker.heartbeatAgeMs / 1000)} ago${every}`;
}
