/** A database time as the console shows it everywhere: UTC, to the second (the database clock is UTC). */
export function formatUtc(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "1 migration", "3 migrations": the one plural helper, shared with the back. */
export { plural } from '../../../shared/plural';

/** Bytes as a person reads them (1 decimal for MB). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
