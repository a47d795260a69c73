import { formatCount } from '../../../shared/format';
import { POOL_STATUSES } from '../../../shared/pool-types';
import type { MigrationOverview } from '../../../shared/results/schema';

/** How the live schema differs from what the applied migrations expect, and the pool's size by status. */
export function DriftPanel({ overview }: { overview: MigrationOverview }) {
  const { drift, countsByStatus } = overview;
  // Missing objects break queries; unexpected ones (e.g. the host ORM's own pool indexes) are only noted.
  const findings: { label: string; items: string[]; severity: 'warn' | 'note' }[] = [
    { label: 'Missing tables', items: drift.missingTables, severity: 'warn' },
    { label: 'Missing columns', items: drift.missingColumns, severity: 'warn' },
    { label: 'Missing indexes', items: drift.missingIndexes, severity: 'warn' },
    { label: 'Not created by the console (adopted or extra)', items: drift.unexpectedColumns, severity: 'note' },
    {
      label: 'Indexes not created by the console (adopted or extra; see Indexes for redundancy)',
      items: drift.unexpectedIndexes.map((index) => `${index.name} (${index.columns.join(', ')})`),
      severity: 'note',
    },
  ];
  const drifted = findings.filter((finding) => finding.items.length > 0);
  return (
    <section className="panel" aria-labelledby="migrations-drift">
      <h2 id="migrations-drift">Schema drift</h2>
      {drifted.length === 0 ? (
        <p className="verdict-good">No drift: every expected column, index and table is present, and nothing unexpected.</p>
      ) : (
        <dl className="drift-list">
          {drifted.map((finding) => (
            <div key={finding.label} className="drift-item">
              <dt className={finding.severity === 'warn' ? 'verdict-warn' : 'muted'}>
                {finding.label} ({finding.items.length})
              </dt>
              <dd>
                {finding.items.map((item) => (
                  <code key={item} className="code-tag">
                    {item}
                  </code>
                ))}
              </dd>
            </div>
          ))}
        </dl>
      )}
      <h3>Entries by status</h3>
      {countsByStatus ? (
        <div className="status-counts" aria-label="Entries by status">
          {POOL_STATUSES.map((status) => (
            <span key={status} className={`status-count status-count-${status}`}>
              {status} <strong>{formatCount(countsByStatus[status])}</strong>
            </span>
          ))}
        </div>
      ) : (
        <p className="muted">{overview.countsNote ?? 'Not counted: the pool columns could not be read.'}</p>
      )}
    </section>
  );
}
