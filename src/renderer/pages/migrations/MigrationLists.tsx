import type { MigrationStatus } from '../../../shared/results/schema';
import { formatUtc } from '../../../shared/format';

/** What has run on this database, and what this console version would still run. */
export function MigrationLists({ status }: { status: MigrationStatus }) {
  return (
    <div className="migrations-lists">
      <section className="panel" aria-labelledby="migrations-applied">
        <h2 id="migrations-applied">Applied ({status.applied.length})</h2>
        {status.applied.length === 0 ? (
          <p className="muted">No migration has run on this database yet.</p>
        ) : (
          <table aria-label="Applied migrations">
            <thead>
              <tr>
                <th>Name</th>
                <th>Applied at</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {status.applied.map((migration) => (
                <tr key={migration.name}>
                  <td>
                    <code>{migration.name}</code>
                  </td>
                  <td>{formatUtc(migration.appliedAt)}</td>
                  <td className="wrap">{migration.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="migrations-pending">
        <h2 id="migrations-pending">Pending ({status.pending.length})</h2>
        {status.pending.length === 0 ? (
          <p className="muted">Nothing pending: the schema is up to date for this console version.</p>
        ) : (
          <table aria-label="Pending migrations">
            <thead>
              <tr>
                <th>Name</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {status.pending.map((migration) => (
                <tr key={migration.name}>
                  <td>
                    <code>{migration.name}</code>
                  </td>
                  <td className="wrap">{migration.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
