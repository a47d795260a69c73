import { useState } from 'react';
import { useConnection } from '../app/connection-context';
import type { PageProps } from '../app/pages';
import { useCall } from '../api/hooks';
import { HealthBanner, useHealth } from './overview/HealthBanner';
import { CleanupRules } from './maintenance/CleanupRules';
import { IntegrityReport } from './maintenance/IntegrityReport';
import { ResetStuck } from './maintenance/ResetStuck';
import { RetryFailed } from './maintenance/RetryFailed';

/**
 * Page 6: cleanup rules (preview, apply one or all), the integrity report, retry failed, reset
 * stuck. Each write makes the counts it changes stale (api/invalidates.ts): every section, the
 * health banner and a report already shown count again by themselves.
 */
export function MaintenancePage(_props: PageProps) {
  const { state } = useConnection();
  const database = state?.database ?? '';
  // The integrity check runs when asked; once shown, a write makes it check again.
  const [asked, setAsked] = useState(false);
  const validate = useCall('maintenance.validate', {}, { enabled: asked });
  // The same health model as the Overview banner, so the counts here and there are one.
  const health = useHealth();

  return (
    <div className="page page-maintenance">
      <div className="row page-title">
        <h1>Maintenance</h1>
        <span className="muted">
          on <strong>{database || '—'}</strong>
        </span>
      </div>
      <HealthBanner health={health} />
      <CleanupRules database={database} />
      <IntegrityReport
        report={asked ? validate.data : undefined}
        error={asked ? validate.error : null}
        running={validate.loading}
        onRun={asked ? validate.reload : () => setAsked(true)}
      />
      <div className="maintenance-actions">
        <RetryFailed database={database} />
        <ResetStuck database={database} />
      </div>
    </div>
  );
}
