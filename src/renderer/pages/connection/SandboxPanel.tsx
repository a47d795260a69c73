import { useState } from 'react';
import type { ProgressEvent } from '../../../shared/contract';
import { useAction, useStream } from '../../api/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';

/**
 * Opens the local sandbox (a private database server with demo data). The first start can take
 * many seconds, so it shows the back's progress messages; on success `onOpened` takes over.
 */
export function SandboxPanel({ prominent, onOpened }: { prominent: boolean; onOpened: () => void }) {
  const open = useAction('connection.connect');
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  // Subscribed for as long as the panel shows, not only while opening: the first message comes
  // right after the call starts, before a subscription made on "running" would exist.
  useStream('progress', {}, (event) => {
    if (event.operation === 'connection') setProgress(event);
  });

  const start = async () => {
    setProgress(null);
    const state = await open.run({ sandbox: true });
    if (state) onOpened();
  };

  return (
    <section className={prominent ? 'panel sandbox-panel prominent' : 'panel sandbox-panel'} aria-label="Local sandbox">
      <h2>Local sandbox</h2>
      <p className="muted">
        A private database on this machine with demo bookings, for trying the console safely. The first start can take a minute while the
        database server is prepared.
      </p>
      {open.running ? (
        <div className="notice notice-progress" role="status">
          <span className="spinner" aria-hidden="true" /> {progress?.message ?? 'Opening the local sandbox…'}
        </div>
      ) : null}
      <ErrorNotice error={open.error} title="The sandbox did not open" />
      <button type="button" className={prominent ? 'primary large' : undefined} onClick={() => void start()} disabled={open.running}>
        {open.running ? 'Opening the sandbox…' : 'Open the local sandbox'}
      </button>
    </section>
  );
}
