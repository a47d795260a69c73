import { useCall } from '../../api/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatUtc } from '../../../shared/format';

const LINES = 200;

/** The console's own recent log (newest first): what to send the console team when something fails. */
export function AppLog() {
  const log = useCall('app.logs', { limit: LINES });
  const lines = [...(log.data ?? [])].reverse();
  return (
    <section className="panel app-log" aria-label="Application log">
      <div className="row section-head">
        <h2>Recent application log</h2>
        <span className="muted">the last {LINES} lines, newest first</span>
        <button type="button" className="push-right" onClick={log.reload} disabled={log.loading}>
          {log.loading ? 'Loading…' : 'Refresh log'}
        </button>
      </div>
      <ErrorNotice error={log.error} title="Could not read the application log" />
      {log.data && lines.length === 0 ? <p className="muted">The log is empty.</p> : null}
      {lines.length ? (
        <table className="log-table">
          <thead>
            <tr>
              <th>Time (UTC)</th>
              <th>Level</th>
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line, index) => (
              <tr key={`${String(line.time)}-${index}`}>
                <td>{formatUtc(line.time, { zone: false })}</td>
                <td>
                  <span className={`log-level log-level-${line.level}`}>{line.level}</span>
                </td>
                <td className="wrap log-message">{line.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
