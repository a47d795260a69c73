import type { Database } from '../../src/core/db/database.js';

/**
 * The first system's approach, reproduced for comparison only (DOMAIN.md, "Faults of the first
 * implementation"). Each method is what that system ran, through the same Database layer as ours
 * so both pay the same driver and ORM costs. Never use this outside the benchmark.
 */
export class ReferencePool {
  constructor(readonly db: Database) {}

  /**
   * Fault 2: `SELECT *` (MEETING_DETAIL included) with the OR, no limit. The benchmark's claim
   * workers pass `limit` only so that a round finishes at all; the first system had none.
   */
  async getReadyForAssignment(limit?: number): Promise<{ BOOKING_ID: number }[]> {
    return this.db.select<{ BOOKING_ID: number }>(
      'reference.ready',
      `SELECT * FROM BOOKING_PLAN
        WHERE ((POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME <= NOW()) OR POOL_STATUS = 'ready')
        ORDER BY POOL_DEADLINE_TIME ASC, POOL_ENTRY_TIME ASC${limit === undefined ? '' : ` LIMIT ${Math.trunc(limit)}`}`,
    );
  }

  /** Fault 7: five separate statements, no common snapshot. */
  async getPoolStats(): Promise<{ total: number; waiting: number; ready: number; processing: number; failed: number }> {
    const count = async (name: string, where: string) =>
      Number((await this.db.select<{ n: number }>(`reference.stats.${name}`, `SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE ${where}`))[0]?.n);
    return {
      total: await count('total', 'POOL_STATUS IS NOT NULL'),
      waiting: await count('waiting', "POOL_STATUS = 'waiting'"),
      ready: await count('ready', "POOL_STATUS = 'ready'"),
      processing: await count('processing', "POOL_STATUS = 'processing'"),
      failed: await count('failed', "POOL_STATUS = 'failed'"),
    };
  }

  /** Fault 1: unconditional — no status check, no affected-row check; the caller always believes it won. */
  async markAsProcessing(bookingId: number): Promise<true> {
    await this.db.execute(
      'reference.claim',
      `UPDATE BOOKING_PLAN SET POOL_STATUS = 'processing', POOL_PROCESSING_ATTEMPTS = POOL_PROCESSING_ATTEMPTS + 1
        WHERE BOOKING_ID = :bookingId`,
      { replacements: { bookingId } },
    );
    return true;
  }

  /** Fault 6: the start-up reset — stuck judged by updated_at, every row in one unbounded UPDATE. */
  async resetStuckProcessing(): Promise<number> {
    return this.db.execute(
      'reference.reset-stuck',
      `UPDATE BOOKING_PLAN SET POOL_STATUS = 'waiting'
        WHERE POOL_STATUS = 'processing' AND updated_at < NOW() - INTERVAL 1 HOUR`,
    );
  }

  /** Faults 9/10: one statement per row (the first system's addToPool, called for each legacy entry). */
  async addToPool(bookingId: number, deadlineTime: Date): Promise<void> {
    await this.db.execute(
      'reference.add',
      `UPDATE BOOKING_PLAN SET POOL_STATUS = 'waiting', POOL_ENTRY_TIME = NOW(), POOL_DEADLINE_TIME = :deadlineTime,
              POOL_PROCESSING_ATTEMPTS = 0
        WHERE BOOKING_ID = :bookingId`,
      { replacements: { bookingId, deadlineTime } },
    );
  }
}
