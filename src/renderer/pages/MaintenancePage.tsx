import { useState } from 'react';
import { useConnection } from '../app/connection-context';
import type { PageProps } from '../app/pages';
import { useAction, useCall } from '../api/hooks';
import { HealthBanner } from './overview/HealthBanner';
import { CleanupRules } from './maintenance/CleanupRules';
import { IntegrityReport } from './maintenance/IntegrityReport';
import { ResetStuck } from './maintenance/ResetStuck';
import { RetryFailed } from './maintenance/RetryFailed';

/** Page 6: cleanup rules (preview, apply one or all), the integrity report, retry failed, reset stuck. */
export function MaintenancePage(_props: PageProps) {
  const { state } = useConnection();
  const database = state?.database ?? '';
  const validate = useAction('maintenance.validate');
  const checkIntegrity = () => void validate.run({});
  // Bumped after every write, so each section re-counts what another one changed.
  const [changes, setChanges] = useState(0);
  // The same health model as the Overview banner, so the counts here and there are one.
  const health = useCall('system.status', {});
  const changed = () => {
    setChanges((value) => value + 1);
    health.reload();
    // A report shown before the change is stale now: check again.
    if (validate.result) checkIntegrity();
  };

  return (
    <div className="page page-maintenance">
      <div className="row page-title">
        <h1>Maintenance</h1>
        <span className="muted">
          on <strong>{database || '—'}</strong>
        </span>
      </div>
      <HealthBanner health={health} />
      <CleanupRules database={database} changes={changes} onChanged={changed} />
      <IntegrityReport report={validate.result} error={validate.error} running={validate.running} onRun={checkIntegrity} />
      <div className="maintenance-actions">
        <RetryFailed database={database} changes={changes} onChanged={changed} />
        <ResetStuck database={database} changes={changes} onChanged={changed} />
      </div>
    </div>
  );
}
