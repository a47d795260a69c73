import { useState } from 'react';
import type { EntryMatch } from '../../../shared/entry-match';
import { formatCount, formatUtc, truncate } from '../../../shared/format';
import { plural } from '../../../shared/plural';
import { BULK_ACTIONS, DEFAULT_BULK_CAP, DEFAULT_BULK_LEASE_SECONDS, MAX_BULK_CAP, type BulkAction, type BulkPreview } from '../../../shared/results/bulk';
import type { EntryTotal } from '../../../shared/results/pool';
import { useAction, useCall } from '../../api/hooks';
import { useConnection } from '../../app/connection-context';
import { WriteButton } from '../../components/ActionButton';
import { changedCount } from '../../components/changed-count';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ProgressNotice } from '../../components/ProgressNotice';
import { wholeNumber } from '../maintenance/whole-number';
import { BULK_ACTION_TEXT, matchOf, parseUtcDeadline } from './bulk-text';

const total = (figure: EntryTotal) => `${figure.exact ? '' : 'at least '}${formatCount(figure.count)}`;
const SHORT = { seconds: false, zone: false } as const;

/**
 * One action on every entry the Entries filter matches: choose it, see its preview (the exact count
 * it would change up to the cap, the live leases it skips, the first rows, the condition in words),
 * give a reason, apply with progress and Cancel. The preview counts again after every write.
 */
export function BulkActionPanel({ match, database }: { match: EntryMatch; database: string }) {
  const [action, setAction] = useState<BulkAction>('retry');
  const [capText, setCapText] = useState(String(DEFAULT_BULK_CAP));
  const [leaseText, setLeaseText] = useState(String(DEFAULT_BULK_LEASE_SECONDS));
  const [deadlineText, setDeadlineText] = useState('');
  const [confirming, setConfirming] = useState<BulkPreview | null>(null);
  const [previewed, setPreviewed] = useState<number | null>(null);
  const cap = wholeNumber(capText, 1, MAX_BULK_CAP);
  const leaseSeconds = wholeNumber(leaseText, 1, 366 * 86_400);
  const deadline = action === 'set-deadline' ? parseUtcDeadline(deadlineText) : null;
  const valid = cap !== null && leaseSeconds !== null && (action !== 'set-deadline' || deadline !== null);
  const input = { action, match, cap: cap ?? DEFAULT_BULK_CAP, leaseSeconds: leaseSeconds ?? DEFAULT_BULK_LEASE_SECONDS, ...(deadline ? { deadline } : {}) };
  const preview = useCall('entries.bulk.preview', input, { enabled: valid });
  const apply = useAction('entries.bulk.apply');
  const current = valid ? preview.data : undefined;
  const text = BULK_ACTION_TEXT[action];

  const confirmed = async (reason: string) => {
    setPreviewed(confirming?.willChange ?? null);
    setConfirming(null);
    apply.reset();
    await apply.run({ ...input, reason });
  };

  return (
    <section className="panel bulk-panel" aria-labelledby="bulk-action">
      <h2 id="bulk-action">Act on every matching entry</h2>
      <div className="row">
        <label>
          Action
          <select value={action} onChange={(event) => setAction(event.target.value as BulkAction)}>
            {BULK_ACTIONS.map((name) => (
              <option key={name} value={name}>
                {BULK_ACTION_TEXT[name].label}
              </option>
            ))}
          </select>
        </label>
        {action === 'set-deadline' ? (
          <label>
            New deadline (UTC)
            <input value={deadlineText} onChange={(event) => setDeadlineText(event.target.value)} placeholder="2026-12-24T09:00" aria-invalid={deadline === null} size={17} />
          </label>
        ) : null}
        <label>
          At most, per run
          <input value={capText} onChange={(event) => setCapText(event.target.value)} inputMode="numeric" aria-invalid={cap === null} size={6} />
        </label>
        <label>
          Live lease (s)
          <input value={leaseText} onChange={(event) => setLeaseText(event.target.value)} inputMode="numeric" aria-invalid={leaseSeconds === null} size={6} />
        </label>
        <WriteButton
          className="primary"
          onClick={() => current && setConfirming(current)}
          disabled={!current || current.willChange === 0 || apply.running}
          title={current && current.willChange === 0 ? 'No matching entry would change' : undefined}
        >
          {text.label} {current ? plural(current.willChange, 'entry', 'entries') : '…'}
        </WriteButton>
      </div>
      {cap === null ? <p className="verdict-bad">At most is a whole number from 1 to {formatCount(MAX_BULK_CAP)}.</p> : null}
      {leaseSeconds === null ? <p className="verdict-bad">Live lease is a whole number of seconds, at least 1.</p> : null}
      {action === 'set-deadline' && deadline === null ? <p className="verdict-bad">Type the new deadline in UTC, e.g. 2026-12-24T09:00.</p> : null}
      <ErrorNotice error={preview.error} title="Could not preview the bulk action" />
      {current ? <BulkPreviewFacts preview={current} /> : null}
      <ProgressNotice operation="bulk" active={apply.running} onCancel={apply.cancel} />
      <ErrorNotice error={apply.error} title="The bulk action stopped" />
      {apply.result ? (
        <div className="notice notice-ok" role="status" aria-label="Bulk action result">
          {BULK_ACTION_TEXT[apply.result.action].label}: {changedCount(apply.result.changed, previewed, 'entry', 'entries')} on <strong>{database}</strong>.
          {apply.result.capReached ? ` The cap of ${formatCount(apply.result.cap)} was reached: more may match; apply again for the rest.` : ''}
        </div>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          request={{
            title: `${text.label}: ${plural(confirming.willChange, 'entry', 'entries')}`,
            database,
            rows: confirming.willChange,
            confirmLabel: text.label,
            askReason: true,
            typeToConfirm: action === 'remove',
            body: <p className="wrap">{confirming.condition}. At most {formatCount(confirming.cap)} change in this run, lowest booking ids first.</p>,
          }}
          onConfirm={(reason) => void confirmed(reason)}
          onCancel={() => setConfirming(null)}
        />
      ) : null}
    </section>
  );
}

