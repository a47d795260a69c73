import { useState } from 'react';
import type { AlertRule } from '../../shared/results/alerts';
import { formatUtc } from '../../shared/format';
import { useAction, useCall } from '../api/hooks';
import { useConnection } from '../app/connection-context';
import type { PageProps } from '../app/pages';
import { useNow } from '../app/use-now';
import { ALERTS_POLL_MS, ALERT_EVENTS_SHOWN, useAlertOverview } from '../app/use-alert-watch';
import { ErrorNotice } from '../components/ErrorNotice';
import { evaluationProblem } from './alerts/alert-text';
import { FiringAlerts } from './alerts/FiringAlerts';
import { NotificationSettings } from './alerts/NotificationSettings';
import { RecentEvents } from './alerts/RecentEvents';
import { RuleEditor, type RuleChange } from './alerts/RuleEditor';
import { RulesTable } from './alerts/RulesTable';

export const NO_ALERT_TABLES = 'Alerts need migration 0009 — run the migrations (Migrations → Up).';

/**
 * The alerts every console shares (POOL_ALERT_RULES, POOL_ALERT_EVENTS): what fires now, the
 * rules with what their numbers mean (editable with a reason, audited), the newest events, and
 * whether desktop notifications reach this workstation. Says when no recorder evaluates the rules.
 */
export function AlertsPage(_props: PageProps) {
  const { state } = useConnection();
  const database = state?.database ?? '';
  const overview = useAlertOverview();
  const available = overview.data?.available === true;
  const events = useCall('alerts.events', { limit: ALERT_EVENTS_SHOWN }, { enabled: available, pollMs: ALERTS_POLL_MS });
  const recorder = useCall('recorder.state', {});
  const update = useAction('alerts.rules.update');
  const [editing, setEditing] = useState<AlertRule | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const now = useNow(5_000);

  const save = async (change: RuleChange, reason: string) => {
    update.reset();
    setSaved(null);
    const rule = await update.run({ ...change, reason });
    if (rule) {
      setEditing(null);
      setSaved(rule.kind);
    }
  };

  const data = overview.data;
  const problem = data?.available ? evaluationProblem(data.evaluatedAt, now, recorder.data?.intervalMs ?? null) : null;
  return (
    <div className="page alerts-page">
      <div className="row page-title">
        <h1>Alerts</h1>
        <span className="muted">
          on <strong>{database || '—'}</strong>
          {data?.available && data.evaluatedAt ? ` · rules last evaluated ${formatUtc(data.evaluatedAt)}` : ''}
        </span>
      </div>
      <ErrorNotice error={overview.error} title="The alerts could not be read" />
      {data && !data.available ? (
        <p className="notice" data-testid="alerts-unavailable">
          {NO_ALERT_TABLES}
        </p>
      ) : null}
      {problem ? (
        <p className="notice notice-warn" role="status" data-testid="alerts-not-evaluated">
          {problem}
        </p>
      ) : null}
      {data?.available ? (
        <>
          <section className="panel" aria-label="Firing now">
            <h2>Firing now</h2>
            <FiringAlerts firing={data.firing} now={now} />
          </section>
          <NotificationSettings />
          <section className="panel" aria-label="Rules">
            <h2>Rules</h2>
            <ErrorNotice error={update.error} title="The rule was not changed" />
            {saved ? (
              <div className="notice notice-ok" role="status" aria-label="Rule saved">
                Rule saved on <strong>{database}</strong>; every console and the agent use it from the leader's next sample.
              </div>
            ) : null}
            <RulesTable rules={data.rules} firingKinds={new Set(data.firing.map((event) => event.kind))} onEdit={(rule) => { update.reset(); setSaved(null); setEditing(rule); }} />
            {editing ? <RuleEditor key={editing.kind} rule={editing} database={database} saving={update.running} onSave={(change, reason) => void save(change, reason)} onCancel={() => setEditing(null)} /> : null}
          </section>
          <section className="panel" aria-label="Recent events">
            <h2>Recent events</h2>
            <ErrorNotice error={events.error} title="The alert events could not be read" />
            {events.data ? <RecentEvents events={events.data} limit={ALERT_EVENTS_SHOWN} /> : events.error ? null : <p className="muted">Reading the events…</p>}
          </section>
        </>
      ) : data || overview.error ? null : (
        <p className="muted">Reading the alerts…</p>
      )}
    </div>
  );
}
