import type { Transaction } from 'sequelize';
import { z } from 'zod';
import { PoolError } from '../../shared/errors.js';
import { AuditLog, type AuditContext, type AuditCounter } from '../audit/audit-log.js';
import type { Database } from '../db/database.js';
import { updateByIdInBatches, updateInBatches } from './batches.js';
import { ALL_POOL_COLUMNS, hasColumn, noPoolColumns, readWithPoolColumns, requirePoolColumns, type PoolColumns } from '../schema/pool-columns.js';
import { describeExpiredLease, expiredLeaseSql, leaseBasis, retriableFailedSql, failedAtMaxSql } from './conditions.js';
import { claimOrder, ELIGIBLE, entryColumnsSql, LEAVE_POOL_ASSIGNMENTS, toEntry } from './entry-columns.js';
import { countedBatch, countEvent } from './event-counts.js';
import { entryMatchSql, requireMatchColumns } from './entry-match.js';
import { cursorAfter, keysetSql, orderBySql, sortableWhere } from './entry-sort.js';
import { SCAN_BOUND, searchesWindows, windowStatements } from './entry-scan.js';
import { isGalera } from '../db/galera.js';
import { lockGaleraClaim } from './galera-claim.js';
import { LEAVE_PAUSED_MODES, passClaimGate } from '../control/claim-gate.js';
import { PoolPausedError } from '../control/paused-error.js';
import type { PauseInfo } from '../../shared/results/control.js';
import { bookingIdSchema, modeSchema, ownerSchema, type PoolEntry, type PoolMode, type PoolStatus } from './pool-types.js';
import { readPoolStats, type PoolStats } from './pool-stats.js';
import { ENTRY_COUNT_BOUND, entryFilterSchema, pageLimitSchema, type AddOutcome, type EntryFilter, type EntrySort, type ParsedEntryFilter, type SortOrder, type EntryPage, type EntryTotal, type UnavailableFigure } from '../../shared/results/pool.js';
import type { ResetStuckPreview, RetryFailedPreview } from '../../shared/results/maintenance.js';

export { entryFilterSchema } from '../../shared/results/pool.js';
export type { AddOutcome, EntryFilter, EntryPage } from '../../shared/results/pool.js';

export const DEFAULT_MAX_ATTEMPTS = 3;
const maxAttemptsSchema = z.number().int().min(1).max(100).default(DEFAULT_MAX_ATTEMPTS);

/*
 * The hot queries' SQL, exported so that index health EXPLAINs exactly the text the repository runs.
 */

/** The ready page's two halves (eligibleSql() split): each one index range scan already in claim order. */
export const READY_HALVES = [`POOL_STATUS = 'ready'`, `POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME <= UTC_TIMESTAMP()`] as const;
/** The claim's halves: as the ready page, but against the clock read once in the claim's transaction (:now). */
export const CLAIM_HALVES = [`POOL_STATUS = 'ready'`, `POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME <= :now`] as const;
const CLAIM_ORDER_BY = 'ORDER BY POOL_DEADLINE_TIME, POOL_ENTRY_TIME, BOOKING_ID LIMIT :limit';

/** One half of the ready page; replacements :limit (and :mode when `byMode`). */
export function readyPageSql(half: string, byMode: boolean, columns: PoolColumns = ALL_POOL_COLUMNS): string {
  return `SELECT ${entryColumnsSql(columns)} FROM BOOKING_PLAN
            WHERE ${half}${byMode ? ' AND POOL_MODE = :mode' : ''}
            ${CLAIM_ORDER_BY}`;
}

/**
 * One half of claimBatch's locking read; replacements :limit, :now (and :mode when `byMode`,
 * :pausedModes when `leavePausedModes`: a claim of any mode while some modes are paused).
 */
export function claimLockSql(half: string, byMode: boolean, columns: PoolColumns = ALL_POOL_COLUMNS, leavePausedModes = false): string {
  return `${readyPageSql(leavePausedModes ? `${half} AND ${LEAVE_PAUSED_MODES}` : half, byMode, columns)}
              FOR UPDATE SKIP LOCKED`;
}

