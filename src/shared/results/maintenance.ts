import type { PoolMode } from '../pool-types.js';
import type { LeaseBasis, UnavailableFigure } from './pool.js';

/* What cleanup, integrity validation and the legacy import return. */

/** The cleanup rules' ids, in the order apply runs them (the rules themselves live in core). */
export const CLEANUP_RULE_IDS = [
  'booking-finished',
  'interpreter-assigned',
  'meeting-started',
  'stuck-processing',
  'missing-entry-or-deadline',
  'deadline-after-start',
  'attempts-out-of-range',
  'null-status-leftovers',
  'lease-on-idle-entry',
  'processing-without-attempt',
  'processing-without-owner',
] as const;
export type CleanupRuleId = (typeof CLEANUP_RULE_IDS)[number];

export interface RuleFinding {
  id: CleanupRuleId;
  title: string;
  detects: string;
  fix: string;
  /** Rows apply would change under this rule, run in the defined order. */
  count: number;
  /** Up to 20 of those rows' booking ids, ascending. */
  sampleIds: number[];
}

export interface CleanupPreview {
  rules: RuleFinding[];
  /** What this schema cannot judge yet (before migration 0003), e.g. leases judged by entry time. */
  unavailable?: UnavailableFigure[];
  /** The database clock every rule was evaluated against. */
  measuredAt: Date;
}

export interface CleanupResult {
  rules: { id: CleanupRuleId; fixed: number }[];
  /** Sum of the rules' counts: a row fixed under two rules counts twice. */
  total: number;
}

export interface IntegrityReport {
  passed: boolean;
  unavailable?: UnavailableFigure[];
  rules: RuleFinding[];
  checkedAt: Date;
}

export const LEGACY_OUTCOMES = ['will-add', 'already-pooled', 'booking-missing', 'booking-finished', 'invalid'] as const;
export type LegacyOutcome = (typeof LEGACY_OUTCOMES)[number];
export type LegacyCounts = Record<LegacyOutcome, number>;

export interface LegacyImportLine {
  /** The entry's 0-based position in the file. */
  index: number;
  bookingId: number;
  outcome: LegacyOutcome;
  /** For `invalid`: the entry's field at fault. */
  field?: string;
  detail?: string;
  /** For `will-add`: what will be stored. */
  deadline?: Date;
  mode?: PoolMode;
}

export interface LegacyImportPreview {
  total: number;
  /** Per outcome, so callers need not scan `entries`. */
  counts: LegacyCounts;
  /** One line per file entry, in file order. */
  entries: LegacyImportLine[];
}

export interface LegacyImportResult {
  total: number;
  /** Entries this run put into the pool. */
  added: number;
  /** Entries found in the pool already (by an earlier run or otherwise) and kept as they are. */
  alreadyPooled: number;
  skipped: Record<Exclude<LegacyOutcome, 'will-add' | 'already-pooled'>, number>;
  /** Batches committed, each one transaction over up to 1,000 entries. */
  batches: number;
}

export interface LegacyImportProgress {
  /** 1-based number of the batch just committed, of `batches`. */
  batch: number;
  batches: number;
  /** File entries judged so far (committed batches), of `total`. */
  processed: number;
  total: number;
  added: number;
}

/** What reset-stuck would change now, counted by the reset's own condition (an expired lease). */
export interface ResetStuckPreview {
  measuredAt: Date;
  olderThanSeconds: number;
  leaseBasis: LeaseBasis;
  /** The condition in words, for the card and the CLI. */
  condition: string;
  /** Entries that match now. */
  count: number;
  /** Of those, how many one run would change (the count, capped by the run's limit). */
  willChange: number;
  /** Up to 20 of their booking ids, ascending. */
  sampleIds: number[];
}

/** What retry-failed would change now, counted by the retry's own condition (failed under the limit). */
export interface RetryFailedPreview {
  measuredAt: Date;
  maxAttempts: number;
  count: number;
  willChange: number;
  sampleIds: number[];
  /** Failed entries at or over the limit: the retry leaves them (stats' failedAtMaxAttempts). */
  atMaxAttempts: number;
}
