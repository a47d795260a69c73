import { useConnection } from '../app/connection-context';
import type { PageProps } from '../app/pages';
import { AppLog } from './activity/AppLog';
import { AuditLog } from './activity/AuditLog';

/** Page 7: the connected database's audit log, and the console's recent log (which needs no database). */
export function ActivityPage(_props: PageProps) {
  const { state } = useConnection();
  return (
    <div className="page activity-page">
      <h1>Activity</h1>
      {state?.connected ? (
        <AuditLog key={`${state.profileName ?? ''}|${state.database ?? ''}`} />
      ) : (
        <div className="notice">The audit log lives in the database (POOL_AUDIT_LOG): connect to a profile or the sandbox to read it.</div>
      )}
      <AppLog />
    </div>
  );
}