/** A keyset page of entries in a sort order (entry-sort.ts); `where` are AND-ed conditions, replacement :limit. */
export function entriesPageSql(where: readonly string[], columns: PoolColumns = ALL_POOL_COLUMNS, sort: EntrySort = 'entryTime', order: SortOrder = 'asc'): string {
  return `SELECT ${entryColumnsSql(columns)} FROM BOOKING_PLAN WHERE ${where.join(' AND ')}
        ${orderBySql(sort, order)} LIMIT :limit`;
}

/**
 * How many entries match `where`, reading at most :bound rows: a total that stays cheap however
 * big the pool is (past the bound, the caller knows only "at least").
 */
export function entriesCountSql(where: readonly string[]): string {
  return `SELECT COUNT(*) AS n FROM (SELECT 1 FROM BOOKING_PLAN WHERE ${where.join(' AND ')} LIMIT :bound) AS bounded`;
}

/** A statement with its named replacements. */
export interface Statement {
  sql: string;
  replacements: Record<string, unknown>;
}

/**
 * The two statements of an entries page, exported so index health and the bench EXPLAIN exactly
 * what runs: the total (the filter's matches, read no further than `countBound` + 1 rows, so
 * without the keyset condition) and the page (limit + 1 rows: one more tells that a next page exists).
 */
export function entriesStatements(f: ParsedEntryFilter, columns: PoolColumns = ALL_POOL_COLUMNS, countBound: number = ENTRY_COUNT_BOUND): { count: Statement; page: Statement } {
  const match = entryMatchSql(f);
  const where = [...match.where, ...sortableWhere(f.sort)];
  const count = { sql: entriesCountSql(where), replacements: { ...match.replacements, bound: countBound + 1 } };
  const keyset = f.after ? { where: [keysetSql(f.sort, f.order)], replacements: { afterKey: f.after[f.sort], afterId: f.after.bookingId } } : { where: [], replacements: {} };
  const page = {
    sql: entriesPageSql([...where, ...keyset.where], columns, f.sort, f.order),
    replacements: { ...match.replacements, ...keyset.replacements, limit: f.limit + 1 },
  };
  return { count, page };
}

/**
 * The page and count statements that run for this filter: the plain ones, or those of a bounded
 * window when no index serves it (entry-scan.ts). For index health and the bench to EXPLAIN.
 */
export function runningEntriesStatements(f: ParsedEntryFilter, columns: PoolColumns = ALL_POOL_COLUMNS): { count: Statement; page: Statement; window: boolean } {
  if (!searchesWindows(f)) return { ...entriesStatements(f, columns), window: false };
  const { page, count } = windowStatements(f, entryColumnsSql(columns));
  return { page, count, window: true };
}

/** The conditions getAllPoolEntries always applies, before any filter. */
export const ENTRIES_BASE_WHERE = ['POOL_STATUS IS NOT NULL', 'POOL_ENTRY_TIME IS NOT NULL'] as const;

/** The reset's condition: an expired lease (conditions.ts); replacement :olderThanSeconds. */
const stuckCondition = (columns: PoolColumns) => expiredLeaseSql(columns, { seconds: ':olderThanSeconds' });
/** The retry's condition: failed under the limit (conditions.ts); replacement :maxAttempts. */
const RETRIABLE = retriableFailedSql(':maxAttempts');

/** The stuck-lease scan: ids only, so idx_pool_lease covers it; replacements :olderThanSeconds, :batch. */
export function stuckIdsSql(columns: PoolColumns = ALL_POOL_COLUMNS): string {
  return `SELECT BOOKING_ID AS id FROM BOOKING_PLAN WHERE ${stuckCondition(columns)} LIMIT :batch`;
}
export const STUCK_IDS_SQL = stuckIdsSql();

/** Back to waiting, the lease (where the schema has one) released; re-checks the condition. */
function resetStuckByIdSql(columns: PoolColumns): string {
  const release = hasColumn(columns, 'POOL_CLAIMED_BY') ? ', POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL' : '';
  return `UPDATE BOOKING_PLAN SET POOL_STATUS = 'waiting'${release}
          WHERE BOOKING_ID IN (:ids) AND ${stuckCondition(columns)}`;
}

const SAMPLE_SIZE = 20;

/** Figures an entry list shows empty on this schema. */
function unavailableColumns(columns: PoolColumns): UnavailableFigure[] {
  return columns.missingLater.map((name) => ({ figure: name, reason: 'column added by migration 0003-pool-lease-columns; run `pool-console migrate up`' }));
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `${what}.${issue.path.join('.')}` : what;
  throw new PoolError('INVALID_INPUT', `Invalid ${where}: ${issue?.message ?? 'rejected'}.`);
}

