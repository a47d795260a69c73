import { useState } from 'react';
import type { PoolEntry } from '../../../shared/pool-types';
import { useApi } from '../../api/api-context';
import { toCallError, type CallError } from '../../api/call-error';
import { useConnection } from '../../app/connection-context';
import { WriteButton } from '../../components/ActionButton';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { applies, ENTRY_ACTIONS, type EntryActionSpec } from './entry-actions';

type Outcome = { kind: 'changed' | 'unchanged'; message: string } | { kind: 'error'; error: CallError };

/**
 * Retry, reset lease, remove: each confirmed (database, 1 row, reason for the audit log), refused
 * by WriteButton when writing is, and followed by a result message and `onChanged` (refresh).
 */
export function EntryActionBar({ bookingId, entry, onChanged }: { bookingId: number; entry: PoolEntry | null; onChanged: () => void }) {
  const api = useApi();
  const database = useConnection().state?.database ?? 'the connected database';
  const [asking, setAsking] = useState<EntryActionSpec | null>(null);
  const [running, setRunning] = useState<EntryActionSpec | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const run = async (action: EntryActionSpec, reason: string) => {
    setAsking(null);
    setRunning(action);
    setOutcome(null);
    try {
      const { changed } = await api.call(action.operation, { bookingId, reason });
      setOutcome(changed ? { kind: 'changed', message: action.done(bookingId) } : { kind: 'unchanged', message: action.unchanged(bookingId) });
    } catch (failure) {
      setOutcome({ kind: 'error', error: toCallError(failure) });
    } finally {
      setRunning(null);
      // Refresh after a failure too: the row may have changed under us (that is what CONFLICT says).
      onChanged();
    }
  };

  return (
    <section className="drawer-section" aria-label="Actions">
      <h3>Actions</h3>
      <div className="row">
        {ENTRY_ACTIONS.map((action) => {
          const possible = applies(action, entry);
          return (
            <WriteButton
              key={action.operation}
              className={action.operation === 'entries.remove' ? 'danger' : undefined}
              disabled={!possible || running !== null}
              title={possible ? action.explains : action.notApplicable}
              onClick={() => {
                setOutcome(null);
                setAsking(action);
              }}
            >
              {running === action ? `${action.label}…` : action.label}
            </WriteButton>
          );
        })}
      </div>
      {running ? (
        <div className="notice notice-progress" role="status">
          <span className="spinner" aria-hidden="true" /> {running.label}: booking {bookingId}…
        </div>
      ) : null}
      {outcome?.kind === 'error' ? <ErrorNotice error={outcome.error} title="The action failed" /> : null}
      {outcome && outcome.kind !== 'error' ? (
        <div className={outcome.kind === 'changed' ? 'notice notice-ok' : 'notice notice-warn'} role="status">
          {outcome.message}
        </div>
      ) : null}
      {asking ? (
        <ConfirmDialog
          request={{
            title: `${asking.label}: booking ${bookingId}`,
            database,
            rows: 1,
            body: <p>{asking.explains}</p>,
            confirmLabel: asking.label,
            askReason: true,
          }}
          onConfirm={(reason) => void run(asking, reason)}
          onCancel={() => setAsking(null)}
        />
      ) : null}
    </section>
  );
}
