import type { Connection, ResultSetHeader } from 'mysql2/promise';
import { afterAll, beforeAll } from 'vitest';
import { Database, type DatabaseOptions } from '../../src/core/db/database.js';
import { DatabaseBookingPool } from '../../src/core/pool/database-booking-pool.js';
import { PoolMigrator } from '../../src/core/schema/migrator.js';
import { hostSchemaSql, type HostVariant } from '../fixtures/host-schema.js';
import { freshDatabase, type FreshDatabase } from './database.js';

export interface PoolDatabase extends FreshDatabase {
  readonly db: Database;
  readonly pool: DatabaseBookingPool;
}

/**
 * A fresh database with the host schema of `variant`, fully migrated, and a pool on it.
 * Call at the top level of a test file, like freshDatabase().
 */
export function poolDatabase(variant: HostVariant = 'bare', options: DatabaseOptions = {}): PoolDatabase {
  const fresh = freshDatabase();
  const state: { db?: Database; pool?: DatabaseBookingPool } = {};
  beforeAll(async () => {
    await fresh.admin.query(hostSchemaSql(variant));
    state.db = new Database(fresh.profile, options);
    await new PoolMigrator(state.db).up();
    state.pool = new DatabaseBookingPool(state.db);
  });
  afterAll(async () => {
    await state.db?.close();
  });
  return {
    get name() { return fresh.name; },
    get profile() { return fresh.profile; },
    get admin() { return fresh.admin; },
    get db() { return required(state.db); },
    get pool() { return required(state.pool); },
  };
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('poolDatabase() fields are only available inside tests and hooks');
  return value;
}

export interface BookingSeed {
  count: number;
  meetingType?: string;
  bookingStatus?: string;
  /** Hours from now to each meeting's start (default: 240). */
  startInHours?: number;
  interpreter?: string | null;
}

/** Inserts `count` bookings with one multi-row INSERT; returns their ids in order. */
export async function insertBookings(admin: Connection, seed: BookingSeed): Promise<number[]> {
  const rows = Array.from({ length: seed.count }, (_, i) => [
    `E${i}`, 'software', `Room ${i % 10}`, seed.meetingType ?? 'General',
    new Date(Date.now() + (seed.startInHours ?? 240) * 3_600_000), new Date(Date.now() + ((seed.startInHours ?? 240) + 1) * 3_600_000),
    seed.interpreter ?? null, seed.bookingStatus ?? 'waiting',
  ]);
  const ids: number[] = [];
  for (let offset = 0; offset < rows.length; offset += 5000) {
    const chunk = rows.slice(offset, offset + 5000);
    const [result] = await admin.query<ResultSetHeader>(
      `INSERT INTO BOOKING_PLAN (OWNER_EMP_CODE, OWNER_GROUP, MEETING_ROOM, MEETING_TYPE, TIME_START, TIME_END, INTERPRETER_EMP_CODE, BOOKING_STATUS) VALUES ?`,
      [chunk],
    );
    for (let i = 0; i < chunk.length; i += 1) ids.push(result.insertId + i);
  }
  return ids;
}

/** Puts bookings straight into the pool with the given state (set-up for tests, bypassing the API). */
export async function poolDirectly(
  admin: Connection,
  ids: number[],
  state: { status: string; deadlineHoursFromNow?: number; mode?: string; attempts?: number; claimedBy?: string | null; claimedSecondsAgo?: number | null },
): Promise<void> {
  if (ids.length === 0) return;
  await admin.query(
    `UPDATE BOOKING_PLAN SET POOL_STATUS = ?, POOL_ENTRY_TIME = UTC_TIMESTAMP() - INTERVAL 1 HOUR,
            POOL_DEADLINE_TIME = UTC_TIMESTAMP() + INTERVAL ? SECOND, POOL_MODE = ?, POOL_PROCESSING_ATTEMPTS = ?,
            POOL_CLAIMED_BY = ?, POOL_CLAIMED_AT = IF(? IS NULL, NULL, UTC_TIMESTAMP() - INTERVAL ? SECOND)
      WHERE BOOKING_ID IN (?)`,
    [
      state.status, Math.round((state.deadlineHoursFromNow ?? -1) * 3600), state.mode ?? 'NORMAL', state.attempts ?? 0,
      state.claimedBy ?? null, state.claimedSecondsAgo ?? null, state.claimedSecondsAgo ?? 0, ids,
    ],
  );
}

/** A bare host table, migrated, with `count` waiting entries due in a day: a quiet pool for outage tests. */
export async function seedQuietPool(database: FreshDatabase, count: number): Promise<void> {
  await database.admin.query(hostSchemaSql('bare'));
  const db = new Database(database.profile);
  try {
    await new PoolMigrator(db).up();
  } finally {
    await db.close();
  }
  const ids = await insertBookings(database.admin, { count });
  await poolDirectly(database.admin, ids, { status: 'waiting', deadlineHoursFromNow: 24 });
}
