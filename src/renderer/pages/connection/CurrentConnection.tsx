import type { ConnectionState } from '../../../shared/contract';
import { useAction } from '../../api/hooks';
import { EnvironmentBadge } from '../../components/EnvironmentBadge';
import { ErrorNotice } from '../../components/ErrorNotice';

/** What the console is connected to right now, with Disconnect (which makes every answer stale, the connection's too). */
export function CurrentConnection({ state }: { state: ConnectionState | null }) {
  const disconnect = useAction('connection.disconnect');
  if (!state) return <p className="muted">Asking the console what it is connected to…</p>;
  if (!state.connected) {
    return (
      <section className="panel current-connection" aria-label="Current connection">
        {state.status === 'connecting' ? <p>Connecting… {state.message}</p> : <p className="muted">Not connected. Connect to a profile below, or open the local sandbox.</p>}
      </section>
    );
  }
  return (
    <section className="panel current-connection" aria-label="Current connection">
      <div className="row current-connection-line">
        <EnvironmentBadge environment={state.environment} readOnly={state.readOnly} />
        <span>
          Connected to <strong>{state.profileName}</strong> · database <strong>{state.database}</strong> @ {state.host}
          {state.serverVersion ? <span className="muted"> · server {state.serverVersion}</span> : null}
        </span>
        <button type="button" onClick={() => void disconnect.run({})} disabled={disconnect.running}>
          {disconnect.running ? 'Disconnecting…' : 'Disconnect'}
        </button>
      </div>
      {state.status === 'lost' ? <p className="field-error">The connection is lost: {state.message}</p> : null}
      <ErrorNotice error={disconnect.error} title="Could not disconnect" />
    </section>
  );
}
