import { useState } from 'react';
import { useCall } from '../../api/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { auditInput, EMPTY_FILTER, type AuditFilterForm } from './audit-filter';
import { AuditFilters } from './AuditFilters';
import { AuditTable } from './AuditTable';
import { pageLabel } from './page-label';

export const AUDIT_PAGE_SIZE = 50;

/** The audit log of the connected database, newest first, paged backwards by audit id (keyset). */
export function AuditLog() {
  const [filter, setFilter] = useState<AuditFilterForm>(EMPTY_FILTER);
  // The `beforeId` of each page walked so far; empty on the newest page.
  const [cursors, setCursors] = useState<number[]>([]);
  const page = useCall('audit.list', auditInput(filter, cursors.at(-1), AUDIT_PAGE_SIZE));
  const rows = page.data ?? [];
  const oldest = rows.at(-1);

  const apply = (next: AuditFilterForm) => {
    setFilter(next);
    setCursors([]);
  };

  return (
    <section className="panel audit-log" aria-label="Audit log">
      <div className="row section-head">
        <h2>Audit log</h2>
        <span className="muted">Every change made through the console: who, what, how many rows, why.</span>
        <button type="button" className="push-right" onClick={page.reload} disabled={page.loading}>
          {page.loading ? 'Loading…' : 'Refresh'}
        </button>
      </div>
      <AuditFilters applied={filter} onApply={apply} />
      <ErrorNotice error={page.error} title="Could not read the audit log" />
      {page.data && rows.length === 0 ? <p className="muted">No audit rows {cursors.length ? 'older than these' : 'match this filter'}.</p> : null}
      {rows.length ? <AuditTable rows={rows} /> : null}
      <div className="row audit-paging">
        <button type="button" onClick={() => setCursors([])} disabled={!cursors.length || page.loading}>
          Newest
        </button>
        <button type="button" onClick={() => setCursors((previous) => previous.slice(0, -1))} disabled={!cursors.length || page.loading}>
          Newer
        </button>
        <button
          type="button"
          onClick={() => oldest && setCursors((previous) => [...previous, oldest.auditId])}
          disabled={!oldest || rows.length < AUDIT_PAGE_SIZE || page.loading}
        >
          Older
        </button>
        <span className="muted" data-testid="page-label">
          {pageLabel(cursors.length + 1, rows.map((row) => row.auditId), page.data !== undefined)}
        </span>
      </div>
    </section>
  );
}