function validDate(value: Date | string, what: string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new PoolError('INVALID_INPUT', `Invalid ${what}: '${String(value)}' is not a valid date.`);
  return date;
}

/** The options every batched operator write takes. */
interface BulkWrite {
  limit?: number;
  audit?: AuditContext;
  /** Called after each committed batch with the running total. */
  onBatch?: (total: number) => void;
  /** The caller's cancel, honoured before each batch. */
  signal?: AbortSignal;
}

/**
 * The assignment pool in BOOKING_PLAN. Every read is bounded and index-served, every state change
 * is conditional on the row's current state, and every failure is thrown, classified.
 */
export class DatabaseBookingPool {
  readonly audit: AuditLog;

  constructor(readonly db: Database) {
    this.audit = new AuditLog(db);
  }

  /** Parks a booking that cannot be assigned now. Re-adding a pooled one changes nothing and says so. */
  async addToPool(bookingId: number, deadlineTime: Date | string, options: { mode: PoolMode }): Promise<{ outcome: AddOutcome; entry: PoolEntry }> {
    const id = parse(bookingIdSchema, bookingId, 'bookingId');
    const deadline = validDate(deadlineTime, 'deadlineTime');
    const mode = parse(modeSchema, options?.mode, 'mode');
    // The change and its count commit together.
    const changed = await this.db.transaction(async (transaction) => {
      const rows = await this.db.execute(
        'pool.add',
        `UPDATE BOOKING_PLAN SET POOL_STATUS = 'waiting', POOL_ENTRY_TIME = UTC_TIMESTAMP(), POOL_DEADLINE_TIME = :deadline,
                POOL_PROCESSING_ATTEMPTS = 0, POOL_MODE = :mode, POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL, POOL_LAST_ERROR = NULL
          WHERE BOOKING_ID = :id AND POOL_STATUS IS NULL AND BOOKING_STATUS = 'waiting' AND INTERPRETER_EMP_CODE IS NULL`,
        { replacements: { id, deadline, mode }, transaction },
      );
      await countEvent(this.db, 'entered', rows, transaction);
      return rows;
    });
    const entry = await this.getPoolEntry(id);
    if (changed === 1 && entry) return { outcome: 'added', entry };
    if (entry) return { outcome: 'already-pooled', entry };
    const [booking] = await this.db.select<{ status: string; interpreter: string | null }>(
      'pool.add.explain',
      'SELECT BOOKING_STATUS AS status, INTERPRETER_EMP_CODE AS interpreter FROM BOOKING_PLAN WHERE BOOKING_ID = :id',
      { replacements: { id } },
    );
    if (!booking) throw new PoolError('INVALID_INPUT', `Booking ${id} does not exist.`);
    if (booking.interpreter) throw new PoolError('CONFLICT', `Booking ${id} already has interpreter ${booking.interpreter}; it does not belong in the pool.`);
    throw new PoolError('CONFLICT', `Booking ${id} is '${booking.status}'; only waiting bookings enter the pool.`);
  }

  /** Eligible entries now, oldest deadline first, then entry time; at most `limit` (≤ 1,000). */
  async getReadyForAssignment(options: { limit?: number; mode?: PoolMode } = {}): Promise<PoolEntry[]> {
    const limit = parse(pageLimitSchema, options.limit, 'limit');
    const mode = options.mode === undefined ? undefined : parse(modeSchema, options.mode, 'mode');
    const columns = await this.readableColumns(mode ? ['POOL_MODE'] : []);
    // Two index range scans (ready; waiting past deadline), merged here: one query with OR would sort.
    const [ready, due] = await Promise.all(
      READY_HALVES.map((half) => this.db.select<PoolEntry>('pool.ready', readyPageSql(half, Boolean(mode), columns), { replacements: { limit, mode } })),
    );
    return [...(ready ?? []), ...(due ?? [])].map(toEntry).sort(claimOrder).slice(0, limit);
  }

