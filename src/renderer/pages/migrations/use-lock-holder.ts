import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { LockHolder, MigrationOverview } from '../../../shared/results/schema';
import { useCall } from '../../api/hooks';
import type { CallError } from '../../api/call-error';
import { queryKey } from '../../api/query-client';

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
  const client = useQueryClient();
  // A fresh status answer wins over an older poll answer.
  useEffect(() => {
    if (status) client.setQueryData(queryKey('migrations.lockHolder', {}), status.lockHolder);
  }, [client, status]);
  const polled = useCall('migrations.lockHolder', {}, { pollMs: LOCK_POLL_MS, enabled: status !== undefined });
  return { holder: polled.data, error: polled.error };
}

/** "a migration is running on connection 42 (pool@10.0.0.5) for 12 s" */
export function describeLockHolder(holder: LockHolder): string {
  const who = `${holder.user ?? 'unknown user'}@${holder.host ?? 'unknown host'}`;
  const since = holder.heldForSeconds === null ? '' : ` for ${holder.heldForSeconds} s`;
  if (holder.connectionId === null) return `A migration is running, held across the cluster by ${holder.owner ?? who}${since}`;
  return `A migration is running on connection ${holder.connectionId} (${who})${since}`;
}
