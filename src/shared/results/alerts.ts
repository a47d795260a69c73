import { z } from 'zod';

/*
 * Alerts (POOL_ALERT_RULES, POOL_ALERT_EVENTS): rules the recorder's leader evaluates on each
 * sample, and the firing/resolved events they leave. Every console and the agent read the same rows.
 */

/** One rule per kind; each kind reads its two numbers as ALERT_KIND_TEXT says. */
export const ALERT_KINDS = ['deadline-unclaimed', 'stuck-leases', 'failure-rate', 'no-claims', 'paused-too-long', 'recorder-gap'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const alertKindSchema = z.enum(ALERT_KINDS);

/** What each kind's `threshold` and `windowMinutes` mean, for the Alerts page, the CLI and messages. */
export const ALERT_KIND_TEXT: Record<AlertKind, { title: string; threshold: string; window: string }> = {
  'deadline-unclaimed': { title: 'Meetings soon, not being claimed', threshold: 'more than this many entries', window: 'meeting starts within (minutes)' },
  'stuck-leases': { title: 'Stuck leases', threshold: 'more than this many expired leases', window: 'lease time (minutes)' },
  'failure-rate': { title: 'Failures', threshold: 'more than this many failures per minute', window: 'averaged over (minutes)' },
  'no-claims': { title: 'No claims while work is eligible', threshold: 'at least this many eligible entries', window: 'no claim for (minutes)' },
  'paused-too-long': { title: 'Paused too long', threshold: 'unused (any pause)', window: 'paused for more than (minutes)' },
  'recorder-gap': { title: 'Recorder gap', threshold: 'unused', window: 'no recorded sample for (minutes)' },
};

export interface AlertRule {
  kind: AlertKind;
  enabled: boolean;
  threshold: number;
  windowMinutes: number;
  /** Who last changed it and when (database clock); null for a shipped default never edited. */
  updatedBy: string | null;
  updatedAt: Date | null;
}

/** What an edit may change; the reason goes to the audit log. */
export const alertRuleChangeSchema = z
  .object({
    kind: alertKindSchema,
    enabled: z.boolean().optional(),
    threshold: z.number().min(0).max(1_000_000).optional(),
    windowMinutes: z.number().int().min(1).max(7 * 24 * 60).optional(),
  })
  .strict();

export type AlertState = 'firing' | 'resolved';

/** A state change of one rule: written once by the leader, never updated. */
export interface AlertEvent {
  id: number;
  kind: AlertKind;
  state: AlertState;
  /** Database clock. */
  at: Date;
  /** The figure that crossed (or fell back under) the threshold. */
  value: number;
  /** One line a person can act on: "12 meetings within 24 h are waiting and none was claimed in 15 min". */
  message: string;
}

export interface AlertOverview {
  /** False before the alert tables' migration: nothing is evaluated, the page says so. */
  available: boolean;
  rules: AlertRule[];
  /** The newest event of each rule whose newest event is `firing`. */
  firing: AlertEvent[];
  /** When the leader last evaluated the rules (database clock); null if never. */
  evaluatedAt: Date | null;
}

export const alertEventsQuerySchema = z
  .object({
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    kind: alertKindSchema.optional(),
    /** Keyset: events with a smaller id (newest first). */
    beforeId: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();

/** The rules a database starts with (the migration writes them); every console then shares the edited rows. */
export const DEFAULT_ALERT_RULES: Record<AlertKind, Pick<AlertRule, 'enabled' | 'threshold' | 'windowMinutes'>> = {
  'deadline-unclaimed': { enabled: true, threshold: 0, windowMinutes: 6 * 60 },
  'stuck-leases': { enabled: true, threshold: 10, windowMinutes: 60 },
  'failure-rate': { enabled: true, threshold: 5, windowMinutes: 5 },
  'no-claims': { enabled: true, threshold: 1, windowMinutes: 15 },
  'paused-too-long': { enabled: true, threshold: 0, windowMinutes: 60 },
  'recorder-gap': { enabled: true, threshold: 0, windowMinutes: 5 },
};
