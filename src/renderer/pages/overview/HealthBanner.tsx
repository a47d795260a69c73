import type { SystemStatus } from '../../../shared/results/health';
import { useCall, type CallState } from '../../api/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatClock } from '../../../shared/format';

export const HEALTH_POLL_MS = 10_000;

const HEADLINE = { healthy: 'Healthy', degraded: 'Degraded', down: 'Down' } as const;

/** The back's verdict on the pool system (system.status), asked again every 10 s while shown. */
export function useHealth(): CallState<SystemStatus> {
  return useCall('system.status', {}, { pollMs: HEALTH_POLL_MS });
}

/** The one health model, each reason with its stable code, as the CLI's `status` prints them. */
export function HealthBanner({ health }: { health: CallState<SystemStatus> }) {
  if (health.error) return <ErrorNotice error={health.error} title="The pool's health could not be read" />;
  const status = health.data;
  if (!status) return <div className="notice overview-health muted">Checking the pool's health…</div>;
  return (
    <div className={`notice overview-health health-${status.state}`} role="status" data-testid="health-banner" data-state={status.state}>
      <strong className={`health-state health-text-${status.state}`}>{HEADLINE[status.state]}</strong>
      {status.findings.length ? (
        <ul className="health-reasons">
          {status.findings.map((finding) => (
            <li key={`${finding.code}:${finding.message}`} data-code={finding.code} className={finding.severity === 'down' ? 'verdict-bad' : undefined}>
              {finding.message}
            </li>
          ))}
        </ul>
      ) : (
        <span className="muted"> no problems found</span>
      )}
      <span className="muted health-checked">checked {formatClock(new Date(status.checkedAt).getTime())}</span>
    </div>
  );
}
