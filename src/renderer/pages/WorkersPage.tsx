import { useState } from 'react';
import type { WorkerInfo } from '../../shared/results/workers';
import { formatCount, formatUtc } from '../../shared/format';
import { plural } from '../../shared/plural';
import { useAction, useCall } from '../api/hooks';
import { useConnection } from '../app/connection-context';
import type { PageProps } from '../app/pages';
import { changedCount } from '../components/changed-count';
import { ErrorNotice } from '../components/ErrorNotice';
import { ReleaseLeases } from './workers/ReleaseLeases';
import { WorkersTable } from './workers/WorkersTable';

/** Asked again this often: a worker is shown dead within three of its heartbeat intervals. */
export const WORKERS_POLL_MS = 5_000;

/**
 * The pool's workers: every owner the heartbeats (POOL_WORKERS) and the leases (POOL_CLAIMED_BY)
 * know, alive / late / dead / stopped / no-heartbeat, with what each holds; a dead or unknown
 * owner's leases can be released now (previewed, a reason, audited).
 */
export function WorkersPage(_props: PageProps) {
  const { state } = useConnection();
  const database = state?.database ?? '';
  const list = useCall('workers.list', {}, { pollMs: WORKERS_POLL_MS });
  const release = useAction('workers.release');
  const [releasing, setReleasing] = useState<WorkerInfo | null>(null);
  const [done, setDone] = useState<{ ownerId: string; released: number; previewed: number } | null>(null);

  const confirmed = async (reason: string, previewed: number) => {
    const worker = releasing;
    setReleasing(null);
    if (!worker) return;
    release.reset();
    setDone(null);
    const result = await release.run({ ownerId: worker.ownerId, reason });
    if (result) setDone({ ownerId: worker.ownerId, released: result.released, previewed });
  };

  const data = list.data;
  const counts = data ? data.workers.reduce<Record<string, number>>((sum, w) => ({ ...sum, [w.state]: (sum[w.state] ?? 0) + 1 }), {}) : {};
  return (
    <div className="page workers-page">
      <div className="row page-title">
        <h1>Workers</h1>
        <span className="muted">
          on <strong>{database || '—'}</strong>
          {data ? ` · as of ${formatUtc(data.measuredAt)}` : ''}
        </span>
      </div>
      <ErrorNotice error={list.error} title="The workers could not be read" />
      <ErrorNotice error={release.error} title="The leases were not released" />
      {done ? (
        <div className="notice notice-ok" role="status" aria-label="Release result">
          {done.ownerId}: {changedCount(done.released, done.previewed, 'lease', 'leases')}; back to waiting on <strong>{database}</strong>.
        </div>
      ) : null}
      {data ? (
        <section className="panel">
          <p className="muted" data-testid="workers-summary">
            {data.workers.length === 0
              ? 'No workers: none heartbeats and no owner holds a lease.'
              : Object.entries(counts).map(([s, n]) => `${formatCount(n)} ${s}`).join(' · ')}
            {data.unownedLeases ? ` · ${plural(data.unownedLeases, 'processing entry records', 'processing entries record')} no owner` : ''}
            {data.truncated ? ' · more owners than shown' : ''}
          </p>
          {data.heartbeats ? null : (
            <p className="verdict-warn">No POOL_WORKERS table (migration 0008-pool-workers pending): only owners holding leases are listed, none can be told alive or dead.</p>
          )}
          {data.workers.length ? <WorkersTable workers={data.workers} onRelease={setReleasing} /> : null}
        </section>
      ) : list.error ? null : (
        <p className="muted">Reading the workers…</p>
      )}
      {releasing ? <ReleaseLeases worker={releasing} database={database} onConfirm={(reason, previewed) => void confirmed(reason, previewed)} onCancel={() => setReleasing(null)} /> : null}
    </div>
  );
}