  /**
   * Claims one entry if it is eligible right now; true only for the one caller that won it.
   * Throws PoolPausedError (code CONFLICT) when claiming is paused for the whole pool or for the
   * entry's mode (POOL_CONTROL, checked in this transaction: see control/claim-gate.ts).
   */
  async markAsProcessing(bookingId: number, options: { owner: string }): Promise<boolean> {
    const id = parse(bookingIdSchema, bookingId, 'bookingId');
    const owner = parse(ownerSchema, options?.owner, 'owner');
    const changed = await this.db.transaction(async (transaction) => {
      const { pausedModes } = await passClaimGate(this.db, transaction);
      const leavePaused = pausedModes.length > 0;
      const rows = await this.db.execute(
        'pool.claim.one',
        `UPDATE BOOKING_PLAN SET POOL_STATUS = 'processing', POOL_CLAIMED_BY = :owner, POOL_CLAIMED_AT = UTC_TIMESTAMP(),
                POOL_PROCESSING_ATTEMPTS = COALESCE(POOL_PROCESSING_ATTEMPTS, 0) + 1
          WHERE BOOKING_ID = :id AND ${ELIGIBLE}${leavePaused ? ` AND ${LEAVE_PAUSED_MODES}` : ''}`,
        { replacements: { id, owner, pausedModes: pausedModes.map((pause) => pause.scope) }, transaction },
      );
      if (rows === 0 && leavePaused) await this.refuseIfModePaused(id, pausedModes, transaction);
      // Last in the transaction: it commits (or rolls back) with the claim.
      await countEvent(this.db, 'claimed', rows, transaction);
      return rows;
    });
    return changed === 1;
  }

  /** markAsProcessing changed nothing: if the entry is eligible but its mode paused, say paused rather than "lost". */
  private async refuseIfModePaused(id: number, pausedModes: PauseInfo[], transaction: Transaction): Promise<void> {
    const [row] = await this.db.select<{ mode: PoolMode | null }>(
      'pool.claim.one.paused',
      `SELECT POOL_MODE AS mode FROM BOOKING_PLAN WHERE BOOKING_ID = :id AND ${ELIGIBLE}`,
      { replacements: { id }, transaction },
    );
    const pause = pausedModes.find((candidate) => candidate.scope === row?.mode);
    if (pause) throw new PoolPausedError([pause]);
  }

  /**
   * Claims up to `limit` eligible entries in claim order. Rows another claimer holds are skipped
   * (SKIP LOCKED), so concurrent claimers never wait on each other nor claim the same entry.
   * Paused claiming (POOL_CONTROL, checked in this transaction: see control/claim-gate.ts) throws
   * PoolPausedError (code CONFLICT): for the whole pool or the asked `mode`; without `mode`, paused
   * modes are left out, and when nothing else could be claimed the answer is paused too, never an
   * empty list that looks like "no work".
   */
  async claimBatch(options: { owner: string; limit?: number; mode?: PoolMode }): Promise<PoolEntry[]> {
    const owner = parse(ownerSchema, options?.owner, 'owner');
    const limit = parse(pageLimitSchema, options.limit, 'limit');
    const mode = options.mode === undefined ? undefined : parse(modeSchema, options.mode, 'mode');
    // asked once per Database, outside the transaction so as not to need a second connection
    const galera = await isGalera(this.db);
    let attempt = 0;
    return this.db.transaction(async (transaction) => {
      attempt += 1;
      const { now, pausedModes } = await passClaimGate(this.db, transaction, mode);
      const leavePaused = pausedModes.length > 0;
      const replacements = { limit, mode, now, pausedModes: pausedModes.map((pause) => pause.scope) };
      const locked: PoolEntry[] = [];
      if (galera) {
        locked.push(...(await lockGaleraClaim(this.db, transaction, { ...replacements, byMode: Boolean(mode), leavePaused, attempt })));
      } else {
        for (const half of CLAIM_HALVES) {
          locked.push(...(await this.db.select<PoolEntry>('pool.claim.lock', claimLockSql(half, Boolean(mode), ALL_POOL_COLUMNS, leavePaused), { replacements, transaction })));
        }
      }
      const claimed = locked.map(toEntry).sort(claimOrder).slice(0, limit);
      if (claimed.length === 0 && leavePaused) throw new PoolPausedError(pausedModes);
      if (claimed.length === 0) return [];
      const changed = await this.db.execute(
        'pool.claim.update',
        `UPDATE BOOKING_PLAN SET POOL_STATUS = 'processing', POOL_CLAIMED_BY = :owner, POOL_CLAIMED_AT = :now,
                POOL_PROCESSING_ATTEMPTS = COALESCE(POOL_PROCESSING_ATTEMPTS, 0) + 1
          WHERE BOOKING_ID IN (:ids)`,
        { replacements: { owner, now, ids: claimed.map((entry) => entry.bookingId) }, transaction },
      );
      // Last in the transaction: it commits (or rolls back) with the claim.
      await countEvent(this.db, 'claimed', changed, transaction);
      return claimed.map((entry) => ({ ...entry, status: 'processing', claimedBy: owner, claimedAt: now, attempts: entry.attempts + 1 }));
    });
  }

