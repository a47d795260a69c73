import type { PoolEntry } from '../../../shared/pool-types';
import { asDate } from '../../../shared/format';

/** Past its deadline and not being processed: the same rule as the `overdue` filter and tile. */
export function isOverdue(entry: Pick<PoolEntry, 'status' | 'deadlineTime'>, now: number = Date.now()): boolean {
  const deadline = asDate(entry.deadlineTime);
  return entry.status !== 'processing' && deadline !== null && deadline.getTime() < now;
}
