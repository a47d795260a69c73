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

/**
 * Failed entries with fewer attempts than the limit go back to waiting. The count is the retry's own
 * preview (its condition, counted now), not a difference guessed from the pool stats.
 */
export function RetryFailed({ database }: { database: string }) {
  const [text, setText] = useState('3');
  const [confirming, setConfirming] = useState(false);
  const maxAttempts = wholeNumber(text, 1, 100);
  const preview = useCall('maintenance.retryFailed.preview', { maxAttempts: maxAttempts ?? 3 }, { enabled: maxAttempts !== null });
  const retry = useAction('maintenance.retryFailed');
  const current = maxAttempts !== null ? preview.data : undefined;
  const retriable = current?.willChange ?? 0;

  const confirmed = async (reason: string) => {
    setConfirming(false);
    if (maxAttempts === null) return;
    retry.reset();
    await retry.run({ maxAttempts, reason });
  };

  return (
    <section className="panel" aria-labelledby="retry-failed">
      <h2 id="retry-failed">Retry failed entries</h2>
      <div className="row">
        <label>
          Max attempts
          <input value={text} onChange={(event) => setText(event.target.value)} inputMode="numeric" aria-invalid={maxAttempts === null} size={5} />
        </label>
        <WriteButton
          className="primary"
          onClick={() => setConfirming(true)}
          disabled={maxAttempts === null || !current || retriable === 0 || retry.running}
          title={retriable === 0 && current ? 'No failed entry is under the limit' : undefined}
        >
          Retry {plural(retriable, 'entry', 'entries')}
        </WriteButton>
      </div>
      {maxAttempts === null ? <p className="verdict-bad">Max attempts is a whole number from 1 to 100.</p> : null}
      <ErrorNotice error={preview.error} title="Could not count the failed entries" />
      {current ? (
        <div className="facts" data-testid="retry-preview">
          <p>
            Would go back to waiting (fewer than {current.maxAttempts} attempts): <strong>{formatCount(current.count)}</strong> · stay failed at or over{' '}
            {current.maxAttempts} attempts: <strong>{formatCount(current.atMaxAttempts)}</strong>
          </p>
          <SampleIds ids={current.sampleIds} total={current.count} />
          <p className="muted">Counted by the retry's own condition just now; workers may change a few before the retry runs, and the result says how many it moved.</p>
        </div>
      ) : null}
      <ProgressNotice operation="retry" active={retry.running} onCancel={retry.cancel} />
      <ErrorNotice error={retry.error} title="The retry stopped" />
      {retry.result ? (
        <div className="notice notice-ok" role="status" aria-label="Retry result">
          {plural(retry.result.retried, 'failed entry', 'failed entries')} sent back to waiting on <strong>{database}</strong>.
        </div>
      ) : null}
      {confirming && maxAttempts !== null ? (
        <ConfirmDialog
          request={{
            title: 'Retry failed entries',
            database,
            rows: retriable,
            confirmLabel: 'Retry',
            askReason: true,
            body: <p>Failed entries with fewer than {maxAttempts} attempts go back to waiting and can be claimed again.</p>,
          }}
          onConfirm={(reason) => void confirmed(reason)}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
    </section>
  );
}
