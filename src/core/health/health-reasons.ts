import type { ErrorCode } from '../../shared/errors.js';
import type { HealthReason, HealthReasonCode } from '../../shared/results/health.js';
import type { PauseInfo } from '../../shared/results/control.js';
import { describePause } from '../../shared/pause-text.js';
import { alertEventLine } from '../../shared/alert-text.js';
import type { AlertEvent } from '../../shared/results/alerts.js';

/* The health model's reasons: one builder per reason, so every caller words it the same. */

const MIGRATE = 'run `pool-console migrate up` (or Migrations → Up)';

export const reason = (code: HealthReasonCode, severity: HealthReason['severity'], message: string, extra: Pick<HealthReason, 'count' | 'items'> = {}): HealthReason => ({
  code,
  severity,
  message,
  ...extra,
});

/** Error codes that mean the database cannot be used at all, and the reason each is. */
const DOWN_BY_ERROR: Partial<Record<ErrorCode, HealthReasonCode>> = {
  UNREACHABLE: 'unreachable',
  TIMEOUT: 'not-responding',
  AUTH_FAILED: 'auth-refused',
  NO_DATABASE: 'no-database',
  NO_TABLE: 'no-table',
  NO_POOL_COLUMNS: 'no-pool-columns',
};

/** The down reason for a failure, or null when the failure does not make the pool unusable. */
export function downReasonFor(code: ErrorCode, message: string): HealthReason | null {
  const found = DOWN_BY_ERROR[code];
  return found ? reason(found, 'down', message) : null;
}

export const notResponding = (seconds: number | undefined, message: string | undefined) =>
  reason('not-responding', 'down', message ?? `the database has not answered${seconds === undefined ? '' : ` for ${Math.round(seconds)} s`}`);

export const migrationsPending = (names: string[]) =>
  reason('migrations-pending', 'degraded', `${names.length} migration${names.length === 1 ? '' : 's'} pending (${names.join(', ')}): ${MIGRATE}`, {
    count: names.length,
    items: names,
  });

export const schemaDrift = (missing: string[]) =>
  reason('schema-drift', 'degraded', `schema drift: applied migrations' objects missing: ${missing.join(', ')}; ${MIGRATE} after checking who dropped them`, {
    count: missing.length,
    items: missing,
  });

export const expiredLeases = (count: number, condition: string) =>
  reason('expired-leases', 'degraded', `${count} expired lease${count === 1 ? '' : 's'}: ${condition}; their workers probably died (Maintenance → Reset stuck processing)`, { count });

export const failedAtMax = (count: number, maxAttempts: number) =>
  reason('failed-at-max', 'degraded', `${count} failed entr${count === 1 ? 'y has' : 'ies have'} reached ${maxAttempts} attempts and will not be retried automatically`, { count });

export const deadlineRisk = (count: number) =>
  reason('deadline-risk', 'degraded', `${count} entr${count === 1 ? 'y is' : 'ies are'} past the deadline and not being processed`, { count });

export const integrityFindings = (rules: { id: string; count: number; bounded: boolean }[]) => {
  const found = rules.filter((rule) => rule.count > 0);
  const total = found.reduce((sum, rule) => sum + rule.count, 0);
  const bounded = found.some((rule) => rule.bounded);
  return reason(
    'integrity',
    'degraded',
    `${bounded ? 'at least ' : ''}${total} row${total === 1 ? ' breaks' : 's break'} integrity rules (${found.map((rule) => `${rule.id} ${rule.bounded ? '≥ ' : ''}${rule.count}`).join(', ')}): Maintenance → cleanup preview`,
    { count: total, items: found.map((rule) => rule.id) },
  );
};

export const slowPlan = (label: string, why: string) => reason('slow-plan', 'degraded', `slow plan for the ${label}: ${why}`);

export const checkIncomplete = (message: string) => reason('check-incomplete', 'degraded', `could not complete the health check: ${message}`);

/** Claiming paused (POOL_CONTROL) for the whole pool or a mode: workers get "paused" and nothing drains. */
export const paused = (pause: PauseInfo, now: Date) =>
  reason('paused', 'degraded', `${describePause(pause, now)} (Overview → Resume, or \`pool-console resume${pause.scope === 'ALL' ? '' : ` --mode ${pause.scope}`}\`)`, {
    items: [pause.scope],
  });

/** An alert rule firing now (its newest event in POOL_ALERT_EVENTS): the operator's own threshold was crossed. */
export const alertFiring = (event: AlertEvent) =>
  reason('alert-firing', 'degraded', `${alertEventLine(event)} (Alerts page, or \`pool-console alerts\`)`, { items: [event.kind] });
