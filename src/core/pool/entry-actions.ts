import { AuditLog, type AuditContext } from '../audit/audit-log.js';
import type { Database } from '../db/database.js';
import type { EntryDetail } from '../../shared/contract.js';
import { bookingIdSchema } from './pool-types.js';
import type { DatabaseBookingPool } from './database-booking-pool.js';
import { countedBatch, type PoolEvent } from './event-counts.js';

/** One-row actions an operator takes from the entries table, each conditional and audited. */
export class EntryActions {
  private readonly audit: AuditLog;

  constructor(private readonly db: Database, private readonly pool: DatabaseBookingPool) {
    this.audit = new AuditLog(db);
  }

  /** A failed entry back to waiting (its attempts stay, so the limit still means something). */
  async retry(bookingId: number, context: AuditContext): Promise<{ changed: boolean }> {
    return this.change('entry.retry', 'retried', bookingId, context, `SET POOL_STATUS = 'waiting' WHERE BOOKING_ID = :id AND POOL_STATUS = 'failed'`);
  }

  /** A processing entry's lease released, whoever holds it: back to waiting. */
  async reset(bookingId: number, context: AuditContext): Promise<{ changed: boolean }> {
    return this.change(
      'entry.reset',
      'reset',
      bookingId,
      context,
      `SET POOL_STATUS = 'waiting', POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL WHERE BOOKING_ID = :id AND POOL_STATUS = 'processing'`,
    );
  }

  async remove(bookingId: number, context: AuditContext): Promise<{ changed: boolean }> {
    const { removed } = await this.pool.removeFromPool(bookingId, { audit: context });
    return { changed: removed };
  }

  /** The booking behind an entry (never MEETING_DETAIL), its pool state and its audit trail. */
  async detail(bookingId: number): Promise<EntryDetail> {
    const id = bookingIdSchema.parse(bookingId);
    const [booking, entry, audit] = await Promise.all([
      this.db.select<NonNullable<EntryDetail['booking']>>(
        'entry.booking',
        `SELECT BOOKING_ID AS bookingId, OWNER_EMP_CODE AS ownerEmpCode, OWNER_GROUP AS ownerGroup, MEETING_ROOM AS meetingRoom,
                MEETING_TYPE AS meetingType, TIME_START AS timeStart, TIME_END AS timeEnd, BOOKING_STATUS AS bookingStatus,
                INTERPRETER_EMP_CODE AS interpreterEmpCode
           FROM BOOKING_PLAN WHERE BOOKING_ID = :id`,
        { replacements: { id } },
      ),
      this.pool.getPoolEntry(id),
      this.audit.list({ bookingId: id, limit: 50 }),
    ]);
    const found = booking[0];
    return { booking: found ? { ...found, bookingId: Number(found.bookingId) } : null, entry, audit };
  }

  private async change(action: string, event: PoolEvent, bookingId: number, context: AuditContext, assignment: string): Promise<{ changed: boolean }> {
    const id = bookingIdSchema.parse(bookingId);
    // Opened before the change; the change, its audit count and its event count commit together.
    const affectedRows = await this.audit.audited(action, { context, bookingId: id, parameters: { bookingId: id } }, (counter) =>
      this.db.transaction(async (transaction) => {
        const changed = await this.db.execute(action, `UPDATE BOOKING_PLAN ${assignment}`, { replacements: { id }, transaction });
        await countedBatch(this.db, counter, event, changed, transaction);
        return changed;
      }),
    );
    return { changed: affectedRows === 1 };
  }
}
