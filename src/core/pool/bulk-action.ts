import type { Transaction } from 'sequelize';
import { describeEntryMatch } from '../../shared/entry-match.js';
import { PoolError } from '../../shared/errors.js';
import type { AuditContext } from '../../shared/results/audit.js';
import {
  bulkPreviewInputSchema, MAX_BULK_CAP, type BulkAction, type BulkInput, type BulkPreview, type BulkResult, type ParsedBulkInput,
} from '../../shared/results/bulk.js';
import type { EntryTotal } from '../../shared/results/pool.js';
import { AuditLog } from '../audit/audit-log.js';
import type { Database } from '../db/database.js';
import { hasColumn, requirePoolColumns, type PoolColumns } from '../schema/pool-columns.js';
import { updateByIdInBatches } from './batches.js';
import { expiredLeaseSql, leaseBasis, liveLeaseSql } from './conditions.js';
import { entriesCountSql } from './database-booking-pool.js';
import { entryColumnsSql, leavePoolAssignments, toEntry } from './entry-columns.js';
import { entryMatchSql, requireMatchColumns } from './entry-match.js';
import { countedBatch, type PoolEvent } from './event-counts.js';
import type { PoolEntry } from './pool-types.js';

export type { BulkAction, BulkInput, BulkPreview, BulkResult } from '../../shared/results/bulk.js';

/*
 * One action on every entry a filter matches (issue 11): retry, make ready, reset an expired lease,
 * remove, set the deadline. Each action has its own condition (which statuses it applies to), and
 * none touches an entry under a live lease. The preview counts by the very condition the apply
 * runs; the apply is capped, batched (each batch re-checks the condition, so a row that changed
 * meanwhile is left alone), cancellable between batches and audited with the filter and the reason.
 */

/** Counts stop here (any cap fits below it, so `willChange` is always exact); past it they say "at least". */
const COUNT_BOUND = MAX_BULK_CAP;
const SAMPLE_SIZE = 20;

interface ActionRule {
  /** The statuses (and lease state) the action applies to; placeholders :leaseSeconds, :deadline. */
  condition: (columns: PoolColumns) => string;
  /** The SET list. */
  assignments: (columns: PoolColumns) => string;
  /** What each changed row counts as on the Overview's event chart, if anything. */
  event?: PoolEvent;
  /** What it does, in words, after the filter's words. */
  words: (input: ParsedBulkInput, columns: PoolColumns) => string;
}

/** The lease columns cleared where the schema has them (before migration 0003 it has none). */
const releaseLease = (columns: PoolColumns) => (hasColumn(columns, 'POOL_CLAIMED_BY') ? ', POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL' : '');
const expired = (columns: PoolColumns) => expiredLeaseSql(columns, { seconds: ':leaseSeconds' });
const live = (columns: PoolColumns) => liveLeaseSql(columns, { seconds: ':leaseSeconds' });
const iso = (date: Date) => date.toISOString().replace('.000Z', 'Z');

const RULES: Record<BulkAction, ActionRule> = {
  retry: {
    condition: () => `POOL_STATUS = 'failed'`,
    assignments: (columns) => `POOL_STATUS = 'waiting'${releaseLease(columns)}`,
    event: 'retried',
    words: () => 'the failed ones go back to waiting (attempts kept, lease cleared)',
  },
  'make-ready': {
    condition: () => `POOL_STATUS IN ('waiting', 'failed')`,
    assignments: (columns) => `POOL_STATUS = 'ready'${releaseLease(columns)}`,
    words: () => 'the waiting and failed ones become ready now (attempts kept, lease cleared)',
  },
  'reset-lease': {
    condition: expired,
    assignments: (columns) => `POOL_STATUS = 'waiting'${releaseLease(columns)}`,
    event: 'reset',
    words: (input, columns) =>
      `the processing ones whose lease expired (${leaseBasis(columns) === 'claim-time' ? 'claimed' : 'entered'} more than ${input.leaseSeconds} s ago, or no lease time) go back to waiting, lease cleared`,
  },
  remove: {
    condition: () => 'TRUE',
    assignments: leavePoolAssignments,
    event: 'removed',
    words: () => 'all of them leave the pool (any status)',
  },
  'set-deadline': {
    condition: () => `POOL_STATUS IN ('waiting', 'ready', 'failed') AND (POOL_DEADLINE_TIME IS NULL OR POOL_DEADLINE_TIME <> :deadline)`,
    assignments: () => 'POOL_DEADLINE_TIME = :deadline',
    words: (input) => `the waiting, ready and failed ones get the deadline ${iso(input.deadline!)} (processing ones keep theirs)`,
  },
};

