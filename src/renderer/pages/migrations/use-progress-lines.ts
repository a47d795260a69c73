import { useCallback, useState } from 'react';
import type { ProgressEvent } from '../../../shared/contract';
import { useStream } from '../../api/hooks';

/**
 * Every progress line of one operation, subscribed for as long as the page is open (so that a
 * line sent just after the call starts is never missed); `clear()` starts a new run's list.
 */
export function useProgressLines(operation: ProgressEvent['operation']): { lines: ProgressEvent[]; clear: () => void } {
  const [lines, setLines] = useState<ProgressEvent[]>([]);
  useStream('progress', {}, (event) => {
    if (event.operation === operation) setLines((previous) => [...previous, event]);
  });
  const clear = useCallback(() => setLines([]), []);
  return { lines, clear };
}
