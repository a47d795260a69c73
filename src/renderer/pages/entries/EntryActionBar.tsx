import { useState } from 'react';
import type { PoolEntry } from '../../../shared/pool-types';
import type { CallError } from '../../api/call-error';
import { useAction } from '../../api/hooks';
import { useConnection } from '../../app/connection-context';
import { WriteButton } from '../../components/ActionButton';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { applies, ENTRY_ACTIONS, type EntryActionSpec } from './entry-actions';

type Outcome = { kind: 'changed' | 'unchanged'; message: string } | { kind: 'error'; error: CallError };

/**
 * Retry, reset lease, remove: each confirmed (database, 1 row, reason for the audit log), refused
 * by WriteButton when writing is, and followed by a result message. Each write makes the entry's
 * detail and the list stale, after a failure too (the row may have changed under us: that is what
 * CONFLICT says), so both are read again (api/invalidates.ts).
 */
export function EntryActionBar({ bookingId, entry }: { bookingId: number; entry: PoolEntry | null }) {
  const database = useConnection().state?.database ?? 'the connected database';
  const writes = { 'entries.retry': useAction('entries.retry'), 'entries.reset': useAction('entries.reset'), 'entries.remove': useAction('entries.remove') };
  const [asking, setAsking] = useState<EntryActionSpec | null>(null);
  // The action last run here, whose outcome is shown.
  const [last, setLast] = useState<EntryActionSpec | null>(null);
  const write = last ? writes[last.operation] : null;
  const running = write?.running ? last : null;
  const outcome: Outcome | null =
    !last || !write || write.running ? null
    : write.error ? { kind: 'error', error: write.error }
    : write.result ? (write.result.changed ? { kind: 'changed', message: last.done(bookingId) } : { kind: 'unchanged', message: last.unchanged(bookingId) })
    : null;

  const run = (action: EntryActionSpec, reason: string) => {
    setAsking(null);
    writes[action.operation].reset();
    setLast(action);
    void writes[action.operation].run({ bookingId, reason });
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
                setLast(null);
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
          onConfirm={(reason) => run(asking, reason)}
          onCancel={() => setAsking(null)}
        />
      ) : null}
    </section>
  );
}
