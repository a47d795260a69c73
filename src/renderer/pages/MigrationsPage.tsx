import { useConnection } from '../app/connection-context';
import type { PageProps } from '../app/pages';
import { useCall } from '../api/hooks';
import { ErrorNotice } from '../components/ErrorNotice';
import { DriftPanel } from './migrations/DriftPanel';
import { ImportWizard } from './migrations/ImportWizard';
import { MigrationLists } from './migrations/MigrationLists';
import { RunMigrations } from './migrations/RunMigrations';
import { describeLockHolder, useLockHolder } from './migrations/use-lock-holder';

/** Page 5: the schema's migrations (status, drift, lock, run up/down) and the legacy import wizard. */
export function MigrationsPage(_props: PageProps) {
  const { state } = useConnection();
  const status = useCall('migrations.status', {});
  const lock = useLockHolder(status.data);
  const database = state?.database ?? '';
  const held = lock.holder ? describeLockHolder(lock.holder) : null;

  return (
    <div className="page page-migrations">
      <div className="row page-title">
        <h1>Migrations</h1>
        <span className="muted">
          on <strong>{database || '—'}</strong>
        </span>
        <button type="button" onClick={status.reload} disabled={status.loading}>
          {status.loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {held ? (
        <div className="notice notice-warn" role="status" data-testid="lock-holder">
          {held}.
        </div>
      ) : null}
      <ErrorNotice error={lock.error} title="Could not read who holds the migration lock" />
      <ErrorNotice error={status.error} title="Could not read the migration status" />
      {status.data ? (
        <>
          <MigrationLists status={status.data} />
          <DriftPanel overview={status.data} />
          <RunMigrations overview={status.data} database={database} blockedBy={held} />
        </>
      ) : status.loading ? (
        <p className="muted">Reading the migration status…</p>
      ) : null}
      <ImportWizard database={database} />
    </div>
  );
}
