import type { RowDataPacket } from 'mysql2/promise';
import { beforeAll, describe, expect, it } from 'vitest';
import { indexHealth, type IndexHealth } from '../../src/core/health/index-health.js';
import { poolDatabase } from '../helpers/pool-database.js';

const t = poolDatabase();

const BOOKINGS = 200_000;
/** 0…999,999 from six cross-joined digit tables: plain SQL both MariaDB 10.6+ and MySQL 8 run. */
const DIGITS = '(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
const SEQUENCE = `(SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d AS n
   FROM ${DIGITS} a CROSS JOIN ${DIGITS} b CROSS JOIN ${DIGITS} c CROSS JOIN ${DIGITS} e CROSS JOIN ${DIGITS} f CROSS JOIN ${DIGITS} g) s`;

let health: IndexHealth;

/**
 * 200,000 bookings, one in ten (20,000) pooled: half waiting (deadlines from 200 h ago to 200 h
 * ahead, 50 entries per deadline so ties are decided by entry time, then booking id), 15 % ready
 * (deadlines past and future), 20 % processing, 15 % failed, modes spread evenly.
 */
beforeAll(async () => {
  await t.admin.query(
    `INSERT INTO BOOKING_PLAN (OWNER_EMP_CODE, OWNER_GROUP, MEETING_ROOM, MEETING_TYPE, TIME_START, TIME_END, BOOKING_STATUS)
     SELECT CONCAT('E', n % 700), ELT(1 + n % 4, 'iot', 'hardware', 'software', 'other'), CONCAT('Room ', n % 40),
            ELT(1 + n % 6, 'DR', 'VIP', 'Weekly', 'General', 'Augent', 'Other'),
            UTC_TIMESTAMP() + INTERVAL (240 + n % 2000) HOUR, UTC_TIMESTAMP() + INTERVAL (241 + n % 2000) HOUR, 'waiting'
       FROM ${SEQUENCE} WHERE n < ?`,
    [BOOKINGS],
  );
  // UTC_TIMESTAMP() is fixed for the statement, so equal offsets give equal deadlines; the half hour
  // keeps every deadline at least 30 minutes from now, so none turns due while the test runs.
  await t.admin.query(
    `UPDATE BOOKING_PLAN
        SET POOL_STATUS = ELT(1 + FLOOR(BOOKING_ID / 10) % 20, 'waiting', 'waiting', 'waiting', 'waiting', 'waiting', 'waiting', 'waiting',
                              'waiting', 'waiting', 'waiting', 'ready', 'ready', 'ready', 'processing', 'processing', 'processing',
                              'processing', 'failed', 'failed', 'failed'),
            POOL_DEADLINE_TIME = UTC_TIMESTAMP() + INTERVAL (FLOOR(BOOKING_ID / 10) % 400 - 200) HOUR + INTERVAL 30 MINUTE,
            POOL_ENTRY_TIME = UTC_TIMESTAMP() - INTERVAL 300 HOUR - INTERVAL (BOOKING_ID % 7) MINUTE,
            POOL_MODE = ELT(1 + FLOOR(BOOKING_ID / 30) % 4, 'BALANCE', 'URGENT', 'NORMAL', 'CUSTOM'),
            POOL_PROCESSING_ATTEMPTS = BOOKING_ID % 4,
            POOL_CLAIMED_BY = IF(FLOOR(BOOKING_ID / 10) % 20 BETWEEN 13 AND 16, 'worker', NULL),
            POOL_CLAIMED_AT = IF(FLOOR(BOOKING_ID / 10) % 20 BETWEEN 13 AND 16, UTC_TIMESTAMP() - INTERVAL BOOKING_ID % 7200 SECOND, NULL)
      WHERE BOOKING_ID % 10 = 3 AND BOOKING_ID > 60`,
  );
  await t.admin.query('ANALYZE TABLE BOOKING_PLAN');
  health = await indexHealth(t.db);
}, 120_000);

/** The eligible entries in claim order, by a query written here independently of the repository. */
async function expectedReady(limit: number, mode?: string): Promise<number[]> {
  const [rows] = await t.admin.query<RowDataPacket[]>(
    `SELECT BOOKING_ID AS id FROM BOOKING_PLAN
      WHERE (POOL_STATUS = 'ready' OR (POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME <= UTC_TIMESTAMP()))
        ${mode ? 'AND POOL_MODE = ?' : ''}
      ORDER BY POOL_DEADLINE_TIME, POOL_ENTRY_TIME, BOOKING_ID LIMIT ?`,
    mode ? [mode, limit] : [limit],
  );
  return rows.map((row) => Number(row.id));
}

describe('the ready page on a large table', () => {
  it('has the data it claims to have', async () => {
    const [[counts]] = (await t.admin.query(
      `SELECT COUNT(*) AS bookings, SUM(POOL_STATUS IS NOT NULL) AS pooled, COUNT(DISTINCT POOL_STATUS) AS statuses,
              SUM(POOL_STATUS = 'ready' AND POOL_DEADLINE_TIME > UTC_TIMESTAMP()) AS readyAhead FROM BOOKING_PLAN`,
    )) as unknown as [[{ bookings: number; pooled: string; statuses: number; readyAhead: string }]];
    expect(Number(counts.bookings)).toBeGreaterThanOrEqual(BOOKINGS);
    expect(Number(counts.pooled)).toBe(20_000);
    expect(Number(counts.statuses)).toBe(4);
    expect(Number(counts.readyAhead)).toBeGreaterThan(0);
  });

  it.each(['ready.ready', 'ready.due', 'claim.ready', 'claim.due'])('serves %s from idx_pool_claim without a sort', (name) => {
    const plan = health.queries.find((query) => query.name === name);
    expect(plan, name).toBeDefined();
    expect(plan).toMatchObject({ indexUsed: 'idx_pool_claim', indexes: ['idx_pool_claim'], filesort: false, temporary: false, verdict: 'good' });
    expect(['ref', 'range']).toContain(plan?.accessType);
    // The server's own words, not only the walker's reading of them.
    expect(JSON.stringify(plan?.explain)).not.toMatch(/filesort|read_sorted_file/);
    expect(plan?.rowsReturned).toBe(100);
  });

  it('explains the claim with its locking clause (the server accepts it)', () => {
    const claim = health.queries.find((query) => query.name === 'claim.due');
    expect(claim?.sql).toMatch(/FOR UPDATE SKIP LOCKED\s*$/);
    expect(claim?.explainedWithoutLocking).toBe(false);
  });

  it('returns the eligible entries in claim order, bounded', async () => {
    const page = await t.pool.getReadyForAssignment();
    expect(page.map((entry) => entry.bookingId)).toEqual(await expectedReady(100));
    expect(page.every((entry) => entry.status === 'ready' || entry.status === 'waiting')).toBe(true);

    const big = await t.pool.getReadyForAssignment({ limit: 1000 });
    expect(big.map((entry) => entry.bookingId)).toEqual(await expectedReady(1000));
    // Both halves feed the page, merged in one order.
    expect(new Set(big.map((entry) => entry.status))).toEqual(new Set(['waiting', 'ready']));

    const urgent = await t.pool.getReadyForAssignment({ limit: 250, mode: 'URGENT' });
    expect(urgent.map((entry) => entry.bookingId)).toEqual(await expectedReady(250, 'URGENT'));
    expect(urgent.every((entry) => entry.mode === 'URGENT')).toBe(true);
  });
});
