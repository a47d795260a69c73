import { PoolError } from '../../shared/errors.js';

/*
 * Cancel at a boundary: a long write checks its caller's AbortSignal only between batches (after
 * the previous batch's transaction committed) or between migrations, never inside one, so what it
 * did is committed and counted, and what it did not do is untouched.
 */

/** The message when a run stops before its first change; AuditLog.audited words it for a run with a row. */
export const CANCELLED_BEFORE_START = 'Cancelled before anything was changed.';

/** Throws CANCELLED if `signal` was aborted; call it only where stopping leaves nothing half done. */
export function stopIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new PoolError('CANCELLED', 'Cancelled between batches (or migrations): what was done is committed, the rest is unchanged.');
}

export function isCancelled(error: unknown): error is PoolError {
  return error instanceof PoolError && error.code === 'CANCELLED';
}
