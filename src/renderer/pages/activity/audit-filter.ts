import type { InputOf } from '../../../shared/contract';

/** The audit filter as the form holds it: text, and `YYYY-MM-DDTHH:mm` times read as UTC (the database's clock). */
export interface AuditFilterForm {
  action: string;
  actor: string;
  from: string;
  to: string;
}

export const EMPTY_FILTER: AuditFilterForm = { action: '', actor: '', from: '', to: '' };

/** The actions the console records, offered as suggestions (any text may be typed). */
export const KNOWN_ACTIONS = [
  'entry.retry', 'entry.reset', 'pool.remove', 'pool.retry-failed', 'pool.reset-stuck', 'pool.clear', 'entries.bulk',
  'maintenance.cleanup', 'import.memory-pool', 'migrations.up', 'migrations.down', 'startup.initialize',
] as const;

/** A datetime-local value as a UTC instant (ISO text), or undefined when empty or not a time. */
export function utcInstant(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(`${value.length === 16 ? `${value}:00` : value}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Why the form cannot be applied, or null. */
export function filterProblem(form: AuditFilterForm): string | null {
  const from = utcInstant(form.from);
  const to = utcInstant(form.to);
  if (form.from && !from) return 'The "from" time is not a valid time.';
  if (form.to && !to) return 'The "to" time is not a valid time.';
  if (from && to && from >= to) return 'The "from" time must be before the "to" time.';
  return null;
}

/** The audit.list input for a filter and a keyset position (entries older than `beforeId`). */
export function auditInput(form: AuditFilterForm, beforeId: number | undefined, limit: number): InputOf<'audit.list'> {
  const action = form.action.trim();
  const actor = form.actor.trim();
  const from = utcInstant(form.from);
  const to = utcInstant(form.to);
  return {
    ...(action ? { action } : {}),
    ...(actor ? { actor } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(beforeId !== undefined ? { beforeId } : {}),
    limit,
  };
}