/** The panel behind a button on the Entries page, for the page's current filter (its match fields). */
export function EntriesBulkActions({ filters }: { filters: object }) {
  const match = matchOf(filters);
  const [open, setOpen] = useState(false);
  const database = useConnection().state?.database ?? '';
  return (
    <div className="entries-bulk">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Hide bulk action' : 'Act on all matching…'}
      </button>
      {open ? <BulkActionPanel match={match} database={database} /> : null}
    </div>
  );
}

function BulkPreviewFacts({ preview }: { preview: BulkPreview }) {
  return (
    <div className="facts" data-testid="bulk-preview">
      <p>
        Would change <strong>{formatCount(preview.willChange)}</strong> of {total(preview.matching)} matching entries now (at most {formatCount(preview.cap)} per run) ·
        the action applies to {total(preview.applicable)} · skipped under a live lease: <strong>{total(preview.skippedLiveLease)}</strong>
      </p>
      <p className="muted wrap" data-testid="bulk-condition">
        {preview.condition}
      </p>
      {preview.sample.length > 0 ? (
        <div className="bulk-sample">
          <table className="small" aria-label="First entries it changes">
            <thead>
              <tr>
                <th>Booking</th>
                <th>Status</th>
                <th>Meeting type</th>
                <th>Deadline (UTC)</th>
                <th>Attempts</th>
                <th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {preview.sample.map((entry) => (
                <tr key={entry.bookingId}>
                  <td>{entry.bookingId}</td>
                  <td>{entry.status}</td>
                  <td>{entry.meetingType}</td>
                  <td>{formatUtc(entry.deadlineTime, SHORT)}</td>
                  <td className="number">{entry.attempts}</td>
                  <td className="ellipsis">{truncate(entry.lastError ?? '', 40)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <p className="muted">
        Counted by the action's own condition just now; workers may change a few before it runs, and the result says how many it changed. Entries a worker is processing are
        never touched.
      </p>
    </div>
  );
}