  /** The lease holder's success: the booking leaves the pool. */
  async completeProcessing(bookingId: number, options: { owner: string }): Promise<void> {
    const id = parse(bookingIdSchema, bookingId, 'bookingId');
    const owner = parse(ownerSchema, options?.owner, 'owner');
    await this.finishLease(id, owner, 'pool.complete', `SET ${LEAVE_POOL_ASSIGNMENTS}`, {}, 'completed');
  }

  /** The lease holder's failure: back to waiting, or to failed once attempts reach `maxAttempts`. */
  async failProcessing(bookingId: number, options: { owner: string; error: string; maxAttempts?: number }): Promise<{ status: PoolStatus }> {
    const id = parse(bookingIdSchema, bookingId, 'bookingId');
    const owner = parse(ownerSchema, options?.owner, 'owner');
    const maxAttempts = parse(maxAttemptsSchema, options.maxAttempts, 'maxAttempts');
    const error = parse(z.string().min(1), options.error, 'error');
    const attempts = await this.finishLease(
      id,
      owner,
      'pool.fail',
      `SET POOL_STATUS = IF(COALESCE(POOL_PROCESSING_ATTEMPTS, 0) >= :maxAttempts, 'failed', 'waiting'),
           POOL_LAST_ERROR = LEFT(:error, 1000), POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL`,
      { maxAttempts, error },
      // Every failure counts, whether the entry goes back to waiting or stays failed.
      'failed',
    );
    return { status: attempts >= maxAttempts ? 'failed' : 'waiting' };
  }

  /** Takes a booking out of the pool whatever its state; says whether it was pooled. */
  async removeFromPool(bookingId: number, options: { audit?: AuditContext } = {}): Promise<{ removed: boolean }> {
    const id = parse(bookingIdSchema, bookingId, 'bookingId');
    // The change, its event count and (when audited) its audit count commit together.
    const remove = (counter?: AuditCounter) =>
      this.db.transaction(async (transaction) => {
        const affectedRows = await this.db.execute(
          'pool.remove',
          `UPDATE BOOKING_PLAN SET ${LEAVE_POOL_ASSIGNMENTS} WHERE BOOKING_ID = :id AND POOL_STATUS IS NOT NULL`,
          { replacements: { id }, transaction },
        );
        await counter?.add(affectedRows, transaction);
        await countEvent(this.db, 'removed', affectedRows, transaction);
        return { affectedRows, removed: affectedRows === 1 };
      });
    const { removed } = options.audit
      ? await this.audit.audited('pool.remove', { context: options.audit, bookingId: id, parameters: { bookingId: id } }, remove)
      : await remove();
    return { removed };
  }

  async getPoolEntry(bookingId: number): Promise<PoolEntry | null> {
    const id = parse(bookingIdSchema, bookingId, 'bookingId');
    const columns = await requirePoolColumns(this.db);
    const [row] = await this.db.select<PoolEntry>(
      'pool.entry',
      `SELECT ${entryColumnsSql(columns)} FROM BOOKING_PLAN WHERE BOOKING_ID = :id AND POOL_STATUS IS NOT NULL`,
      { replacements: { id } },
    );
    return row ? toEntry(row) : null;
  }

  async isInPool(bookingId: number): Promise<boolean> {
    return (await this.getPoolEntry(bookingId)) !== null;
  }

  /**
   * One page of pooled entries in entry order (keyset on entry time, booking id). Entries with no
   * entry time are invalid data: the integrity check reports them; lists cannot order them.
   */
  async getAllPoolEntries(filter: EntryFilter = {}, options: { countBound?: number; scanBound?: number } = {}): Promise<EntryPage> {
    const f = parse(entryFilterSchema, filter, 'filter');
    const bounds = { count: options.countBound ?? ENTRY_COUNT_BOUND, scan: options.scanBound ?? SCAN_BOUND };
    return readWithPoolColumns(this.db, async () => {
      const columns = await requirePoolColumns(this.db);
      requireMatchColumns(f, columns, this.db.profile.database);
      return this.entriesPage(f, columns, bounds);
    });
  }

