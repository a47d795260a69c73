import { entryMatchShape, type EntryMatch } from '../../../shared/entry-match';
import type { BulkAction } from '../../../shared/results/bulk';

/** Each bulk action as the panel names it, and what it does in a line (the preview's condition has the exact words). */
export const BULK_ACTION_TEXT: Record<BulkAction, { label: string; does: string }> = {
  retry: { label: 'Retry', does: 'failed entries go back to waiting (attempts kept)' },
  'make-ready': { label: 'Make ready', does: 'waiting and failed entries become ready now' },
  'reset-lease': { label: 'Reset expired leases', does: 'processing entries whose lease expired go back to waiting' },
  remove: { label: 'Remove from pool', does: 'entries leave the pool (any status)' },
  'set-deadline': { label: 'Set deadline', does: 'waiting, ready and failed entries get a new deadline' },
};

/**
 * A deadline as typed, in UTC: `2026-12-24T09:00`, `2026-12-24 09:00`, with or without seconds or a
 * trailing Z. Anything else (or a zone other than UTC) is null, so the field says what it accepts.
 */
export function parseUtcDeadline(text: string): Date | null {
  const match = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d)?)Z?$/.exec(text.trim());
  if (!match) return null;
  const date = new Date(`${match[1]}T${match[2]}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * The match fields of the Entries page's filter state: anything else the page keeps there (a sort,
 * a page size) is left out, as the bulk input's match refuses unknown fields.
 */
export function matchOf(filters: object): EntryMatch {
  return Object.fromEntries(Object.entries(filters).filter(([key, value]) => Object.hasOwn(entryMatchShape, key) && value !== undefined)) as EntryMatch;
}
