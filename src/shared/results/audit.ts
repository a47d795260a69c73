/* POOL_AUDIT_LOG's rows as the console reads them, and who/why a write records. */

export type AuditOutcome = 'ok' | 'error';

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