/** Always AND-ed: an entry a worker is processing right now is never changed by a bulk action. */
function skipWords(input: ParsedBulkInput, columns: PoolColumns): string {
  const basis = leaseBasis(columns) === 'claim-time' ? 'claimed' : 'entered the pool';
  return `entries under a live lease (processing, ${basis} within the last ${input.leaseSeconds} s) are skipped`;
}

/** The filter's conditions with the list's own (an entry time), so a preview counts what the entry list shows. */
function matchWhere(input: ParsedBulkInput) {
  const match = entryMatchSql(input.match);
  return { where: [...match.where, 'POOL_ENTRY_TIME IS NOT NULL'], replacements: match.replacements };
}

/** The action's whole condition: the filter, the action's statuses, and not under a live lease. */
function actionWhere(input: ParsedBulkInput, columns: PoolColumns): string[] {
  return [...matchWhere(input).where, `(${RULES[input.action].condition(columns)})`, `NOT ${live(columns)}`];
}

function replacements(input: ParsedBulkInput): Record<string, unknown> {
  return { ...matchWhere(input).replacements, leaseSeconds: input.leaseSeconds, deadline: input.deadline ?? null };
}

/** One batch's ids, in booking id order (the preview's sample is the first of them); replacements as above and :batch. */
export function bulkIdsSql(input: ParsedBulkInput, columns: PoolColumns): string {
  return `SELECT BOOKING_ID AS id FROM BOOKING_PLAN WHERE ${actionWhere(input, columns).join(' AND ')} ORDER BY BOOKING_ID LIMIT :batch`;
}

/**
 * The change by id, re-checking the whole condition. FORCE INDEX (PRIMARY): with a long IN list
 * MariaDB may plan a full scan of the primary key instead of its range, and an UPDATE locks every
 * row it scans, so one batch would lock the whole table and wait on any row a worker holds.
 */
export function bulkUpdateSql(input: ParsedBulkInput, columns: PoolColumns): string {
  return `UPDATE BOOKING_PLAN FORCE INDEX (PRIMARY) SET ${RULES[input.action].assignments(columns)} WHERE BOOKING_ID IN (:ids) AND ${actionWhere(input, columns).join(' AND ')}`;
}

/** Validates the input as the contract does (core is called from tests and tools, too). */
function parseInput(input: BulkInput): ParsedBulkInput {
  const parsed = bulkPreviewInputSchema.safeParse(input);
  if (parsed.success) {
    // DATETIME keeps whole seconds; a deadline with milliseconds would never compare equal to what it stored.
    const deadline = parsed.data.deadline && new Date(Math.floor(parsed.data.deadline.getTime() / 1000) * 1000);
    return { ...parsed.data, deadline };
  }
  const issue = parsed.error.issues[0];
  throw new PoolError('INVALID_INPUT', `Invalid ${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'rejected'}. Nothing was changed.`);
}

async function columnsFor(db: Database, input: ParsedBulkInput): Promise<PoolColumns> {
  const columns = await requirePoolColumns(db);
  requireMatchColumns(input.match, columns, db.profile.database);
  return columns;
}

