import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MIGRATIONS } from '../../migrations/index.js';
import type { ConsoleService } from '../../src/core/console/console-service.js';
import { Endpoint } from '../../src/core/console/endpoint.js';
import { Database } from '../../src/core/db/database.js';
import { BATCH_SIZE } from '../../src/core/pool/batches.js';
import { PoolMigrationManager } from '../../src/core/pool/pool-migration-manager.js';
import type { ProgressEvent } from '../../src/shared/contract.js';
import { PoolError } from '../../src/shared/errors.js';
import type { ServerMessage } from '../../src/shared/protocol.js';
import { hostSchemaSql } from '../fixtures/host-schema.js';
import { freshDatabase } from '../helpers/database.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';
import { consoleService, savedFor } from '../helpers/serve-fixture.js';

/*
 * Cancel, on the real server: each long write aborted from its own progress callback right after
 * its first batch (or migration) stops at that boundary. The call fails CANCELLED; exactly the
 * first batch's rows changed (counted in the table); the audit row says `cancelled` with that
 * count; the event counters moved by the same amount. A signal aborted before the call changes
 * nothing, and a `cancel` message to the endpoint reaches a running handler.
 */

const t = poolDatabase();
/** A bare host table of its own for the migration runs (t is fully migrated). */
const schema = freshDatabase();
const ROWS = 2_500;
const ACTOR = 'cancel-test';

let schemaDb: Database;

beforeAll(async () => {
  await schema.admin.query(hostSchemaSql('bare'));
  schemaDb = new Database(schema.profile);
});

afterAll(async () => {
  await schemaDb?.close();
});

// Every test starts from an empty table: a cancelled run leaves matching rows behind on purpose.
beforeEach(async () => {
  await t.admin.query('DELETE FROM BOOKING_PLAN');
});

async function count(sql: string, params: unknown[] = [], admin = t.admin): Promise<number> {
  const [rows] = await admin.query<RowDataPacket[]>(sql, params);
  return Number(rows[0]?.n);
}

const eventTotal = (event: string) => count('SELECT COALESCE(SUM(TOTAL), 0) AS n FROM POOL_EVENT_COUNTS WHERE EVENT = ?', [event]);

interface AuditRow {
  auditId: number;
  action: string;
  outcome: string;
  affectedRows: number;
  reason: string;
}

async function lastAuditRow(admin = t.admin): Promise<AuditRow | undefined> {
  const [rows] = await admin.query<RowDataPacket[]>(
    'SELECT AUDIT_ID AS auditId, ACTION AS action, OUTCOME AS outcome, AFFECTED_ROWS AS affectedRows, REASON AS reason FROM POOL_AUDIT_LOG ORDER BY AUDIT_ID DESC LIMIT 1',
  );
  return rows[0] as AuditRow | undefined;
}

