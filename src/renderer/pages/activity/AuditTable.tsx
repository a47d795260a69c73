import type { AuditEntry } from '../../../shared/results/audit';
import { formatCount, formatUtc } from '../../../shared/format';
import { outcomeTone } from './outcome-tone';

/** Audit rows, newest first; parameters open as JSON on demand. */
export function AuditTable({ rows }: { rows: AuditEntry[] }) {
  return (
    <table className="audit-table">
      <thead>
        <tr>
          <th>Time (UTC)</th>
          <th>Actor</th>
          <th>Action</th>
          <th>Booking</th>
          <th className="number">Rows</th>
          <th>Outcome</th>
          <th>Reason</th>
          <th>Parameters</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.auditId} data-testid={`audit-${row.auditId}`}>
            <td title={`audit id ${row.auditId}`}>{formatUtc(row.time, { zone: false })}</td>
            <td>{row.actor}</td>
            <td>
              <code>{row.action}</code>
            </td>
            <td>{row.bookingId ?? '—'}</td>
            <td className="number">{formatCount(row.affectedRows)}</td>
            <td className={`outcome-${outcomeTone(row.outcome)}`}>{row.outcome}</td>
            <td className="wrap">{row.reason ?? <span className="muted">—</span>}</td>
            <td className="wrap">
              <Parameters value={row.parameters} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Parameters({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  const compact = JSON.stringify(value);
  return (
    <details className="audit-parameters">
      <summary>
        <code>{compact.length > 48 ? `${compact.slice(0, 47)}…` : compact}</code>
      </summary>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}
