import { useEffect, type ReactNode } from 'react';
import type { EntryDetail } from '../../../shared/contract';
import { plural } from '../../../shared/plural';
import { useCall } from '../../api/hooks';
import { useNow } from '../../app/use-now';
import { ErrorNotice } from '../../components/ErrorNotice';
import { EntryActionBar } from './EntryActionBar';
import { ageSince, formatUtc } from '../../../shared/format';
import { outcomeTone } from '../activity/outcome-tone';
import { isOverdue } from './overdue';

/** One booking: its summary, pool fields, lease, attempts, last error, actions and audit trail. */
export function EntryDrawer({ bookingId, onClose }: { bookingId: number; onClose: () => void }) {
  const detail = useCall('entries.detail', { bookingId });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // Escape belongs to an open confirmation first.
      if (event.key === 'Escape' && !document.querySelector('.dialog')) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <aside className="drawer entry-drawer" role="complementary" aria-label={`Booking ${bookingId}`}>
      <div className="drawer-head">
        <h2>Booking {bookingId}</h2>
        {detail.loading ? <span className="spinner" aria-label="loading" /> : null}
        <button type="button" onClick={detail.reload} disabled={detail.loading}>
          Refresh
        </button>
        <button type="button" onClick={onClose} aria-label="Close details">
          ✕
        </button>
      </div>
      <ErrorNotice error={detail.error} title="Could not read this booking" />
      {detail.data ? <DetailBody bookingId={bookingId} detail={detail.data} /> : null}
    </aside>
  );
}

function DetailBody({ bookingId, detail }: { bookingId: number; detail: EntryDetail }) {
  const { booking, entry, audit } = detail;
  const now = useNow();
  return (
    <>
      <section className="drawer-section" aria-label="Booking">
        <h3>Booking</h3>
        {booking ? (
          <Fields>
            <Field name="Owner">
              {booking.ownerEmpCode} ({booking.ownerGroup})
            </Field>
            <Field name="Room">{booking.meetingRoom}</Field>
            <Field name="Meeting type">{booking.meetingType}</Field>
            <Field name="Meeting">
              {formatUtc(booking.timeStart, { zone: false })} → {formatUtc(booking.timeEnd)}
            </Field>
            <Field name="Booking status">{booking.bookingStatus}</Field>
            <Field name="Interpreter">{booking.interpreterEmpCode ?? 'none assigned'}</Field>
          </Fields>
        ) : (
          <p className="muted">No booking {bookingId} in BOOKING_PLAN.</p>
        )}
      </section>

      <section className="drawer-section" aria-label="Pool entry">
        <h3>Pool entry</h3>
        {entry ? (
          <Fields>
            <Field name="Status">
              <span className={`status-tag status-tag-${entry.status}`}>{entry.status}</span>
            </Field>
            <Field name="Mode">{entry.mode ?? '—'}</Field>
            <Field name="Entered">{formatUtc(entry.entryTime)}</Field>
            <Field name="Deadline">
              {formatUtc(entry.deadlineTime)}
              {isOverdue(entry, now) ? <span className="overdue-tag">overdue</span> : null}
            </Field>
            <Field name="Attempts">{entry.attempts}</Field>
            <Field name="Lease">
              {entry.claimedBy || entry.claimedAt
                ? `${entry.claimedBy ?? 'unknown worker'} since ${formatUtc(entry.claimedAt)} (${ageSince(entry.claimedAt, now) ?? 'age unknown'})`
                : 'none'}
            </Field>
          </Fields>
        ) : (
          <p className="muted">Not in the pool.</p>
        )}
        {entry?.lastError ? (
          <>
            <h4>Last error</h4>
            <pre className="last-error">{entry.lastError}</pre>
          </>
        ) : null}
      </section>

      <EntryActionBar bookingId={bookingId} entry={entry} />

      <section className="drawer-section" aria-label="Audit trail">
        <h3>Audit trail</h3>
        {audit.length === 0 ? (
          <p className="muted">No audited action on this booking.</p>
        ) : (
          <table className="audit-trail">
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                <th scope="col">Action</th>
                <th scope="col">Actor</th>
                <th scope="col">Outcome</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {audit.map((row) => (
                <tr key={row.auditId}>
                  <td>{formatUtc(row.time, { zone: false })}</td>
                  <td>{row.action}</td>
                  <td className="ellipsis" title={row.actor}>
                    {row.actor}
                  </td>
                  <td className={{ ok: 'verdict-good', cancelled: 'muted', error: 'verdict-bad' }[outcomeTone(row.outcome)]}>
                    {row.outcome} · {plural(row.affectedRows, 'row')}
                  </td>
                  <td className="wrap">{row.reason ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function Fields({ children }: { children: ReactNode }) {
  return <dl className="fields">{children}</dl>;
}

function Field({ name, children }: { name: string; children: ReactNode }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{children}</dd>
    </>
  );
}
