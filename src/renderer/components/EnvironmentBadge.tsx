import type { Environment } from '../../shared/profile';

/** Production is red so that nobody mistakes it for a sandbox. */
export function EnvironmentBadge({ environment, readOnly }: { environment: Environment | null; readOnly?: boolean }) {
  if (!environment) return null;
  return (
    <span className={`badge badge-${environment}`} data-testid="environment-badge">
      {environment.toUpperCase()}
      {readOnly ? ' · READ-ONLY' : ''}
    </span>
  );
}
