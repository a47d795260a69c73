import { useState } from 'react';
import { useAction, useCall } from '../../api/hooks';
import { WriteButton } from '../../components/ActionButton';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ProgressNotice } from '../../components/ProgressNotice';
import { formatCount } from '../../../shared/format';
import { plural } from '../../../shared/plural';
import { SampleIds } from './SampleIds';
import { wholeNumber } from './whole-number';

const MAX_MINUTES = 366 * 24 * 60;

/**
 * Processing entries whose lease expired (older than N minutes, or no claim time) — a worker
 * probably died — go back to waiting. The count is the reset's own preview: the same condition the
 * reset applies, the Overview's "Expired leases" and the health banner count.
 */
export function ResetStuck({ database }: { database: string }) {
  const [text, setText] = useState('60');
  const [confirming, setConfirming] = useState(false);
  const minutes = wholeNumber(text, 0, MAX_MINUTES);
  const preview = useCall('maintenance.resetStuck.preview', { olderThanSeconds: (minutes ?? 60) * 60 }, { enabled: minutes !== null });
  const reset = useAction('maintenance.resetStuck');
  const current = minutes !== null ? preview.data : undefined;
  const stuck = current?.willChange ?? 0;

  const confirmed = async (reason: string) => {
    setConfirming(false);
    if (minutes === null) return;
    reset.reset();
    await reset.run({ olderThanSeconds: minutes * 60, reason });
  };

  return (
    <section className="panel" aria-labelledby="reset-stuck">
      <h2 id="reset-stuck">Reset stuck processing</h2>
      <div className="row">
        <label>
          Lease older than (minutes)
          <input value={text} onChange={(event) => setText(event.target.value)} inputMode="numeric" aria-invalid={minutes === null} size={6} />
        </label>
        <WriteButton
          className="primary"
          onClick={() => setConfirming(true)}
          disabled={minutes === null || !current || stuck === 0 || reset.running}
          title={stuck === 0 && current ? 'No lease is that old' : undefined}
        >
          Reset {plural(stuck, 'entry', 'entries')}
        </WriteButton>
      </div>
      {minutes === null ? <p className="verdict-bad">Minutes is a whole number from 0 to {formatCount(MAX_MINUTES)}.</p> : null}
      <ErrorNotice error={preview.error} title="Could not count the stuck entries" />
      {current ? (
        <div className="facts" data-testid="reset-preview">
          <p>
            Expired leases now: <strong>{formatCount(current.count)}</strong> · {current.condition}
          </p>
          <SampleIds ids={current.sampleIds} total={current.count} />
          <p className="muted">
            Their workers probably died. Resetting releases the lease and puts them back to waiting; a live worker's later completion is then refused. Cleanup's
            “Stuck processing, meeting ahead” rule counts fewer: it leaves started meetings and finished bookings to its other rules.
          </p>
        </div>
      ) : null}
      <ProgressNotice operation="reset" active={reset.running} onCancel={reset.cancel} />
      <ErrorNotice error={reset.error} title="The reset stopped" />
      {reset.result ? (
        <div className="notice notice-ok" role="status" aria-label="Reset result">
          {plural(reset.result.reset, 'stuck entry', 'stuck entries')} released back to waiting on <strong>{database}</strong>.
        </div>
      ) : null}
      {confirming && minutes !== null && current ? (
        <ConfirmDialog
          request={{
            title: 'Reset stuck processing',
            database,
            rows: stuck,
            confirmLabel: 'Reset',
            askReason: true,
            body: <p>Back to waiting: {current.condition}.</p>,
          }}
          onConfirm={(reason) => void confirmed(reason)}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
    </section>
  );
}
