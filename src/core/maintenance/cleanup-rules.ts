import { expiredLeaseSql, liveLeaseSql } from '../pool/conditions.js';
import { deadlineSql, type Thresholds } from '../pool/deadline.js';
import { leavePoolAssignments } from '../pool/entry-columns.js';
import { ALL_POOL_COLUMNS, columnOrNull, hasColumn, type PoolColumns } from '../schema/pool-columns.js';
import type { PoolEvent } from '../pool/event-counts.js';
import { MEETING_TYPES, type MeetingType } from '../pool/pool-types.js';
import type { CleanupRuleId } from '../../shared/results/maintenance.js';

export { CLEANUP_RULE_IDS } from '../../shared/results/maintenance.js';
export type { CleanupRuleId } from '../../shared/results/maintenance.js';

/**
 * The integrity rules behind cleanup and validation, in the order apply runs them.
 *
 * Why the conditions look the way they do: preview counts must equal applied counts. Preview
 * evaluates every condition on today's rows; apply runs the rules one after another, so a later
 * rule sees rows an earlier rule already fixed. The conditions are written so that no fix changes
 * whether a row matches a later rule:
 *  - rows that leave the pool (rules 1–2) are excluded from every later rule (STAYS / KEEPS);
 *  - meeting-started takes stuck entries of started meetings itself, so stuck-processing only
 *    takes meetings still ahead (each such row is counted once, where it ends up);
 *  - the other fixes touch columns no later condition reads in a way the fix could flip
 *    (a computed deadline is never after the meeting start; thresholds are clamped at 0).
 * Every fix also makes the row stop matching its own condition, so the batched UPDATE loop ends.
 * A row with two independent problems (say a started meeting and attempts of -1) counts under
 * both rules, because both change it.
 *
 * Placeholders: `:now` (the database clock, read once per run), `:leaseTimeoutSeconds`,
 * `:meetingStartedError`, `:urgent_<MeetingType>` (MEETING_TYPE_PRIORITY's urgent days).
 */

export const DEFAULT_LEASE_TIMEOUT_SECONDS = 3600;
/** The highest attempt count the pool API can produce (failProcessing's maxAttempts is at most 100). */
export const MAX_ATTEMPTS = 100;
export const MEETING_STARTED_ERROR = 'meeting started before assignment';

export interface CleanupRule {
  id: CleanupRuleId;
  title: string;
  /** One line: what the rule finds. `{leaseTimeoutSeconds}` and `{leaseCondition}` are filled in by the preview. */
  detects: string;
  /** One line: exactly what apply does to each row it finds. */
  fix: string;
  /** WHERE over BOOKING_PLAN. */
  condition: string;
  /** SET list of the fix: `UPDATE BOOKING_PLAN SET <assignments> WHERE <condition> LIMIT :batch`. */
  assignments: string;
  /** The pool event each fixed row is counted as (POOL_EVENT_COUNTS); none for fixes that only repair fields. */
  event?: PoolEvent;
}

const POOLED = 'POOL_STATUS IS NOT NULL';
const FINISHED = "BOOKING_STATUS IN ('approve', 'cancel', 'complet')";
/** The booking still belongs in the pool. */
const STAYS = `(BOOKING_STATUS NOT IN ('approve', 'cancel', 'complet') AND INTERPRETER_EMP_CODE IS NULL)`;

/** MEETING_TYPE_PRIORITY's urgent days per meeting type; an unknown type (the ENUM forbids it) counts as Other. */
const URGENT_DAYS = `CASE MEETING_TYPE ${MEETING_TYPES.map((type) => `WHEN '${type}' THEN :urgent_${type}`).join(' ')} ELSE :urgent_Other END`;

const DEADLINE_FIX_TEXT =
  'meeting start minus the meeting type\'s urgent threshold days from MEETING_TYPE_PRIORITY (one day more in BALANCE mode); ' +
  'an entry with no mode is computed as NORMAL and its mode stays unset';

/**
 * The rules for the columns the schema has. A column the schema lacks (before migration 0003) is
 * NULL on every row, and is read so; the lease conditions come from conditions.ts, so "stuck" is
 * the same expired lease the stats and reset-stuck count (by entry time without a lease column).
 */
