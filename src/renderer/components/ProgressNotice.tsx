import { useState } from 'react';
import type { ProgressEvent } from '../../shared/contract';
import { useStream } from '../api/hooks';

/**
 * Progress of long work (migrations, cleanup, import…) while `active`, from the progress stream,
 * with Cancel beside it when `onCancel` is given: the back stops after its current step or batch,
 * and the call then fails CANCELLED saying how much was done (ErrorNotice shows that as neutral).
 * Subscribed all along: the first event follows the call at once, before `active` re-renders.
 */
export function ProgressNotice({ operation, active, onCancel }: { operation: ProgressEvent['operation']; active: boolean; onCancel?: () => void }) {
  const [last, setLast] = useState<ProgressEvent | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [wasActive, setWasActive] = useState(active);
  if (active !== wasActive) {
    setWasActive(active);
    setCancelling(false);
    if (active) setLast(null);
  }
  useStream('progress', {}, (event) => {
    if (event.operation === operation) setLast(event);
  });
  if (!active) return null;
  const fraction = last?.total ? Math.min(1, (last.done ?? 0) / last.total) : null;
  const cancel = () => {
    setCancelling(true);
    onCancel?.();
  };
  return (
    <div className="notice notice-progress" role="status">
      <span className="spinner" aria-hidden="true" /> {cancelling ? 'Cancelling: stopping after the current batch…' : (last?.message ?? 'Working…')}
      {fraction !== null ? <progress value={fraction} max={1} /> : null}
      {onCancel ? (
        <button type="button" className="progress-cancel" onClick={cancel} disabled={cancelling}>
          Cancel
        </button>
      ) : null}
    </div>
  );
}