/** The PoolError `run` rejects with; fails the test if it resolves. */
async function rejection(run: Promise<unknown>): Promise<PoolError> {
  const error = await run.then(
    () => {
      throw new Error('expected the call to be cancelled, but it finished');
    },
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(PoolError);
  return error as PoolError;
}

/** Checks what every cancelled bulk write must leave: the first batch done, counted, journalled. */
async function expectCancelledAfterFirstBatch(error: PoolError, action: string, changed: number, eventDelta: number): Promise<void> {
  expect(error.code).toBe('CANCELLED');
  expect(changed).toBe(BATCH_SIZE);
  const row = await lastAuditRow();
  expect(row).toMatchObject({ action, outcome: 'cancelled', affectedRows: changed });
  expect(eventDelta).toBe(changed);
  expect(error.details).toEqual({ auditId: row!.auditId, done: changed });
  expect(error.message).toContain(`Cancelled after ${changed.toLocaleString('en-US')}`);
  expect(error.message).toContain(`audit #${row!.auditId}`);
}

/** Legacy export entries (shape 1) for bookings as the database holds them. */
async function legacyExport(ids: number[]): Promise<string> {
  const [rows] = await t.admin.query<RowDataPacket[]>('SELECT BOOKING_ID AS id, MEETING_TYPE AS meetingType, TIME_START AS timeStart FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) ORDER BY BOOKING_ID', [ids]);
  return JSON.stringify({
    entries: rows.map((row, index) => {
      const start = (row.timeStart as Date).getTime();
      return {
        bookingId: row.id, meetingType: row.meetingType, startTime: new Date(start).toISOString(), endTime: new Date(start + 3_600_000).toISOString(),
        priorityValue: 2, urgentThresholdDays: 3, generalThresholdDays: 30, poolEntryTime: new Date(Date.UTC(2025, 0, 1) + index * 1000).toISOString(),
        decisionWindowTime: new Date(start - 3 * 86_400_000).toISOString(),
      };
    }),
  });
}

describe('a bulk write cancelled after its first batch stops there, counted and journalled', { timeout: 120_000 }, () => {
  it('cleanup apply: the first batch of the first rule, and no later rule', async () => {
    const finished = await insertBookings(t.admin, { count: ROWS, bookingStatus: 'approve' });
    await poolDirectly(t.admin, finished, { status: 'waiting', deadlineHoursFromNow: 24 });
    const assigned = await insertBookings(t.admin, { count: 5, interpreter: 'I-7' });
    await poolDirectly(t.admin, assigned, { status: 'waiting', deadlineHoursFromNow: 24 });
    const removedBefore = await eventTotal('removed');
    const controller = new AbortController();
    const progress: number[] = [];

    const error = await rejection(new PoolMigrationManager(t.db).cleanupInconsistentPoolStates({
      dryRun: false,
      rules: ['booking-finished', 'interpreter-assigned'],
      audit: { actor: ACTOR, reason: 'INC-cancel-cleanup' },
      signal: controller.signal,
      onProgress: ({ fixed }) => {
        progress.push(fixed);
        controller.abort();
      },
    }));

    const changed = await count('SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) AND POOL_STATUS IS NULL', [finished]);
    await expectCancelledAfterFirstBatch(error, 'maintenance.cleanup', changed, (await eventTotal('removed')) - removedBefore);
    expect(progress).toEqual([BATCH_SIZE]);
    expect(error.message).toContain('The rest is unchanged.');
    // the later rule never ran
    expect(await count("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) AND POOL_STATUS = 'waiting'", [assigned])).toBe(5);
  });

  it('retry-failed', async () => {
    const ids = await insertBookings(t.admin, { count: ROWS });
    await poolDirectly(t.admin, ids, { status: 'failed', attempts: 1 });
    const before = await eventTotal('retried');
    const controller = new AbortController();

    const error = await rejection(t.pool.retryFailedEntries({
      maxAttempts: 3,
      audit: { actor: ACTOR, reason: 'INC-cancel-retry' },
      signal: controller.signal,
      onBatch: () => controller.abort(),
    }));

    const changed = await count("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) AND POOL_STATUS = 'waiting'", [ids]);
    await expectCancelledAfterFirstBatch(error, 'pool.retry-failed', changed, (await eventTotal('retried')) - before);
    expect(await count("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) AND POOL_STATUS = 'failed'", [ids])).toBe(ROWS - changed);
  });

  it('reset-stuck', async () => {
    const ids = await insertBookings(t.admin, { count: ROWS });
    await poolDirectly(t.admin, ids, { status: 'processing', attempts: 1, claimedBy: 'w-dead', claimedSecondsAgo: 7200 });
    const before = await eventTotal('reset');
    const controller = new AbortController();

    const error = await rejection(t.pool.resetStuckProcessing({
      olderThanSeconds: 3600,
      audit: { actor: ACTOR, reason: 'INC-cancel-reset' },
      signal: controller.signal,
      onBatch: () => controller.abort(),
    }));

    const changed = await count("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) AND POOL_STATUS = 'waiting' AND POOL_CLAIMED_BY IS NULL", [ids]);
    await expectCancelledAfterFirstBatch(error, 'pool.reset-stuck', changed, (await eventTotal('reset')) - before);
    expect(await count("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) AND POOL_STATUS = 'processing' AND POOL_CLAIMED_BY = 'w-dead'", [ids])).toBe(ROWS - changed);
  });

  it('legacy import apply, and importing the same file again adds the rest', async () => {
    const ids = await insertBookings(t.admin, { count: ROWS });
    const snapshot = await legacyExport(ids);
    const before = await eventTotal('entered');
    const controller = new AbortController();
    const manager = new PoolMigrationManager(t.db);

    const error = await rejection(manager.migrateMemoryPoolToDatabase(snapshot, {
      dryRun: false,
      audit: { actor: ACTOR, reason: 'INC-cancel-import' },
      signal: controller.signal,
      onProgress: () => controller.abort(),
    }));

    const changed = await count('SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) AND POOL_STATUS IS NOT NULL', [ids]);
    await expectCancelledAfterFirstBatch(error, 'import.memory-pool', changed, (await eventTotal('entered')) - before);
    expect(error.message).toContain('1,000 entries added to the pool');

    const rerun = await manager.migrateMemoryPoolToDatabase(snapshot, { dryRun: false, audit: { actor: ACTOR, reason: 'INC-cancel-import rerun' } });
    expect(rerun).toMatchObject({ added: ROWS - changed, alreadyPooled: changed });
    expect(await count('SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) AND POOL_STATUS IS NOT NULL', [ids])).toBe(ROWS);
  });
});

describe('a migration run cancelled stops between migrations, each one done complete and journalled', { timeout: 180_000 }, () => {
  const applied = async () => {
    const [rows] = await schema.admin.query<RowDataPacket[]>('SELECT NAME AS name FROM POOL_CONSOLE_MIGRATIONS ORDER BY NAME');
    return rows.map((row) => String(row.name));
  };
  const hasColumn = (name: string) =>
    count("SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'BOOKING_PLAN' AND COLUMN_NAME = ?", [name], schema.admin);

  it('up', async () => {
    const manager = new PoolMigrationManager(schemaDb);
    // The audit table first (its own migration has no row to journal in).
    await manager.migrate('up', { to: MIGRATIONS[0]!.name, audit: { actor: ACTOR, reason: 'INC-cancel-up audit table' } });
    const controller = new AbortController();
    const error = await rejection(manager.migrate('up', {
      audit: { actor: ACTOR, reason: 'INC-cancel-up' },
      signal: controller.signal,
      onProgress: (p) => {
        if (p.state === 'finished') controller.abort();
      },
    }));

    expect(error.code).toBe('CANCELLED');
    expect(await applied()).toEqual(MIGRATIONS.slice(0, 2).map((m) => m.name));
    const row = await lastAuditRow(schema.admin);
    expect(row).toMatchObject({ action: 'migrations.up', outcome: 'cancelled', affectedRows: 1, reason: 'INC-cancel-up' });
    expect(error.message).toBe(`Cancelled after 1 migration; audit #${row!.auditId} records it. Each one done is complete and journalled; the rest were not started.`);
    // 0002 is complete, 0003 never started
    expect(await hasColumn('POOL_STATUS')).toBe(1);
    expect(await hasColumn('POOL_CLAIMED_BY')).toBe(0);
  });

  it('down', async () => {
    const manager = new PoolMigrationManager(schemaDb);
    await manager.migrate('up', { audit: { actor: ACTOR, reason: 'INC-cancel-down setup' } });
    expect(await applied()).toHaveLength(MIGRATIONS.length);
    const controller = new AbortController();
    const error = await rejection(manager.migrate('down', {
      to: MIGRATIONS[1]!.name,
      audit: { actor: ACTOR, reason: 'INC-cancel-down' },
      signal: controller.signal,
      onProgress: (p) => {
        if (p.state === 'finished') controller.abort();
      },
    }));

    expect(error.code).toBe('CANCELLED');
    // the newest one reverted and unjournalled; the rest still applied
    expect(await applied()).toEqual(MIGRATIONS.slice(0, -1).map((m) => m.name));
    const row = await lastAuditRow(schema.admin);
    expect(row).toMatchObject({ action: 'migrations.down', outcome: 'cancelled', affectedRows: 1, reason: 'INC-cancel-down' });
    expect(error.details).toEqual({ auditId: row!.auditId, done: 1 });
    expect(await hasColumn('POOL_CLAIMED_BY')).toBe(1);
  });
});

describe('a signal aborted before the call changes nothing', { timeout: 120_000 }, () => {
  it('for every cancellable write: no row changed, no audit row, no event counted, no migration run', async () => {
    const failed = await insertBookings(t.admin, { count: 20 });
    await poolDirectly(t.admin, failed, { status: 'failed', attempts: 1 });
    const stuck = await insertBookings(t.admin, { count: 20 });
    await poolDirectly(t.admin, stuck, { status: 'processing', attempts: 1, claimedBy: 'w-dead', claimedSecondsAgo: 7200 });
    const finished = await insertBookings(t.admin, { count: 20, bookingStatus: 'approve' });
    await poolDirectly(t.admin, finished, { status: 'waiting' });
    const outside = await insertBookings(t.admin, { count: 20 });
    const snapshot = await legacyExport(outside);
    const fingerprint = async () => {
      const [[rows]] = await t.admin.query<RowDataPacket[]>(
        `SELECT COUNT(*) AS n, BIT_XOR(CRC32(CONCAT_WS('|', BOOKING_ID, POOL_STATUS, POOL_ENTRY_TIME, POOL_DEADLINE_TIME, POOL_PROCESSING_ATTEMPTS,
                POOL_MODE, POOL_CLAIMED_BY, POOL_CLAIMED_AT, POOL_LAST_ERROR))) AS crc FROM BOOKING_PLAN`,
      );
      const [[audit]] = await t.admin.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM POOL_AUDIT_LOG');
      const [[events]] = await t.admin.query<RowDataPacket[]>('SELECT COALESCE(SUM(TOTAL), 0) AS n FROM POOL_EVENT_COUNTS');
      const [migrations] = await t.admin.query<RowDataPacket[]>('SELECT NAME AS name FROM POOL_CONSOLE_MIGRATIONS ORDER BY NAME');
      return { rows, audit, events, migrations };
    };
    const signal = AbortSignal.abort();
    const audit = { actor: ACTOR, reason: 'INC-cancel-early' };
    const manager = new PoolMigrationManager(t.db);
    const before = await fingerprint();

    const calls = [
      t.pool.retryFailedEntries({ maxAttempts: 3, audit, signal }),
      t.pool.resetStuckProcessing({ olderThanSeconds: 3600, audit, signal }),
      manager.cleanupInconsistentPoolStates({ dryRun: false, audit, signal }),
      manager.migrateMemoryPoolToDatabase(snapshot, { dryRun: false, audit, signal }),
      manager.migrate('down', { audit, signal }),
    ];
    for (const call of calls) {
      const error = await rejection(call);
      expect(error.code).toBe('CANCELLED');
      expect(error.message).toBe('Cancelled before anything was changed.');
    }
    expect(await fingerprint()).toEqual(before);
  });
});

describe('through the endpoint, as the UI calls it', { timeout: 120_000 }, () => {
  let service: ConsoleService;

  beforeAll(async () => {
    ({ service } = await consoleService());
    await service.session.connect(savedFor('cancel test', t.profile), t.profile);
  });

  afterAll(async () => {
    await service?.close();
  });

  /** The endpoint over an in-memory port. */
  function memoryPort() {
    const sent: ServerMessage[] = [];
    let listener: (message: unknown) => void = () => undefined;
    const closers: (() => void)[] = [];
    return {
      sent,
      send: (message: ServerMessage) => void sent.push(structuredClone(message)),
      onMessage: (next: (message: unknown) => void) => void (listener = next),
      onClose: (closer: () => void) => void closers.push(closer),
      deliver: (message: unknown) => listener(message),
      close: () => closers.forEach((closer) => closer()),
      reply: (id: unknown) => sent.find((message) => 'reply' in message && message.id === id) as Extract<ServerMessage, { reply: unknown }> | undefined,
    };
  }

  it('a `cancel` message reaches the running reset-stuck, which stops after its batch', async () => {
    const ids = await insertBookings(t.admin, { count: ROWS });
    await poolDirectly(t.admin, ids, { status: 'processing', attempts: 1, claimedBy: 'w-dead', claimedSecondsAgo: 7200 });
    const before = await eventTotal('reset');
    const port = memoryPort();
    new Endpoint(port, service);
    const events: ProgressEvent[] = [];
    const unsubscribe = service.subscribe('progress', {}, (event) => {
      events.push(event);
      // the client's Cancel, sent when the first batch's progress arrives
      if (event.operation === 'reset' && event.done === BATCH_SIZE) port.deliver({ id: 1, type: 'cancel' });
    });
    try {
      port.deliver({ id: 1, type: 'call', name: 'maintenance.resetStuck', input: { olderThanSeconds: 3600, reason: 'INC-cancel-endpoint' } });
      await vi.waitFor(() => expect(port.reply(1)).toBeDefined(), { timeout: 60_000, interval: 50 });
    } finally {
      unsubscribe();
      port.close();
    }

    const reply = port.reply(1)!.reply;
    const changed = await count("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) AND POOL_STATUS = 'waiting'", [ids]);
    expect(changed).toBe(BATCH_SIZE);
    const row = await lastAuditRow();
    expect(row).toMatchObject({ action: 'pool.reset-stuck', outcome: 'cancelled', affectedRows: changed });
    expect(reply).toEqual({
      ok: false,
      error: { code: 'CANCELLED', message: `Cancelled after 1,000 of the matching rows; audit #${row!.auditId} records it. The rest is unchanged.`, details: { auditId: row!.auditId, done: changed } },
    });
    expect((await eventTotal('reset')) - before).toBe(changed);
    // progress said the count done, then the cancel
    expect(events.map((event) => event.message)).toEqual(['1000 leases reset', reply.ok ? '' : reply.error.message]);
  });
});
