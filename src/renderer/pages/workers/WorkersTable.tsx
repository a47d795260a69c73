import type { WorkerInfo } from '../../../shared/results/workers';
import { formatCount, formatUtc, truncate } from '../../../shared/format';
import { WriteButton } from '../../components/ActionButton';
import { heartbeatText, releasable, STATE_MEANING } from './worker-text';

/** Every owner, dead and unknown first (the back's order), with its leases and what it did. */
export function WorkersTable({ workers, onRelease }: { workers: WorkerInfo[]; onRelease: (worker: WorkerInfo) => void }) {
  return (
    <div className="table-scroll">
      <table className="workers-table">
        <thead>
          <tr>
            <th>Owner</th>
            <th>State</th>
            <th>Host · pid</th>
            <th>Version</th>
            <th>Last heartbeat</th>
            <th className="number">Leases</th>
            <th>Oldest lease (UTC)</th>
            <th className="number">Claims / min</th>
            <th className="number" title="since it started">Claims · done · failed</th>
            <th>Last error</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {workers.map((worker) => (
            <tr key={worker.ownerId} data-testid={`worker-${worker.ownerId}`} data-state={worker.state}>
              <td>
                <code>{worker.ownerId}</code>
              </td>
              <td className={`state-${worker.state}`} title={STATE_MEANING[worker.state]}>
                {worker.state}
              </td>
              <td>
                {worker.host ?? '—'}
                {worker.pid === null ? '' : ` · ${worker.pid}`}
              </td>
              <td>{worker.version ?? '—'}</td>
              <td>{heartbeatText(worker)}</td>
              <td className="number" data-testid="leases">
                {formatCount(worker.leases)}
                {worker.expiredLeases ? <span className="verdict-warn"> ({formatCount(worker.expiredLeases)} expired)</span> : null}
              </td>
              <td>{formatUtc(worker.oldestLeaseAt, { zone: false })}</td>
              <td className="number">{worker.claimsPerMinute === null ? '—' : formatCount(worker.claimsPerMinute)}</td>
              <td className="number">{worker.claims === null ? '—' : `${formatCount(worker.claims)} · ${formatCount(worker.completes)} · ${formatCount(worker.fails)}`}</td>
              <td className="last-error" title={worker.lastError ? `${worker.lastError}${worker.lastErrorAt ? ` (${formatUtc(worker.lastErrorAt)})` : ''}` : undefined}>
                {worker.lastError ? truncate(worker.lastError, 60) : <span className="muted">—</span>}
              </td>
              <td>
                {releasable(worker) ? (
                  <WriteButton onClick={() => onRelease(worker)} aria-label={`Release leases of ${worker.ownerId}`}>
                    Release leases…
                  </WriteButton>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
