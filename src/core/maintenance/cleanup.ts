import type { Transaction } from 'sequelize';
import { z } from 'zod';
import { PoolError } from '../../shared/errors.js';
import type { Database } from '../db/database.js';
import { updateInBatches } from '../pool/batches.js';
import { countedBatch } from '../pool/event-counts.js';
import type { AuditCounter } from '../audit/audit-log.js';
import { loadThresholds } from '../pool/deadline.js';
import { describeExpiredLease, leaseBasis } from '../pool/conditions.js';
import { requirePoolColumns, type PoolColumns } from '../schema/pool-columns.js';
import {
  CLEANUP_RULE_IDS,
  cleanupRules,
  DEFAULT_LEASE_TIMEOUT_SECONDS,
  MEETING_STARTED_ERROR,
  urgentDaysReplacements,
  type CleanupRule,
  type CleanupRuleId,
} from './cleanup-rules.js';
import type { CleanupPreview, CleanupResult, IntegrityReport, RuleFinding } from '../../shared/results/maintenance.js';

export type { CleanupPreview, CleanupResult, IntegrityReport, RuleFinding } from '../../shared/results/maintenance.js';

const SAMPLE_SIZE = 20;
const MAX_LEASE_TIMEOUT_SECONDS = 366 * 86_400;

const ruleIdSchema = z.enum(CLEANUP_RULE_IDS, {
  error: (issue) => `unknown rule '${String(issue.input)}'; valid rules: ${CLEANUP_RULE_IDS.join(', ')}`,
});

export const cleanupOptionsSchema = z.object({
  /** Which rules to run; all when omitted. They always run in the defined order, whatever order is given. */
  rules: z.array(ruleIdSchema).min(1, 'name at least one rule, or omit rules for all of them').optional(),
  /** A processing entry whose lease is older than this is stuck. */
  leaseTimeoutSeconds: z.number().int().positive().max(MAX_LEASE_TIMEOUT_SECONDS).default(DEFAULT_LEASE_TIMEOUT_SECONDS),
});

/** Plain strings come in from the CLI and the UI; unknown ids are refused with the valid ones listed. */
export interface CleanupOptions {
  rules?: readonly string[];
  leaseTimeoutSeconds?: number;
}

export interface ApplyCleanupOptions extends CleanupOptions {
  /** Called after every batch with the rule's running total. */
  onProgress?: (progress: { rule: CleanupRuleId; fixed: number }) => void;
  /** The audit row's counter: raised in each batch's own transaction, with the change it counts. */
  counter?: AuditCounter;
  /** The caller's cancel, honoured before each batch (of any rule): the run stops CANCELLED with its batches committed. */
  signal?: AbortSignal;
}

/** The rules for the schema at hand (see cleanupRules): a pool without its columns fails NO_POOL_COLUMNS. */
function parseOptions(options: CleanupOptions, columns: PoolColumns): { rules: CleanupRule[]; leaseTimeoutSeconds: number } {
  const result = cleanupOptionsSchema.safeParse({ rules: options.rules, leaseTimeoutSeconds: options.leaseTimeoutSeconds });
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'options';
    throw new PoolError('INVALID_INPUT', `Invalid cleanup ${where}: ${issue?.message ?? 'rejected'}.`, { validRules: [...CLEANUP_RULE_IDS] });
  }
  const selected = result.data.rules;
  return {
    rules: cleanupRules(columns).filter((rule) => selected === undefined || selected.includes(rule.id)),
    leaseTimeoutSeconds: result.data.leaseTimeoutSeconds,
  };
}

/** One reading of the database clock, so every rule of a run judges time the same way. */
async function databaseNow(db: Database, transaction?: Transaction): Promise<Date> {
  const [row] = await db.select<{ now: Date }>('cleanup.clock', 'SELECT UTC_TIMESTAMP() AS now', { transaction });
  if (!(row?.now instanceof Date)) throw new PoolError('INTERNAL', 'The database did not report its clock (SELECT UTC_TIMESTAMP()).');
  return row.now;
}

