import { useEffect, useState } from 'react';
import type { LockHolder, MigrationOverview } from '../../../shared/results/schema';
import { useApi } from '../../api/api-context';
import { toCallError, type CallError } from '../../api/call-error';

export const LOCK_POLL_MS = 3000;

export interface LockHolderState {
  /** undefined until the first answer (from the status or the poll). */
  holder: LockHolder | null | undefined;
  error: CallError | null;
}

/**
 * Who holds the migration lock, polled every few seconds while the page is open. Each status
 * answer seeds it with its own lockHolder, so the page knows at once.
 */
export function useLockHolder(status: MigrationOverview | undefined): LockHolderState {
  const api = useApi();
  const [polled, setPolled] = useState<LockHolderState>({ holder: undefined, error: null });
  const [seededFrom, setSeededFrom] = useState<MigrationOverview | undefined>(undefined);

  // A fresh status answer wins over an older poll answer (adjusting state while rendering).
  if (status && status !== seededFrom) {
    setSeededFrom(status);
    setPolled({ holder: status.lockHolder, error: null });
  }

  useEffect(() => {
    let current = true;
    const poll = () =>
      api.call('migrations.lockHolder', {}).then(
        (holder) => current && setPolled({ holder, error: null }),
        (error: unknown) => current && setPolled((previous) => ({ holder: previous.holder, error: toCallError(error) })),
      );
    const timer = setInterval(() => void poll(), LOCK_POLL_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [api]);

  return polled;
}

/** "a migration is running on connection 42 (pool@10.0.0.5) for 12 s" */
export function describeLockHolder(holder: LockHolder): string {
  const who = `${holder.user ?? 'unknown user'}@${holder.host ?? 'unknown host'}`;
  const since = holder.heldForSeconds === null ? '' : ` for ${holder.heldForSeconds} s`;
  return `A migration is running on connection ${holder.connectionId} (${who})${since}`;
}