  /** One entries page for the columns the schema has. */
  private async entriesPage(f: ParsedEntryFilter, columns: PoolColumns, bounds: { count: number; scan: number }): Promise<EntryPage> {
    if (searchesWindows(f)) return this.windowPage(f, columns, bounds);
    const statements = entriesStatements(f, columns, bounds.count);
    const total = await this.countEntries(statements.count, bounds.count);
    const rows = await this.db.select<PoolEntry>('pool.entries', statements.page.sql, { replacements: statements.page.replacements });
    return this.toPage(f, columns, rows, total, null);
  }

  /** A page of a filter no index serves: the matches within a window of at most `bounds.scan` entries (entry-scan.ts). */
  private async windowPage(f: ParsedEntryFilter, columns: PoolColumns, bounds: { count: number; scan: number }): Promise<EntryPage> {
    const statements = windowStatements(f, entryColumnsSql(columns), bounds.scan);
    const [counted] = await this.db.select<{ scanned: number | string; n: number | string }>('pool.entries.count', statements.count.sql, { replacements: statements.count.replacements });
    const n = Number(counted?.n ?? 0);
    const whole = Number(counted?.scanned ?? 0) < bounds.scan;
    const total = n > bounds.count ? { count: bounds.count, exact: false } : { count: n, exact: whole };
    const rows = await this.db.select<PoolEntry>('pool.entries', statements.page.sql, { replacements: statements.page.replacements });
    if (rows.length > f.limit) return this.toPage(f, columns, rows, total, bounds.scan);
    // The window held fewer matches than a page: the next page searches on from the window's last row, if the window was full.
    const [end] = await this.db.select<{ bookingId: number; k: Date | number }>('pool.entries.window', statements.windowEnd.sql, { replacements: statements.windowEnd.replacements });
    const page = this.toPage(f, columns, rows, total, bounds.scan);
    return end ? { ...page, next: { [f.sort]: f.sort === 'attempts' ? Number(end.k) : end.k, bookingId: Number(end.bookingId) } } : page;
  }

  private toPage(f: ParsedEntryFilter, columns: PoolColumns, rows: PoolEntry[], total: EntryTotal, window: number | null): EntryPage {
    const entries = rows.slice(0, f.limit).map(toEntry);
    const last = entries[entries.length - 1];
    const next = rows.length > f.limit && last ? cursorAfter(last, f.sort) : null;
    const unavailable = unavailableColumns(columns);
    return { entries, next, total, ...(window !== null ? { window } : {}), ...(unavailable.length > 0 ? { unavailable } : {}) };
  }

  /** Entries matching, exact up to `bound`; the statement reads one row more to tell that there are more. */
  private async countEntries(count: Statement, bound: number): Promise<EntryTotal> {
    const [row] = await this.db.select<{ n: number | string }>('pool.entries.count', count.sql, { replacements: count.replacements });
    const n = Number(row?.n ?? 0);
    return n > bound ? { count: bound, exact: false } : { count: n, exact: true };
  }

  async getEntriesByMode(mode: PoolMode, page: Omit<EntryFilter, 'mode'> = {}): Promise<EntryPage> {
    return this.getAllPoolEntries({ ...page, mode: parse(modeSchema, mode, 'mode') });
  }

  /** Entries that should have been assigned by now: deadline passed, not being processed. */
  async getDeadlineEntries(page: Omit<EntryFilter, 'overdue'> = {}): Promise<EntryPage> {
    return this.getAllPoolEntries({ ...page, overdue: true });
  }

  async getFailedEntries(page: Omit<EntryFilter, 'status'> = {}): Promise<EntryPage> {
    return this.getAllPoolEntries({ ...page, status: 'failed' });
  }

  async getPoolStats(options: { leaseSeconds?: number; maxAttempts?: number } = {}): Promise<PoolStats> {
    return readPoolStats(this.db, {
      leaseSeconds: parse(z.number().int().min(1).default(3600), options.leaseSeconds, 'leaseSeconds'),
      maxAttempts: parse(maxAttemptsSchema, options.maxAttempts, 'maxAttempts'),
    });
  }