export function cleanupRules(columns: PoolColumns = ALL_POOL_COLUMNS): readonly CleanupRule[] {
  const c = (name: Parameters<typeof columnOrNull>[1]) => columnOrNull(columns, name);
  const lease = { now: ':now', seconds: ':leaseTimeoutSeconds' };
  /** A processing entry whose lease is missing or older than the timeout: its worker is gone. */
  const STUCK = expiredLeaseSql(columns, lease);
  /** A processing entry under a live lease: its worker will finish it, so cleanup leaves it alone. */
  const HELD = liveLeaseSql(columns, lease);
  /** A pooled row that rules 1–2 do not take out of the pool (null-safe: never NULL for a pooled row). */
  const KEEPS = `(${STAYS} OR ${HELD})`;
  /** The entry's deadline from its meeting start, mode and meeting type; no mode → NORMAL. */
  const COMPUTED_DEADLINE = deadlineSql('TIME_START', `COALESCE(${c('POOL_MODE')}, 'NORMAL')`, `(${URGENT_DAYS})`);
  const LEAVE = leavePoolAssignments(columns);
  const releaseLease = hasColumn(columns, 'POOL_CLAIMED_BY') ? ', POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL' : '';
  const leftovers = [c('POOL_MODE'), c('POOL_CLAIMED_BY'), c('POOL_CLAIMED_AT'), c('POOL_LAST_ERROR')]
    .filter((column) => column !== 'NULL')
    .map((column) => ` OR ${column} IS NOT NULL`)
    .join('');

  const rules: CleanupRule[] = [
    {
      id: 'booking-finished',
      title: 'Pooled but booking finished',
      detects: 'Pooled entries whose booking is approved, cancelled or complete (entries a worker holds under a live lease are left to it).',
      fix: 'Takes the entry out of the pool: all pool columns back to NULL, attempts 0.',
      condition: `${POOLED} AND ${FINISHED} AND NOT ${HELD}`,
      assignments: LEAVE,
      event: 'removed',
    },
    {
      id: 'interpreter-assigned',
      title: 'Pooled but interpreter assigned',
      detects: 'Pooled entries of waiting bookings that already have an interpreter (entries a worker holds under a live lease are left to it).',
      fix: 'Takes the entry out of the pool: all pool columns back to NULL, attempts 0.',
      condition: `${POOLED} AND INTERPRETER_EMP_CODE IS NOT NULL AND NOT ${FINISHED} AND NOT ${HELD}`,
      assignments: LEAVE,
      event: 'removed',
    },
    {
      id: 'meeting-started',
      title: 'Meeting already started',
      detects:
        'Waiting, ready or stuck processing entries ({leaseCondition}) whose meeting has started and which still belong in the pool.',
      fix: `Marks the entry failed with POOL_LAST_ERROR '${MEETING_STARTED_ERROR}' and clears any lease, so ops see it in the failed list rather than it silently disappearing; attempts unchanged.`,
      condition: `${POOLED} AND ${STAYS} AND TIME_START <= :now AND (POOL_STATUS IN ('waiting', 'ready') OR ${STUCK})`,
      assignments: `POOL_STATUS = 'failed'${hasColumn(columns, 'POOL_LAST_ERROR') ? ', POOL_LAST_ERROR = :meetingStartedError' : ''}${releaseLease}`,
    },
    {
      id: 'stuck-processing',
      // Not the same count as reset-stuck's: started meetings and finished bookings are left to the rules above.
      title: 'Stuck processing, meeting ahead',
      detects:
        'Expired leases ({leaseCondition}) of open bookings whose meeting has not started: their worker is gone. Reset-stuck counts every expired lease; started meetings and finished bookings are handled by the rules above.',
      fix: 'Puts the entry back to waiting and clears the lease (owner and claim time); attempts and last error unchanged.',
      condition: `${STUCK} AND ${STAYS} AND TIME_START > :now`,
      assignments: `POOL_STATUS = 'waiting'${releaseLease}`,
      event: 'reset',
    },
    {
      id: 'missing-entry-or-deadline',
      title: 'Missing entry or deadline time',
      detects: 'Pooled entries with no entry time or no deadline.',
      fix: `Sets a missing entry time to the booking's created_at (now if that is missing too) and a missing deadline to the ${DEADLINE_FIX_TEXT}; the other time is kept.`,
      condition: `${POOLED} AND (POOL_ENTRY_TIME IS NULL OR POOL_DEADLINE_TIME IS NULL) AND ${KEEPS}`,
      assignments: `POOL_ENTRY_TIME = COALESCE(POOL_ENTRY_TIME, created_at, :now), POOL_DEADLINE_TIME = COALESCE(POOL_DEADLINE_TIME, ${COMPUTED_DEADLINE})`,
    },
    {
      id: 'deadline-after-start',
      title: 'Deadline after meeting start',
      detects: 'Pooled entries whose deadline is later than their meeting start.',
      fix: `Recomputes the deadline as the ${DEADLINE_FIX_TEXT}.`,
      condition: `${POOLED} AND POOL_DEADLINE_TIME > TIME_START AND ${KEEPS}`,
      assignments: `POOL_DEADLINE_TIME = ${COMPUTED_DEADLINE}`,
    },
    {
      id: 'attempts-out-of-range',
      title: 'Attempts out of range',
      detects: `Pooled entries whose processing attempts are NULL, negative or above ${MAX_ATTEMPTS}.`,
      fix: `Sets NULL or negative attempts to 0 and clamps attempts above ${MAX_ATTEMPTS} to ${MAX_ATTEMPTS}; status unchanged.`,
      condition: `${POOLED} AND (POOL_PROCESSING_ATTEMPTS IS NULL OR POOL_PROCESSING_ATTEMPTS < 0 OR POOL_PROCESSING_ATTEMPTS > ${MAX_ATTEMPTS}) AND ${KEEPS}`,
      assignments: `POOL_PROCESSING_ATTEMPTS = IF(POOL_PROCESSING_ATTEMPTS > ${MAX_ATTEMPTS}, ${MAX_ATTEMPTS}, 0)`,
    },
    {
      id: 'null-status-leftovers',
      title: 'NULL status with leftover pool fields',
      detects: 'Bookings not in the pool (NULL status) that still carry an entry time, deadline, mode, lease, last error or non-zero attempts.',
      fix: 'Clears the leftovers: all pool columns back to NULL, attempts 0.',
      // NULL attempts on a booking outside the pool is the NULL-able host schema's normal state, not a leftover.
      condition: `POOL_STATUS IS NULL AND (POOL_ENTRY_TIME IS NOT NULL OR POOL_DEADLINE_TIME IS NOT NULL${leftovers} OR POOL_PROCESSING_ATTEMPTS <> 0)`,
      assignments: LEAVE,
    },
    /*
     * States the schema allows and the lifecycle never produces (a claim sets owner, time and one
     * more attempt together; every way out of processing clears the lease). Each condition leaves
     * out what an earlier rule already takes (rules 1–2 take rows that do not STAY; meeting-started
     * takes started waiting/ready rows and clears their lease), so preview still equals apply.
     */
    {
      id: 'lease-on-idle-entry',
      title: 'Lease on an entry not being processed',
      detects: 'Waiting, ready or failed entries that still carry a lease owner or claim time (only processing entries hold a lease).',
      fix: 'Clears the lease (owner and claim time); status, attempts and last error unchanged.',
      condition: `POOL_STATUS IN ('waiting', 'ready', 'failed') AND (${c('POOL_CLAIMED_BY')} IS NOT NULL OR ${c('POOL_CLAIMED_AT')} IS NOT NULL)
        AND ${STAYS} AND (POOL_STATUS = 'failed' OR TIME_START > :now)`,
      assignments: 'POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL',
    },
    {
      id: 'processing-without-attempt',
      title: 'Processing with no attempt counted',
      detects: 'Processing entries under a live lease whose attempts are 0 or missing (every claim counts one attempt).',
      fix: 'Sets attempts to 1, the claim that is under way; status and lease unchanged.',
      // COALESCE and <= 0: attempts-out-of-range runs first and turns NULL or negative into 0, which this rule then takes too.
      condition: `${HELD} AND COALESCE(POOL_PROCESSING_ATTEMPTS, 0) <= 0`,
      assignments: 'POOL_PROCESSING_ATTEMPTS = 1',
    },
    {
      id: 'processing-without-owner',
      title: 'Processing with no lease owner',
      detects:
        'Processing entries with a recent claim time but no owner, for meetings not yet started: no worker can complete or fail them (both check the owner), so they would wait out the lease for nothing.',
      fix: 'Puts the entry back to waiting and clears the claim time; attempts and last error unchanged. (Once the claim time is older than the lease timeout, stuck-processing or meeting-started takes such an entry instead.)',
      condition: `${HELD} AND ${c('POOL_CLAIMED_BY')} IS NULL AND ${STAYS} AND TIME_START > :now`,
      assignments: `POOL_STATUS = 'waiting', POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL`,
      event: 'reset',
    },
  ];
  // Without the lease columns (before migration 0003) no lease can sit on the wrong entry or lack an owner.
  const leaseRules = new Set<CleanupRuleId>(['lease-on-idle-entry', 'processing-without-owner']);
  return hasColumn(columns, 'POOL_CLAIMED_BY') ? rules : rules.filter((rule) => !leaseRules.has(rule.id));
}

/** The rules on a fully migrated schema: their ids, titles and texts (previews build them per schema). */
export const CLEANUP_RULES: readonly CleanupRule[] = cleanupRules();

/** Replacements for `:urgent_<MeetingType>`; negative thresholds are clamped so a deadline is never after the start. */
export function urgentDaysReplacements(thresholds: Record<MeetingType, Thresholds>): Record<string, number> {
  return Object.fromEntries(MEETING_TYPES.map((type) => [`urgent_${type}`, Math.max(0, Math.trunc(thresholds[type].urgentThresholdDays))]));
}
