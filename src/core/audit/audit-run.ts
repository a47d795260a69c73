import type mysql from 'mysql2/promise';
import type { Transaction } from 'sequelize';
import { PoolError } from '../../shared/errors.js';
import type { Database } from '../db/database.js';
import { classifyError } from '../db/classify-error.js';
import { lockName, openSession } from '../db/named-lock.js';
import { whenCommitted } from '../db/when-committed.js';

/*
 * One audited write's journal row. The row is opened (`running`) before the write's first change,
 * its AFFECTED_ROWS raised inside each batch's own transaction, and closed (`ok` / `error` /
 * `cancelled`, the caller's cancel honoured between batches) at the end: a run killed at any point leaves a row whose count is the rows it really changed.
 *
 * A live run is told from a dead one by a database lock named after the row (GET_LOCK on a
 * connection of the run's own): the server releases it the moment that connection dies, so a
 * `running` row whose lock is free belongs to a run that will never finish, and the next run
 * (or start-up) marks it `interrupted`. Connection ids are reused after a server restart; lock
 * ownership is not, so no other column is needed.
 */

export const AUDIT_TABLE = 'POOL_AUDIT_LOG';
/** Abandoned rows looked at per sweep: the sweep runs before every audited write, so a few suffice. */
const SWEEP_LIMIT = 100;

export function runLockName(auditId: number, database: string): string {
  return lockName(`audit-run-${auditId}`, database);
}

/** What a write raises its row's count with, inside the transaction of the change it counts. */
export interface AuditCounter {
  /** Adds `n` to the row's AFFECTED_ROWS in `transaction`; the change and its count commit together. */
  add(n: number, transaction: Transaction): Promise<void>;
  /** Rows counted in committed transactions so far. */
  readonly affectedRows: number;
}

export interface OpenRow {
  actor: string;
  action: string;
  bookingId: number | null;
  parameters: string;
  reason: string | null;
  version: string;
}

export class AuditRun implements AuditCounter {
  private committed = 0;

  private constructor(
    private readonly db: Database,
    readonly auditId: number,
    private readonly session: mysql.Connection,
    private readonly lock: string,
  ) {}

  /** Inserts the `running` row and takes its lock in one transaction, so no one sees the row unowned. */
  static async open(db: Database, row: OpenRow): Promise<AuditRun> {
    const session = await openSession(db.profile);
    try {
      // Like the pool's sessions: AUDIT_TIME's default is read in the session's time zone.
      await session.query("SET time_zone = '+00:00'");
      await session.beginTransaction();
      const [inserted] = await session.query<mysql.ResultSetHeader>(
        `INSERT INTO ${AUDIT_TABLE} (ACTOR, ACTION, BOOKING_ID, PARAMETERS, AFFECTED_ROWS, OUTCOME, REASON, CONSOLE_VERSION)
         VALUES (?, ?, ?, ?, 0, 'running', ?, ?)`,
        [row.actor, row.action, row.bookingId, row.parameters, row.reason, row.version],
      );
      const auditId = Number(inserted.insertId);
      const lock = runLockName(auditId, db.profile.database);
      const [got] = await session.query<mysql.RowDataPacket[]>('SELECT GET_LOCK(?, 0) AS got', [lock]);
      if (Number(got[0]?.got) !== 1) throw new PoolError('CONFLICT', `Audit row ${auditId}'s lock ${lock} is held by another session; nothing was changed.`);
      await session.commit();
      return new AuditRun(db, auditId, session, lock);
    } catch (error) {
      await session.rollback().catch(() => undefined);
      await session.end().catch(() => session.destroy());
      throw error instanceof PoolError ? error : classifyError(error, db.target);
    }
  }

  get affectedRows(): number {
    return this.committed;
  }

  async add(n: number, transaction: Transaction): Promise<void> {
    if (n === 0) return;
    const counted = await this.db.execute(
      'audit.count',
      `UPDATE ${AUDIT_TABLE} SET AFFECTED_ROWS = AFFECTED_ROWS + :n WHERE AUDIT_ID = :id AND OUTCOME = 'running'`,
      { replacements: { n, id: this.auditId }, transaction },
    );
    if (counted !== 1) {
      // Another console saw this run's lock gone (its journal connection dropped) and closed the row:
      // stop here, with this batch rolled back, rather than change rows the closed row will not count.
      throw new PoolError('CONFLICT', `Audit row ${this.auditId} is no longer open (marked interrupted after its connection was lost); the run stopped and its last batch was rolled back. Check the result, then run it again.`);
    }
    // Only once it committed: a transaction retried after a deadlock calls add again.
    whenCommitted(transaction, () => {
      this.committed += n;
    });
  }

  /** Closes the row (`ok`, `cancelled`, or `error` with the failure appended to the reason) and frees its lock. */
  async finish(outcome: 'ok' | 'error' | 'cancelled', failure?: string): Promise<void> {
    try {
      await this.session.query(
        `UPDATE ${AUDIT_TABLE} SET OUTCOME = ?, REASON = IF(? IS NULL, REASON, LEFT(CONCAT_WS(' — ', REASON, ?), 1000))
          WHERE AUDIT_ID = ? AND OUTCOME = 'running'`,
        [outcome, failure ?? null, failure ? `failed: ${failure}` : null, this.auditId],
      );
    } finally {
      // Ending the session frees the lock in any case; RELEASE_LOCK first says so explicitly.
      await this.session.query('SELECT RELEASE_LOCK(?)', [this.lock]).catch(() => undefined);
      await this.session.end().catch(() => this.session.destroy());
    }
  }
}

/**
 * Marks `interrupted` every `running` row whose run is gone (its lock is free). Returns their ids.
 * Bounded: at most SWEEP_LIMIT rows a time (the sweep runs before every audited write).
 */
export async function sweepAbandonedRuns(db: Database): Promise<number[]> {
  const running = await db.select<{ id: number | string }>(
    'audit.running',
    `SELECT AUDIT_ID AS id FROM ${AUDIT_TABLE} WHERE OUTCOME = 'running' ORDER BY AUDIT_ID LIMIT ${SWEEP_LIMIT}`,
  );
  const dead: number[] = [];
  for (const { id } of running) {
    const [held] = await db.select<{ holder: number | null }>('audit.run-alive', 'SELECT IS_USED_LOCK(:name) AS holder', {
      replacements: { name: runLockName(Number(id), db.profile.database) },
    });
    if (held?.holder === null || held?.holder === undefined) dead.push(Number(id));
  }
  if (dead.length === 0) return [];
  await db.execute(
    'audit.interrupted',
    `UPDATE ${AUDIT_TABLE}
        SET OUTCOME = 'interrupted',
            REASON = LEFT(CONCAT_WS(' — ', REASON, 'interrupted: the run ended without finishing (process killed or connection lost); the count is the rows it had changed'), 1000)
      WHERE AUDIT_ID IN (:dead) AND OUTCOME = 'running'`,
    { replacements: { dead } },
  );
  return dead;
}
