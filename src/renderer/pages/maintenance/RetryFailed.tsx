import { useEffect, useState } from 'react';
import { useAction, useCall } from '../../api/hooks';
import { WriteButton } from '../../components/ActionButton';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ProgressNotice } from '../../components/ProgressNotice';
import { plural } from '../migrations/format';
import { wholeNumber } from './whole-number';

/**
 * Failed entries with fewer attempts than the limit go back to waiting. The count comes from one
 * pool snapshot: failed in total minus failed at or over the limit (pool.stats counts both).
 */
export function RetryFailed({ database, changes, onChanged }: { database: string; changes: number; onChanged: () => void }) {
  const [text, setText] = useState('3');
  const [confirming, setConfirming] = useState(false);
  const maxAttempts = wholeNumber(text, 1, 100);
  const stats = useCall('pool.stats', { maxAttempts: maxAttempts ?? 3 }, { enabled: maxAttempts !== null });
  const { reload } = stats;
  // Another section changed the pool: count again.
  useEffect(() => {
    if (changes > 0) reload();
  }, [changes, reload]);
  const retry = useAction('maintenance.retryFailed');
  const current = maxAttempts !== null ? stats.data : undefined;
  const failed = current?.byStatus.failed ?? 0;
  const atMax = current?.failedAtMaxAttempts ?? 0;
  const retriable = Math.max(0, failed - atMax);

  const confirmed = async (reason: string) => {
    setConfirming(false);
    if (maxAttempts === null) return;
    retry.reset();
    await retry.run({ maxAttempts, reason });
    onChanged();
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
      <ErrorNotice error={stats.error} title="Could not count the failed entries" />
      {current ? (
        <div className="facts" data-testid="retry-preview">
          <p>
            Failed now: <strong>{failed.toLocaleString()}</strong> · at or over {maxAttempts} attempts: <strong>{atMax.toLocaleString()}</strong> · would go back to waiting:{' '}
            <strong>{retriable.toLocaleString()}</strong>
          </p>
          <p className="muted">
            Entries that failed fewer than {maxAttempts} times go back to waiting; those at or over the limit stay failed. The count is the difference of the two, from one
            snapshot: workers may change a few before the retry runs.
          </p>
        </div>
      ) : null}
      <ProgressNotice operation="retry" active={retry.running} />
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
