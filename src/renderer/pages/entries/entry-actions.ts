import type { PoolEntry, PoolStatus } from '../../../shared/pool-types';

/** The one-row actions of the detail drawer: which operation, when it applies, what to tell the operator. */
export interface EntryActionSpec {
  operation: 'entries.retry' | 'entries.reset' | 'entries.remove';
  label: string;
  /** The only status it applies to; undefined: any pooled entry. */
  onlyFor?: PoolStatus;
  notApplicable: string;
  explains: string;
  done: (bookingId: number) => string;
  unchanged: (bookingId: number) => string;
}

export const ENTRY_ACTIONS: readonly EntryActionSpec[] = [
  {
    operation: 'entries.retry',
    label: 'Retry',
    onlyFor: 'failed',
    notApplicable: 'Only a failed entry can be retried.',
    explains: 'Sends the failed entry back to waiting; its attempts stay as they are.',
    done: (id) => `Booking ${id} is waiting again.`,
    unchanged: (id) => `Nothing changed: booking ${id} was no longer failed.`,
  },
  {
    operation: 'entries.reset',
    label: 'Reset lease',
    onlyFor: 'processing',
    notApplicable: 'Only a processing entry has a lease to reset.',
    explains: "Releases the worker's lease and puts the entry back to waiting. Do this only when its worker is gone.",
    done: (id) => `Lease of booking ${id} released; the entry is waiting again.`,
    unchanged: (id) => `Nothing changed: booking ${id} was no longer processing.`,
  },
  {
    operation: 'entries.remove',
    label: 'Remove from pool',
    notApplicable: 'The booking is not in the pool.',
    explains: 'Takes the booking out of the pool; the booking itself stays. No worker will assign it from the pool.',
    done: (id) => `Booking ${id} removed from the pool.`,
    unchanged: (id) => `Nothing changed: booking ${id} was no longer in the pool.`,
  },
];

export function applies(action: EntryActionSpec, entry: PoolEntry | null): boolean {
  return entry !== null && (action.onlyFor === undefined || entry.status === action.onlyFor);
}
