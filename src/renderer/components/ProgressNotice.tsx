import { useState } from 'react';
import type { ProgressEvent } from '../../shared/contract';
import { useStream } from '../api/hooks';

/**
 * Progress of long work (migrations, cleanup, import) while `active`, from the progress stream.
 * Subscribed all along: the first event follows the call at once, before `active` re-renders.
 */
export function ProgressNotice({ operation, active }: { operation: ProgressEvent['operation']; active: boolean }) {
  const [last, setLast] = useState<ProgressEvent | null>(null);
  const [wasActive, setWasActive] = useState(active);
  if (active !== wasActive) {
    setWasActive(active);
    if (active) setLast(null);
  }
  useStream('progress', {}, (event) => {
    if (event.operation === operation) setLast(event);
  });
  if (!active) return null;
  const fraction = last?.total ? Math.min(1, (last.done ?? 0) / last.total) : null;
  return (
    <div className="notice notice-progress" role="status">
      <span className="spinner" aria-hidden="true" /> {last?.message ?? 'Working…'}
      {fraction !== null ? <progress value={fraction} max={1} /> : null}
    </div>
  );
}