/** The condition in words, as the preview shows it and the audit row keeps it. */
function describe(input: ParsedBulkInput, columns: PoolColumns): string {
  return `${describeEntryMatch(input.match)}: ${RULES[input.action].words(input, columns)}; ${skipWords(input, columns)}`;
}

/** Counts exactly up to COUNT_BOUND; one row more says there are more. */
async function boundedCount(db: Database, name: string, where: string[], values: Record<string, unknown>, transaction: Transaction): Promise<EntryTotal> {
  const [row] = await db.select<{ n: number | string }>(name, entriesCountSql(where), {
    replacements: { ...values, bound: COUNT_BOUND + 1 },
    transaction,
  });
  const n = Number(row?.n ?? 0);
  return n > COUNT_BOUND ? { count: COUNT_BOUND, exact: false } : { count: n, exact: true };
}

/** What an apply would change now: counts, the live leases it skips and the first rows, from one snapshot. */
export async function previewBulkAction(db: Database, raw: BulkInput): Promise<BulkPreview> {
  const input = parseInput(raw);
  const columns = await columnsFor(db, input);
  const values = replacements(input);
  return db.transaction(async (transaction) => {
    const [clock] = await db.select<{ now: Date }>('entries.bulk.clock', 'SELECT UTC_TIMESTAMP() AS now', { transaction });
    const matching = await boundedCount(db, 'entries.bulk.matching', matchWhere(input).where, values, transaction);
    const applicable = await boundedCount(db, 'entries.bulk.applicable', actionWhere(input, columns), values, transaction);
    const skippedLiveLease = await boundedCount(db, 'entries.bulk.live', [...matchWhere(input).where, live(columns)], values, transaction);
    const sample = await db.select<PoolEntry>(
      'entries.bulk.sample',
      `SELECT ${entryColumnsSql(columns)} FROM BOOKING_PLAN WHERE ${actionWhere(input, columns).join(' AND ')} ORDER BY BOOKING_ID LIMIT ${SAMPLE_SIZE}`,
      { replacements: values, transaction },
    );
    return {
      action: input.action,
      measuredAt: clock?.now ?? new Date(),
      condition: describe(input, columns),
      filter: describeEntryMatch(input.match),
      matching,
      applicable,
      willChange: Math.min(applicable.count, input.cap),
      skippedLiveLease,
      cap: input.cap,
      leaseSeconds: input.leaseSeconds,
      sample: sample.map(toEntry),
    };
  });
}

export interface BulkApplyOptions {
  audit: AuditContext;
  /** Called after each committed batch with the running total. */
  onBatch?: (total: number) => void;
  /** Honoured before each batch: the call fails CANCELLED, the batches done stay done, the audit row says cancelled. */
  signal?: AbortSignal;
}

/** Applies the action to at most `cap` rows, in batches, audited as `entries.bulk.<action>` with the filter and the reason. */
export async function applyBulkAction(db: Database, raw: BulkInput, options: BulkApplyOptions): Promise<BulkResult> {
  const input = parseInput(raw);
  const columns = await columnsFor(db, input);
  const rule = RULES[input.action];
  const parameters = {
    action: input.action,
    match: input.match,
    condition: describe(input, columns),
    cap: input.cap,
    leaseSeconds: input.leaseSeconds,
    ...(input.deadline ? { deadline: input.deadline } : {}),
  };
  const changed = await new AuditLog(db).audited(`entries.bulk.${input.action}`, { context: options.audit, parameters, signal: options.signal }, (counter) =>
    updateByIdInBatches(
      db,
      `entries.bulk.${input.action}`,
      { selectIds: bulkIdsSql(input, columns), updateIds: bulkUpdateSql(input, columns) },
      replacements(input),
      {
        limit: input.cap,
        signal: options.signal,
        onBatch: options.onBatch,
        inBatch: (n, transaction) => countedBatch(db, counter, rule.event, n, transaction),
      },
    ),
  );
  return { action: input.action, changed, cap: input.cap, capReached: changed >= input.cap };
}
