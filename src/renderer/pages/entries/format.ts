import type { PoolEntry } from '../../../shared/pool-types';

/* How the entries page writes times, ages and errors. Times are UTC, as the database keeps them. */

/** Dates arrive as Date objects (IPC, the socket's revived tags); a string is tolerated, not expected. */
function asDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `2025-03-01 14:05` (UTC), or an em dash for none. */
export function formatTime(value: Date | string | null | undefined): string {
  const date = asDate(value);
  return date ? date.toISOString().slice(0, 16).replace('T', ' ') : '—';
}

/** `03-01 14:05` (UTC): the table's compact form; the pool spans weeks, so the year rarely matters (the title has it). */
export function formatShortTime(value: Date | string | null | undefined): string {
  const date = asDate(value);
  return date ? date.toISOString().slice(5, 16).replace('T', ' ') : '—';
}

/** `2025-03-01 14:05:09` (UTC), for the drawer and the audit trail. */
export function formatTimeSeconds(value: Date | string | null | undefined): string {
  const date = asDate(value);
  return date ? date.toISOString().slice(0, 19).replace('T', ' ') : '—';
}

/** A duration as its two largest units: `42s`, `5m 07s`, `3h 12m`, `2d 4h`. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/**
 * How long ago `since` was. The list carries no database clock, so this is the workstation's: fine
 * for showing an age; the pool itself judges leases and deadlines by the database clock.
 */
export function ageSince(since: Date | string | null | undefined, now: number = Date.now()): string | null {
  const date = asDate(since);
  return date ? formatAge((now - date.getTime()) / 1000) : null;
}

/** Past its deadline and not being processed: the same rule as the `overdue` filter and tile. */
export function isOverdue(entry: Pick<PoolEntry, 'status' | 'deadlineTime'>, now: number = Date.now()): boolean {
  const deadline = asDate(entry.deadlineTime);
  return entry.status !== 'processing' && deadline !== null && deadline.getTime() < now;
}

export function truncate(text: string | null, length: number): string {
  if (!text) return '';
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}
