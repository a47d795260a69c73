import { plural } from '../../../shared/plural';

/**
 * Where the operator is in the audit log: "Page 2 · 50 rows, audit ids 21 to 70 (newest first)".
 * Ids are written low to high whatever the order the rows are listed in; an empty page says so.
 */
export function pageLabel(page: number, ids: readonly number[], loaded: boolean): string {
  if (!loaded) return `Page ${page}`;
  if (ids.length === 0) return `Page ${page} · no rows`;
  const low = Math.min(...ids);
  const high = Math.max(...ids);
  const span = low === high ? `audit id ${low}` : `audit ids ${low} to ${high} (newest first)`;
  return `Page ${page} · ${plural(ids.length, 'row')}, ${span}`;
}
