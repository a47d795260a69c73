import { z } from 'zod';
import { entryMatchSchema } from '../entry-match.js';
import type { PoolEntry } from '../pool-types.js';
import { reasonSchema } from './audit.js';
import type { EntryTotal } from './pool.js';

/*
 * Actions on every entry a filter matches (issue 11): what they are, what they take and what a
 * preview and an apply return. The conditions themselves live in core/pool/bulk-action.ts.
 */

export const BULK_ACTIONS = ['retry', 'make-ready', 'reset-lease', 'remove', 'set-deadline'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** Rows one run changes unless told otherwise; a bigger filter is applied in several runs. */
export const DEFAULT_BULK_CAP = 5000;
export const MAX_BULK_CAP = 50_000;
/** A lease younger than this is live (the same default as reset-stuck and the stats). */
export const DEFAULT_BULK_LEASE_SECONDS = 3600;

const bulkFields = {
  action: z.enum(BULK_ACTIONS),
  match: entryMatchSchema,
  /** The new deadline, for set-deadline only (stored to the second). */
  deadline: z.coerce.date().optional(),
  /** A processing entry claimed less than this long ago is under a live lease and never touched. */
  leaseSeconds: z.number().int().min(1).max(366 * 86_400).default(DEFAULT_BULK_LEASE_SECONDS),
  /** At most this many rows per run. */
  cap: z.number().int().min(1).max(MAX_BULK_CAP).default(DEFAULT_BULK_CAP),
};

/** set-deadline needs its deadline, and no other action takes one (it would be silently ignored). */
function checkDeadline(input: { action: BulkAction; deadline?: Date }, ctx: z.RefinementCtx): void {
  if (input.action === 'set-deadline' && input.deadline === undefined) ctx.addIssue({ code: 'custom', path: ['deadline'], message: 'set-deadline needs the new deadline' });
  if (input.action !== 'set-deadline' && input.deadline !== undefined) ctx.addIssue({ code: 'custom', path: ['deadline'], message: `${input.action} takes no deadline` });
}

export const bulkPreviewInputSchema = z.object(bulkFields).strict().superRefine(checkDeadline);
export const bulkApplyInputSchema = z.object({ ...bulkFields, reason: reasonSchema }).strict().superRefine(checkDeadline);
export type BulkInput = z.input<typeof bulkPreviewInputSchema>;
export type ParsedBulkInput = z.output<typeof bulkPreviewInputSchema>;

export interface BulkPreview {
  action: BulkAction;
  /** The database clock the counts were taken at. */
  measuredAt: Date;
  /** The whole condition in words: the filter, the action's own condition, the live-lease skip. */
  condition: string;
  /** The filter alone in words. */
  filter: string;
  /** Entries the filter matches (as the entry list counts them). */
  matching: EntryTotal;
  /** Of those, entries the action applies to (its statuses, no live lease), counted exactly up to the cap and one more. */
  applicable: EntryTotal;
  /** Rows an apply would change now: the applicable ones, at most the cap. */
  willChange: number;
  /** Matching entries skipped because they are under a live lease. */
  skippedLiveLease: EntryTotal;
  cap: number;
  leaseSeconds: number;
  /** The first rows an apply would change (in booking id order, the order it changes them). */
  sample: PoolEntry[];
}

export interface BulkResult {
  action: BulkAction;
  changed: number;
  cap: number;
  /** The run stopped at the cap: more matching rows may remain; run it again to go on. */
  capReached: boolean;
}
