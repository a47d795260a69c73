import { useEffect, useState } from 'react';

/**
 * The clock, for "how long ago" and "overdue" labels: read once on mount and then every
 * `intervalMs`, so rendering stays pure (no Date.now() during render) and the labels keep up.
 */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
