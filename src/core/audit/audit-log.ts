import { hostname, userInfo } from 'node:os';
import type { Database } from '../db/database.js';
import { containsPattern, LIKE_ESCAPE } from '../db/like-pattern.js';
import { CONSOLE_VERSION } from '../version.js';
import type { AuditContext, AuditEntry, AuditFilter, AuditOutcome } from '../../shared/results/audit.js';

export type { AuditContext, AuditEntry, AuditFilter, AuditOutcome } from '../../shared/results/audit.js';

export function defaultActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // Some containers have no passwd entry for the uid; the host name still says where it came from.
  }
  return `${user}@${hostname()}`;
}

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
   * Runs an operator write and records it: `ok` with its row count, or `error` with the rows it
   * had changed before failing (batched work can fail half-way) and the error's message.
   */
  async audited<T extends { affectedRows: number }>(
    action: string,
    details: { context?: AuditContext; bookingId?: number; parameters?: unknown },
    work: (progress: { affectedRows: number }) => Promise<T>,
  ): Promise<T> {
    const progress = { affectedRows: 0 };
    try {
      const result = await work(progress);
      await this.record({ action, ...details, affectedRows: result.affectedRows, outcome: 'ok' });
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.record({ action, ...details, affectedRows: progress.affectedRows, outcome: 'error', reason: `failed: ${message}` }).catch(() => undefined);
      throw error;
    }
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
