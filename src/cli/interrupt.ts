/**
 * Ctrl-C during an operation: the first one cancels it as the console's Cancel button does (a long
 * write stops after its current batch, its audit row says `cancelled`); a second one quits at once
 * (the write's audit row is then marked `interrupted` by the next run).
 */
export async function cancelOnInterrupt<T>(say: (line: string) => void, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const cancel = new AbortController();
  const interrupt = () => {
    if (cancel.signal.aborted) process.exit(130);
    say('Cancelling after the current batch… (Ctrl-C again to quit now)');
    cancel.abort();
  };
  process.on('SIGINT', interrupt);
  try {
    return await work(cancel.signal);
  } finally {
    process.off('SIGINT', interrupt);
  }
}

/**
 * For a command that runs until stopped (serve, agent): resolves on the first SIGINT or SIGTERM, so
 * the caller can close cleanly; a second Ctrl-C while it closes ends the process at once.
 */
export function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.once('SIGINT', () => process.exit(130));
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
