import { useState } from 'react';
import { POOL_MODES } from '../../../shared/pool-types';
import { describePause, pauseScopeText } from '../../../shared/pause-text';
import type { PauseInfo, PauseScope } from '../../../shared/results/control';
import { useAction, useCall } from '../../api/hooks';
import { useConnection } from '../../app/connection-context';
import { WriteButton } from '../../components/ActionButton';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { wholeNumber } from '../maintenance/whole-number';

/** Asked again this often while shown: another console (or the CLI) may pause or resume. */
export const PAUSE_POLL_MS = 5_000;
/** The longest auto-resume delay the back accepts (30 days). */
const MAX_MINUTES = 30 * 24 * 60;
const NO_TABLE = 'Pausing needs migration 0007-pool-control: Migrations → Up';

/**
 * Whether claiming is paused (POOL_CONTROL): PAUSED, unmistakably, with Resume one click away
 * (a reason asked, audited), and the Pause action for the whole pool or one mode, optionally
 * resuming by itself after some minutes. Workers get "paused" while it shows. A failed read of
 * the pause state shows nothing of its own: the health banner and the live sample beside it
 * already say why the database cannot be read.
 */
export function PauseBanner() {
  const { state: connection } = useConnection();
  const database = connection?.database ?? '';
  const control = useCall('pool.pauseState', {}, { pollMs: PAUSE_POLL_MS });
  const pause = useAction('pool.pause');
  const resume = useAction('pool.resume');
  const [resuming, setResuming] = useState<PauseInfo | null>(null);
  const [form, setForm] = useState(false);
  const [scope, setScope] = useState<PauseScope>('ALL');
  const [minutesText, setMinutesText] = useState('');
  const [confirmingPause, setConfirmingPause] = useState(false);
  const minutes = minutesText.trim() === '' ? undefined : wholeNumber(minutesText, 1, MAX_MINUTES);

  const state = control.data;
  const pauses = state?.pauses ?? [];
  const unavailable = state !== undefined && !state.available;

  const confirmResume = async (reason: string) => {
    const target = resuming;
    setResuming(null);
    if (!target) return;
    pause.reset();
    resume.reset();
    await resume.run({ ...(target.scope === 'ALL' ? {} : { mode: target.scope }), reason });
  };
  const confirmPause = async (reason: string) => {
    setConfirmingPause(false);
    if (minutes === null) return;
    pause.reset();
    resume.reset();
    const done = await pause.run({ ...(scope === 'ALL' ? {} : { mode: scope }), ...(minutes ? { forSeconds: minutes * 60 } : {}), reason });
    if (done) setForm(false);
  };

  return (
    <>
      {pauses.length > 0 && state ? (
        <section className="notice notice-error pause-banner" role="alert" aria-label="Claiming paused" data-testid="pause-banner">
          <strong className="pause-headline">PAUSED</strong>
          <ul className="pause-list">
            {pauses.map((info) => (
              <li key={info.scope} data-scope={info.scope}>
                <span>{describePause(info, state.measuredAt)}</span>{' '}
                <WriteButton className="primary" onClick={() => setResuming(info)} disabled={resume.running}>
                  Resume {info.scope === 'ALL' ? 'claiming' : info.scope}
                </WriteButton>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <ErrorNotice error={pause.error} title="The pause did not happen" />
      <ErrorNotice error={resume.error} title="The resume did not happen" />
      {resume.result && !resume.result.wasPaused ? (
        <div className="notice" role="status">
          It was not paused any more (resumed elsewhere, or its auto-resume time passed).
        </div>
      ) : null}
      <div className="row pause-actions">
        {form ? (
          <>
            <label>
              Pause claiming of
              <select value={scope} onChange={(event) => setScope(event.target.value as PauseScope)} aria-label="Pause scope">
                <option value="ALL">the whole pool</option>
                {POOL_MODES.map((mode) => (
                  <option key={mode} value={mode}>
                    mode {mode}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Auto-resume after (minutes, optional)
              <input value={minutesText} onChange={(event) => setMinutesText(event.target.value)} inputMode="numeric" size={8} aria-invalid={minutes === null} />
            </label>
            <WriteButton className="danger" onClick={() => setConfirmingPause(true)} disabled={minutes === null || pause.running}>
              Pause…
            </WriteButton>
            <button type="button" onClick={() => setForm(false)}>
              Cancel
            </button>
            {minutes === null ? <span className="verdict-bad">Minutes is a whole number from 1 to {MAX_MINUTES}, or empty for no auto-resume.</span> : null}
          </>
        ) : (
          <WriteButton onClick={() => setForm(true)} disabled={unavailable || !state} title={unavailable ? NO_TABLE : undefined}>
            Pause claiming…
          </WriteButton>
        )}
      </div>
      {resuming ? (
        <ConfirmDialog
          request={{
            title: `Resume claiming of ${pauseScopeText(resuming)}`,
            database,
            rows: null,
            confirmLabel: 'Resume',
            askReason: true,
            body: <p>{describePause(resuming, state?.measuredAt ?? new Date())}. Workers claim again at their next try.</p>,
          }}
          onConfirm={(reason) => void confirmResume(reason)}
          onCancel={() => setResuming(null)}
        />
      ) : null}
      {confirmingPause && minutes !== null ? (
        <ConfirmDialog
          request={{
            title: `Pause claiming of ${pauseScopeText({ scope })}`,
            database,
            rows: null,
            confirmLabel: 'Pause',
            askReason: true,
            body: (
              <p>
                No claim of {pauseScopeText({ scope })} commits once the pause does; workers are answered “paused” and back off.{' '}
                {minutes ? `It resumes by itself after ${minutes} minute${minutes === 1 ? '' : 's'}.` : 'It lasts until someone resumes it.'}
              </p>
            ),
          }}
          onConfirm={(reason) => void confirmPause(reason)}
          onCancel={() => setConfirmingPause(false)}
        />
      ) : null}
    </>
  );
}