  /**
   * Failed entries under `maxAttempts` go back to waiting, in batches. `signal` cancels between
   * batches: the call fails CANCELLED, the batches done stay done and the audit row says `cancelled`.
   */
  async retryFailedEntries(options: BulkWrite & { maxAttempts?: number } = {}): Promise<{ retried: number }> {
    const maxAttempts = parse(maxAttemptsSchema, options.maxAttempts, 'maxAttempts');
    const limit = options.limit === undefined ? undefined : parse(z.number().int().positive(), options.limit, 'limit');
    const release = hasColumn(await requirePoolColumns(this.db), 'POOL_CLAIMED_BY') ? ', POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL' : '';
    const { signal } = options;
    const retried = await this.audit.audited('pool.retry-failed', { context: options.audit, parameters: { maxAttempts, limit }, signal }, (counter) =>
      updateInBatches(
        this.db,
        'pool.retry-failed',
        `UPDATE BOOKING_PLAN SET POOL_STATUS = 'waiting'${release}
          WHERE ${RETRIABLE} LIMIT :batch`,
        { maxAttempts },
        { limit, signal, onBatch: options.onBatch, inBatch: (changed, transaction) => countedBatch(this.db, counter, 'retried', changed, transaction) },
      ),
    );
    return { retried };
  }

  /**
   * Processing entries whose lease is older than `olderThanSeconds` (or missing) go back to
   * waiting. `signal` cancels between batches, as for retryFailedEntries.
   */
  async resetStuckProcessing(options: BulkWrite & { olderThanSeconds?: number } = {}): Promise<{ reset: number }> {
    const olderThanSeconds = parse(z.number().int().min(0).default(3600), options.olderThanSeconds, 'olderThanSeconds');
    const limit = options.limit === undefined ? undefined : parse(z.number().int().positive(), options.limit, 'limit');
    const columns = await requirePoolColumns(this.db);
    const { signal } = options;
    const reset = await this.audit.audited('pool.reset-stuck', { context: options.audit, parameters: { olderThanSeconds, limit }, signal }, (counter) =>
      updateByIdInBatches(
        this.db,
        'pool.reset-stuck',
        { selectIds: stuckIdsSql(columns), updateIds: resetStuckByIdSql(columns) },
        { olderThanSeconds },
        { limit, signal, onBatch: options.onBatch, inBatch: (changed, transaction) => countedBatch(this.db, counter, 'reset', changed, transaction) },
      ),
    );
    return { reset };
  }

  /**
   * What resetStuckProcessing would change now, by its own condition: the count and the first
   * booking ids, from one snapshot. `willChange` is the count capped at `limit`.
   */
  async previewResetStuck(options: { olderThanSeconds?: number; limit?: number } = {}): Promise<ResetStuckPreview> {
    const olderThanSeconds = parse(z.number().int().min(0).default(3600), options.olderThanSeconds, 'olderThanSeconds');
    const limit = options.limit === undefined ? undefined : parse(z.number().int().positive(), options.limit, 'limit');
    const columns = await requirePoolColumns(this.db);
    const found = await this.countAndSample('pool.reset-stuck.preview', stuckCondition(columns), { olderThanSeconds });
    const basis = leaseBasis(columns);
    return { ...found, olderThanSeconds, leaseBasis: basis, condition: describeExpiredLease(basis, olderThanSeconds), willChange: Math.min(found.count, limit ?? found.count) };
  }

  /** What retryFailedEntries would change now, by its own condition, and the failed entries it leaves. */
  async previewRetryFailed(options: { maxAttempts?: number; limit?: number } = {}): Promise<RetryFailedPreview> {
    const maxAttempts = parse(maxAttemptsSchema, options.maxAttempts, 'maxAttempts');
    const limit = options.limit === undefined ? undefined : parse(z.number().int().positive(), options.limit, 'limit');
    await requirePoolColumns(this.db);
    const found = await this.countAndSample('pool.retry-failed.preview', RETRIABLE, { maxAttempts }, failedAtMaxSql(':maxAttempts'));
    return {
      measuredAt: found.measuredAt, count: found.count, sampleIds: found.sampleIds, atMaxAttempts: found.other, maxAttempts,
      willChange: Math.min(found.count, limit ?? found.count),
    };
  }