/**
 * What each rule would change, read-only: one COUNT and one 20-row id query per rule, all in one
 * transaction so the rules see one snapshot and one clock.
 */
export async function previewCleanup(db: Database, options: CleanupOptions = {}): Promise<CleanupPreview> {
  const columns = await requirePoolColumns(db);
  const { rules, leaseTimeoutSeconds } = parseOptions(options, columns);
  const leaseCondition = describeExpiredLease(leaseBasis(columns), leaseTimeoutSeconds);
  return db.transaction(async (transaction) => {
    const now = await databaseNow(db, transaction);
    const replacements = { now, leaseTimeoutSeconds };
    const findings: RuleFinding[] = [];
    for (const rule of rules) {
      const [counted] = await db.select<{ n: number | string }>(
        `cleanup.count.${rule.id}`,
        `SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE ${rule.condition}`,
        { replacements, transaction },
      );
      if (counted === undefined) throw new PoolError('INTERNAL', `Counting rule ${rule.id} returned no row.`);
      const sample = await db.select<{ id: number | string }>(
        `cleanup.sample.${rule.id}`,
        `SELECT BOOKING_ID AS id FROM BOOKING_PLAN WHERE ${rule.condition} ORDER BY BOOKING_ID LIMIT ${SAMPLE_SIZE}`,
        { replacements, transaction },
      );
      findings.push({
        id: rule.id,
        title: rule.title,
        detects: rule.detects.replaceAll('{leaseTimeoutSeconds}', String(leaseTimeoutSeconds)).replaceAll('{leaseCondition}', leaseCondition),
        fix: rule.fix,
        count: Number(counted.n),
        sampleIds: sample.map((row) => Number(row.id)),
      });
    }
    // Before migration 0003 the lease is judged by entry time: say so rather than pretend.
    const unavailable = leaseBasis(columns) === 'entry-time'
      ? [{ figure: 'leases', reason: 'no lease columns (migration 0003-pool-lease-columns pending): stuck entries are judged by entry time; run `pool-console migrate up`' }]
      : [];
    return unavailable.length > 0 ? { rules: findings, measuredAt: now, unavailable } : { rules: findings, measuredAt: now };
  });
}

/**
 * Fixes what the preview shows, rule by rule in the defined order, each rule as bounded
 * `UPDATE … LIMIT 1000` batches, each one transaction with its event count and its audit count
 * (`counter`). Opens no audit row: the caller does.
 */
export async function applyCleanup(db: Database, options: ApplyCleanupOptions = {}): Promise<CleanupResult> {
  const { rules, leaseTimeoutSeconds } = parseOptions(options, await requirePoolColumns(db));
  const [now, thresholds] = await Promise.all([databaseNow(db), loadThresholds(db)]);
  const replacements = { now, leaseTimeoutSeconds, meetingStartedError: MEETING_STARTED_ERROR, ...urgentDaysReplacements(thresholds) };
  const results: CleanupResult['rules'] = [];
  let total = 0;
  for (const rule of rules) {
    const fixed = await updateInBatches(
      db,
      `cleanup.apply.${rule.id}`,
      `UPDATE BOOKING_PLAN SET ${rule.assignments} WHERE ${rule.condition} LIMIT :batch`,
      replacements,
      {
        onBatch: (ruleTotal) => options.onProgress?.({ rule: rule.id, fixed: ruleTotal }),
        inBatch: (changed, transaction) => countedBatch(db, options.counter, rule.event, changed, transaction),
        signal: options.signal,
      },
    );
    total += fixed;
    results.push({ id: rule.id, fixed });
  }
  return { rules: results, total };
}

/** The same rules, read-only: passes only when no rule finds a row. */
export async function validateIntegrity(db: Database, options: CleanupOptions = {}): Promise<IntegrityReport> {
  const preview = await previewCleanup(db, options);
  const report = { passed: preview.rules.every((rule) => rule.count === 0), rules: preview.rules, checkedAt: preview.measuredAt };
  return preview.unavailable ? { ...report, unavailable: preview.unavailable } : report;
}
