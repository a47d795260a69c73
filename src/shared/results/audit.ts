import { z } from 'zod';

/* POOL_AUDIT_LOG's rows as the console reads them, and who/why a write records. */

/**
 * `running`: the write is under way (its row is opened before its first change and its count
 * raised with each batch); `interrupted`: its run died before finishing (killed, connection lost),
 * and the count is what it had changed by then; `cancelled`: its caller cancelled it, it stopped
 * after its current batch (or migration), and the count is what it had changed, all committed.
 */
export const AUDIT_OUTCOMES = ['running', 'ok', 'error', 'interrupted', 'cancelled'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** The fewest non-blank characters an applying write's reason may have ("—" or "x" says nothing). */
export const MIN_REASON_CHARACTERS = 3;
export const REASON_HINT = `Give a reason of at least ${MIN_REASON_CHARACTERS} characters (e.g. a ticket number): it is recorded in the audit log.`;

/** True when `reason` is long enough to record an applying write (whitespace does not count). */
export function isValidReason(reason: string | undefined | null): boolean {
  return typeof reason === 'string' && reason.replace(/\s/g, '').length >= MIN_REASON_CHARACTERS && reason.trim().length <= 1000;
}

/** Every applying write's reason: required, at least 3 non-blank characters, at most 1000. */
export const reasonSchema = z
  .string({ error: REASON_HINT })
  .trim()
  .max(1000, 'a reason is at most 1000 characters')
  .refine((value) => isValidReason(value), { message: REASON_HINT });

export interface AuditEntry {
  auditId: number;
  time: Date;
  actor: string;
  action: string;
  bookingId: number | null;
  parameters: unknown;
  affectedRows: number;
  outcome: AuditOutcome;
  reason: string | null;
  consoleVersion: string;
}

export interface AuditContext {
  /** Who asked; the OS user@host of this process unless given. */
  actor?: string;
  reason?: string;
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  bookingId?: number;
  from?: Date;
  to?: Date;
  /** Keyset: entries older than this audit id. */
  beforeId?: number;
  limit?: number;
}