  /** Empties the pool; refuses unless `confirm` names the database, so it never runs by accident. */
  async clearPool(options: { confirm: string; audit?: AuditContext }): Promise<{ cleared: number }> {
    const database = this.db.profile.database;
    if (options?.confirm !== database) {
      throw new PoolError('INVALID_INPUT', `Clearing the pool needs confirm: '${database}' (the database's name). Nothing was changed.`);
    }
    const cleared = await this.audit.audited('pool.clear', { context: options.audit, parameters: { database } }, (counter) =>
      updateInBatches(
        this.db,
        'pool.clear',
        `UPDATE BOOKING_PLAN SET ${LEAVE_POOL_ASSIGNMENTS} WHERE POOL_STATUS IS NOT NULL LIMIT :batch`,
        {},
        { inBatch: (changed, transaction) => countedBatch(this.db, counter, 'removed', changed, transaction) },
      ),
    );
    return { cleared };
  }

  /** The pool columns for a read; a filter on a column the schema lacks fails naming it. */
  private async readableColumns(needed: 'POOL_MODE'[]): Promise<PoolColumns> {
    const columns = await requirePoolColumns(this.db);
    const missing = needed.filter((name) => !hasColumn(columns, name));
    if (missing.length > 0) throw noPoolColumns(this.db.profile.database, missing);
    return columns;
  }

  /** COUNT and the first ids of `condition` (and a COUNT of `other`), in one snapshot with its clock. */
  private async countAndSample(queryName: string, condition: string, replacements: Record<string, unknown>, other?: string) {
    return this.db.transaction(async (transaction) => {
      const [counted] = await this.db.select<{ now: Date; n: number | string; other: number | string | null }>(
        `${queryName}.count`,
        `SELECT UTC_TIMESTAMP() AS now, (SELECT COUNT(*) FROM BOOKING_PLAN WHERE ${condition}) AS n,
                ${other ? `(SELECT COUNT(*) FROM BOOKING_PLAN WHERE ${other})` : 'NULL'} AS other`,
        { replacements, transaction },
      );
      const sample = await this.db.select<{ id: number | string }>(
        `${queryName}.sample`,
        `SELECT BOOKING_ID AS id FROM BOOKING_PLAN WHERE ${condition} ORDER BY BOOKING_ID LIMIT ${SAMPLE_SIZE}`,
        { replacements, transaction },
      );
      return { measuredAt: counted?.now ?? new Date(), count: Number(counted?.n ?? 0), other: Number(counted?.other ?? 0), sampleIds: sample.map((row) => Number(row.id)) };
    });
  }

  /**
   * Locks the entry, checks the caller holds its lease, applies `assignments` and counts `event`
   * in the same transaction; returns attempts.
   */
  private async finishLease(
    id: number,
    owner: string,
    queryName: string,
    assignments: string,
    replacements: Record<string, unknown>,
    event: 'completed' | 'failed',
  ): Promise<number> {
    return this.db.transaction(async (transaction) => {
      const [row] = await this.db.select<{ status: string | null; claimedBy: string | null; attempts: number }>(
        `${queryName}.lock`,
        `SELECT POOL_STATUS AS status, POOL_CLAIMED_BY AS claimedBy, COALESCE(POOL_PROCESSING_ATTEMPTS, 0) AS attempts
           FROM BOOKING_PLAN WHERE BOOKING_ID = :id FOR UPDATE`,
        { replacements: { id }, transaction },
      );
      if (!row || row.status !== 'processing' || row.claimedBy !== owner) {
        const state = !row ? 'does not exist' : row.status !== 'processing' ? `is ${row.status ?? 'not in the pool'}` : `is held by ${row.claimedBy ?? 'nobody'}`;
        throw new PoolError('CONFLICT', `${owner} does not hold booking ${id}'s lease: it ${state}. Its lease may have expired and been reset.`, {
          bookingId: id,
          status: row?.status ?? null,
          claimedBy: row?.claimedBy ?? null,
        });
      }
      const changed = await this.db.execute(queryName, `UPDATE BOOKING_PLAN ${assignments} WHERE BOOKING_ID = :id`, { replacements: { ...replacements, id }, transaction });
      await countEvent(this.db, event, changed, transaction);
      return Number(row.attempts);
    });
  }
}
