import { hostname, userInfo } from 'node:os';
import type { Database } from '../db/database.js';
import { containsPattern, LIKE_ESCAPE } from '../db/like-pattern.js';
import { CONSOLE_VERSION } from '../version.js';
import { PoolError } from '../../shared/errors.js';
import { isValidReason, REASON_HINT, type AuditContext, type AuditEntry, type AuditFilter, type AuditOutcome } from '../../shared/results/audit.js';
import { AuditRun, sweepAbandonedRuns, type AuditCounter } from './audit-run.js';
import { CANCELLED_BEFORE_START, isCancelled } from './cancel.js';

export type { AuditContext, AuditEntry, AuditFilter, AuditOutcome } from '../../shared/results/audit.js';
export type { AuditCounter } from './audit-run.js';

export function defaultActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // Some containers have no passwd entry for the uid; the host name still says where it came from.
  }
  return `${user}@${hostname()}`;
}

/** How a cancelled run's message words what it did and what it left. */
export interface CancelWording {
  done: (count: number) => string;
  rest: string;
}

const ROWS_DONE: CancelWording = {
  done: (count) => `${count.toLocaleString('en-US')} of the matching rows`,
  rest: 'The rest is unchanged.',
};

/** POOL_AUDIT_LOG: one row for every write an operator triggers. Reads write nothing. */
export class AuditLog {
  constructor(private readonly db: Database) {}

  async record(entry: {
    action: string;
    context?: AuditContext;
    bookingId?: number | null;
    parameters?: unknown;
    affectedRows: number;
    outcome: AuditOutcome;
    reason?: string;
  }): Promise<void> {
    await this.db.execute(
      'audit.record',
      `INSERT INTO POOL_AUDIT_LOG (ACTOR, ACTION, BOOKING_ID, PARAMETERS, AFFECTED_ROWS, OUTCOME, REASON, CONSOLE_VERSION)
       VALUES (:actor, :action, :bookingId, :parameters, :affectedRows, :outcome, :reason, :version)`,
      {
        replacements: {
          actor: (entry.context?.actor ?? defaultActor()).slice(0, 255),
          action: entry.action,
          bookingId: entry.bookingId ?? null,
          parameters: JSON.stringify(entry.parameters ?? {}),
          affectedRows: entry.affectedRows,
          outcome: entry.outcome,
          reason: (entry.reason ?? entry.context?.reason ?? null)?.slice(0, 1000) ?? null,
          version: CONSOLE_VERSION,
        },
      },
    );
  }

  /**
   * Runs an operator write under a journal row: opened `running` before `work` changes anything
   * (after marking abandoned runs `interrupted`), its count raised by `work` through the counter in
   * each batch's own transaction, then closed `ok`, or `error` with the failure. Refuses with
   * INVALID_INPUT, before anything, a write whose reason is missing or too short.
   *
   * Cancel: `work` checks `signal` between batches and throws CANCELLED there (cancel.ts); the row
   * is then closed `cancelled` with the count committed so far, and the call fails CANCELLED with a
   * message saying how much was done (`done` words it: "2,000 of the matching rows" by default).
   * A signal aborted before the row is opened changes nothing and leaves no row.
   */
  async audited<T>(
    action: string,
    details: { context?: AuditContext; bookingId?: number; parameters?: unknown; signal?: AbortSignal; done?: CancelWording },
    work: (counter: AuditCounter) => Promise<T>,
  ): Promise<T> {
    const reason = details.context?.reason;
    if (!isValidReason(reason)) {
      throw new PoolError('INVALID_INPUT', `A reason is required for ${action}: ${REASON_HINT} Nothing was changed.`, { field: 'reason' });
    }
    if (details.signal?.aborted) throw new PoolError('CANCELLED', CANCELLED_BEFORE_START);
    await this.sweepAbandoned();
    const run = await AuditRun.open(this.db, {
      actor: (details.context?.actor ?? defaultActor()).slice(0, 255),
      action,
      bookingId: details.bookingId ?? null,
      parameters: JSON.stringify(details.parameters ?? {}),
      reason: reason!.trim().slice(0, 1000),
      version: CONSOLE_VERSION,
    });
    let result: T;
    try {
      result = await work(run);
    } catch (error) {
      if (isCancelled(error)) {
        // Stopped at a boundary: every counted batch committed, so the row's count is the truth.
        await run.finish('cancelled').catch(() => undefined);
        const wording = details.done ?? ROWS_DONE;
        throw new PoolError(
          'CANCELLED',
          `Cancelled after ${wording.done(run.affectedRows)}; audit #${run.auditId} records it. ${wording.rest}`,
          { auditId: run.auditId, done: run.affectedRows },
          { cause: error },
        );
      }
      // Best effort: if the database is what failed, the row's lock dies with its session and the next run marks it interrupted.
      await run.finish('error', error instanceof Error ? error.message : String(error)).catch(() => undefined);
      throw error;
    }
    await run.finish('ok');
    return result;
  }

  /** Marks `running` rows whose run is gone as `interrupted`; the ids marked. */
  async sweepAbandoned(): Promise<number[]> {
    return sweepAbandonedRuns(this.db);
  }

  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const where: string[] = [];
    // Any action containing the text: 'cleanup' finds maintenance.cleanup.
    if (filter.action) where.push(`ACTION LIKE :actionPattern ESCAPE '${LIKE_ESCAPE}'`);
    if (filter.actor) where.push('ACTOR = :actor');
    if (filter.bookingId !== undefined) where.push('BOOKING_ID = :bookingId');
    if (filter.from) where.push('AUDIT_TIME >= :from');
    if (filter.to) where.push('AUDIT_TIME < :to');
    if (filter.beforeId !== undefined) where.push('AUDIT_ID < :beforeId');
    const rows = await this.db.select<AuditEntry & { parameters: string | null }>(
      'audit.list',
      `SELECT AUDIT_ID AS auditId, AUDIT_TIME AS time, ACTOR AS actor, ACTION AS action, BOOKING_ID AS bookingId,
              PARAMETERS AS parameters, AFFECTED_ROWS AS affectedRows, OUTCOME AS outcome, REASON AS reason,
              CONSOLE_VERSION AS consoleVersion
         FROM POOL_AUDIT_LOG ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY AUDIT_ID DESC LIMIT :limit`,
      {
        replacements: {
          ...filter,
          actionPattern: filter.action ? containsPattern(filter.action, 64) /* ACTION is VARCHAR(64) */ : undefined,
          limit: Math.min(Math.max(filter.limit ?? 100, 1), 1000),
        },
      },
    );
    return rows.map((row) => ({
      ...row,
      auditId: Number(row.auditId),
      parameters: typeof row.parameters === 'string' ? JSON.parse(row.parameters) : row.parameters,
    }));
  }
}
