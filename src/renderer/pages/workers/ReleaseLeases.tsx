import type { WorkerInfo } from '../../../shared/results/workers';
import { useCall } from '../../api/hooks';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SampleIds } from '../maintenance/SampleIds';

/**
 * Releasing one owner's leases: the back's own preview (count and sample ids by the release's
 * condition, whether it is allowed), then the reason. Confirming hands the count the operator saw
 * to the caller, so the result can say when the apply changed a different number.
 */
export function ReleaseLeases({ worker, database, onConfirm, onCancel }: {
  worker: WorkerInfo;
  database: string;
  onConfirm: (reason: string, previewed: number) => void;
  onCancel: () => void;
}) {
  const preview = useCall('workers.release.preview', { ownerId: worker.ownerId });
  if (preview.error) {
    return (
      <div className="dialog-backdrop">
        <div className="dialog" role="dialog" aria-modal="true" aria-label={`Release leases of ${worker.ownerId}`}>
          <ErrorNotice error={preview.error} title="Could not count its leases" />
          <div className="dialog-actions">
            <button type="button" onClick={onCancel}>
              Close
            </button>
          </div>
        </div>
      </div>
    );
  }
  const current = preview.data;
  if (!current) return null;
  return (
    <ConfirmDialog
      request={{
        title: `Release leases of ${worker.ownerId}`,
        database,
        rows: current.count,
        confirmLabel: 'Release',
        askReason: true,
        body: (
          <div data-testid="release-preview">
            <p>
              {worker.ownerId} is <strong>{current.state}</strong>. Its processing entries go back to waiting now (attempts kept), instead of waiting for the lease
              timeout; if it is in fact still working, its completion is then refused.
            </p>
            <SampleIds ids={current.sampleIds} total={current.count} />
            {current.allowed ? null : <p className="verdict-bad">{current.refusal}</p>}
          </div>
        ),
      }}
      onConfirm={(reason) => onConfirm(reason, current.count)}
      onCancel={onCancel}
    />
  );
}
