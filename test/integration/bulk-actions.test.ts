import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleService } from '../../src/core/console/console-service.js';
import { BATCH_SIZE } from '../../src/core/pool/batches.js';
import { applyBulkAction, previewBulkAction, type BulkAction } from '../../src/core/pool/bulk-action.js';
import type { EntryMatch } from '../../src/shared/entry-match.js';
import { PoolError } from '../../src/shared/errors.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';
import { consoleService, savedFor } from '../helpers/serve-fixture.js';

/*
 * Bulk actions on a whole filter, on the real server: each action's own statuses, its cap, the
 * live-lease skip, every filter field counted as the entry list counts it, a run cancelled after its
 * first batch, a concurrent claimer whose rows the action never overwrites, and refused inputs.
 */

const t = poolDatabase();
const ACTOR = 'bulk-test';
const audit = (reason: string) => ({ actor: ACTOR, reason });

let service: ConsoleService;

beforeAll(async () => {
  ({ service } = await consoleService());
  await service.session.connect(savedFor('bulk test', t.profile), t.profile);
});

afterAll(async () => {
  await service?.close();
});

beforeEach(async () => {
  await t.admin.query('DELETE FROM BOOKING_PLAN');
});

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const [rows] = await t.admin.query<RowDataPacket[]>(sql, params);
  return Number(rows[0]?.n);
}

const eventTotal = (event: string) => count('SELECT COALESCE(SUM(TOTAL), 0) AS n FROM POOL_EVENT_COUNTS WHERE EVENT = ?', [event]);

async function lastAuditRow(): Promise<{ auditId: number; action: string; outcome: string; affectedRows: number; reason: string; parameters: unknown }> {
  const [rows] = await t.admin.query<RowDataPacket[]>(
    'SELECT AUDIT_ID AS auditId, ACTION AS action, OUTCOME AS outcome, AFFECTED_ROWS AS affectedRows, REASON AS reason, PARAMETERS AS parameters FROM POOL_AUDIT_LOG ORDER BY AUDIT_ID DESC LIMIT 1',
  );
  return rows[0] as never;
}

/** Every pool column of every row, to show what a refused or skipped run left alone. */
async function fingerprint(ids?: number[]): Promise<unknown[]> {
  const [rows] = await t.admin.query<RowDataPacket[]>(
    `SELECT BOOKING_ID, POOL_STATUS, POOL_ENTRY_TIME, POOL_DEADLINE_TIME, POOL_PROCESSING_ATTEMPTS, POOL_MODE, POOL_CLAIMED_BY, POOL_CLAIMED_AT, POOL_LAST_ERROR
       FROM BOOKING_PLAN ${ids ? 'WHERE BOOKING_ID IN (?)' : ''} ORDER BY BOOKING_ID`,
    ids ? [ids] : [],
  );
  return rows;
}

const statusCount = (status: string, ids: number[]) => count('SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS <=> ? AND BOOKING_ID IN (?)', [status, ids]);

/** 60 entries of each kind: waiting, ready, failed, processing under a live lease, processing with an expired lease. */
async function seedEveryKind(perKind = 60) {
  const ids = await insertBookings(t.admin, { count: perKind * 5 });
  const kind = (k: number) => ids.slice(k * perKind, (k + 1) * perKind);
  const kinds = { waiting: kind(0), ready: kind(1), failed: kind(2), live: kind(3), expired: kind(4) };
  await poolDirectly(t.admin, kinds.waiting, { status: 'waiting', deadlineHoursFromNow: 24 });
  await poolDirectly(t.admin, kinds.ready, { status: 'ready', deadlineHoursFromNow: 24 });
  await poolDirectly(t.admin, kinds.failed, { status: 'failed', deadlineHoursFromNow: 24, attempts: 2 });
  await poolDirectly(t.admin, kinds.live, { status: 'processing', attempts: 1, claimedBy: 'worker-live', claimedSecondsAgo: 10 });
  await poolDirectly(t.admin, kinds.expired, { status: 'processing', attempts: 1, claimedBy: 'worker-dead', claimedSecondsAgo: 7200 });
  return kinds;
}

type Kinds = Awaited<ReturnType<typeof seedEveryKind>>;
const NEW_DEADLINE = new Date('2031-02-03T04:05:06Z');

/** What each action applies to, and how a changed row looks afterwards (status, and the lease released). */
const EXPECTED: Record<BulkAction, { applies: (k: Kinds) => number[]; changedStatus: string | null; event?: string }> = {
  retry: { applies: (k) => k.failed, changedStatus: 'waiting', event: 'retried' },
  'make-ready': { applies: (k) => [...k.waiting, ...k.failed], changedStatus: 'ready' },
  'reset-lease': { applies: (k) => k.expired, changedStatus: 'waiting', event: 'reset' },
  remove: { applies: (k) => [...k.waiting, ...k.ready, ...k.failed, ...k.expired], changedStatus: null, event: 'removed' },
  'set-deadline': { applies: (k) => [...k.waiting, ...k.ready, ...k.failed], changedStatus: 'same' },
};

const changedRows = async (action: BulkAction, ids: number[]) =>
  action === 'set-deadline'
    ? count('SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_DEADLINE_TIME = ? AND BOOKING_ID IN (?)', [NEW_DEADLINE, ids])
    : statusCount(EXPECTED[action].changedStatus as string, ids);

describe('each bulk action: its own statuses, its cap, and never a live lease', { timeout: 240_000 }, () => {
  for (const action of Object.keys(EXPECTED) as BulkAction[]) {
    it(`${action}: capped at 25 per run, the rest on the next run, live leases untouched`, async () => {
      const kinds = await seedEveryKind();
      const applies = EXPECTED[action].applies(kinds);
      const input = { action, match: {}, cap: 25, ...(action === 'set-deadline' ? { deadline: NEW_DEADLINE } : {}) };
      const liveBefore = await fingerprint(kinds.live);
      const untouched = Object.values(kinds).flat().filter((id) => !applies.includes(id));
      const untouchedBefore = await fingerprint(untouched);
      const eventBefore = EXPECTED[action].event ? await eventTotal(EXPECTED[action].event!) : 0;

      const preview = await previewBulkAction(t.db, input);
      expect(preview).toMatchObject({
        action, cap: 25, willChange: 25, leaseSeconds: 3600,
        matching: { count: 300, exact: true }, applicable: { count: applies.length, exact: true }, skippedLiveLease: { count: 60, exact: true },
      });
      // the sample is the first rows the apply changes, in booking id order
      const inOrder = [...applies].sort((a, b) => a - b);
      expect(preview.sample.map((entry) => entry.bookingId)).toEqual(inOrder.slice(0, 20));
      expect(preview.condition).toMatch(/^entries in the pool: /);
      expect(preview.condition).toContain('entries under a live lease (processing, claimed within the last 3600 s) are skipped');

      const first = await applyBulkAction(t.db, input, { audit: audit('INC-bulk-cap') });
      expect(first).toEqual({ action, changed: 25, cap: 25, capReached: true });
      expect(await changedRows(action, inOrder.slice(0, 25))).toBe(25);
      const row = await lastAuditRow();
      expect(row).toMatchObject({ action: `entries.bulk.${action}`, outcome: 'ok', affectedRows: 25, reason: 'INC-bulk-cap' });
      expect(typeof row.parameters === 'string' ? JSON.parse(row.parameters) : row.parameters).toMatchObject({ action, match: {}, cap: 25, leaseSeconds: 3600, condition: preview.condition });

      const rest = await applyBulkAction(t.db, { ...input, cap: 50_000 }, { audit: audit('INC-bulk-rest') });
      expect(rest).toEqual({ action, changed: applies.length - 25, cap: 50_000, capReached: false });
      expect(await changedRows(action, applies)).toBe(applies.length);
      // nothing it does not apply to changed: the live leases, and every other status, exactly as before
      expect(await fingerprint(kinds.live)).toEqual(liveBefore);
      expect(await fingerprint(untouched)).toEqual(untouchedBefore);
      if (EXPECTED[action].event) expect((await eventTotal(EXPECTED[action].event!)) - eventBefore).toBe(applies.length);
      // a third run finds nothing left to do
      expect((await previewBulkAction(t.db, input)).willChange).toBe(0);
    });
  }

  it('retry keeps the attempts and clears the lease; reset-lease judges the lease by leaseSeconds', async () => {
    const ids = await insertBookings(t.admin, { count: 4 });
    await poolDirectly(t.admin, ids.slice(0, 2), { status: 'failed', attempts: 3, claimedBy: 'worker-x', claimedSecondsAgo: 5 });
    await poolDirectly(t.admin, ids.slice(2), { status: 'processing', attempts: 1, claimedBy: 'worker-y', claimedSecondsAgo: 120 });
    expect(await applyBulkAction(t.db, { action: 'retry', match: {} }, { audit: audit('INC-keep') })).toMatchObject({ changed: 2 });
    expect(await count("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS = 'waiting' AND POOL_PROCESSING_ATTEMPTS = 3 AND POOL_CLAIMED_BY IS NULL AND POOL_CLAIMED_AT IS NULL AND BOOKING_ID IN (?)", [ids.slice(0, 2)])).toBe(2);
    // claimed 120 s ago: live under the default hour, expired under a 60 s lease
    expect((await previewBulkAction(t.db, { action: 'reset-lease', match: {} })).skippedLiveLease.count).toBe(2);
    expect(await applyBulkAction(t.db, { action: 'reset-lease', match: {} }, { audit: audit('INC-lease') })).toMatchObject({ changed: 0 });
    expect(await applyBulkAction(t.db, { action: 'reset-lease', match: {}, leaseSeconds: 60 }, { audit: audit('INC-lease') })).toMatchObject({ changed: 2 });
  });

  it('a cap of 50 on 120 matching failed VIP entries: 50 changed (the lowest ids), the other 70 and the other types untouched', async () => {
    const vip = await insertBookings(t.admin, { count: 120, meetingType: 'VIP' });
    const general = await insertBookings(t.admin, { count: 30, meetingType: 'General' });
    await poolDirectly(t.admin, [...vip, ...general], { status: 'failed', attempts: 1 });
    const generalBefore = await fingerprint(general);
    const input = { action: 'retry' as const, match: { status: 'failed' as const, meetingType: 'VIP' as const }, cap: 50 };
    const preview = await previewBulkAction(t.db, input);
    expect(preview).toMatchObject({ matching: { count: 120 }, applicable: { count: 120 }, willChange: 50 });
    expect(preview.condition).toBe(
      'failed entries, meeting type VIP: the failed ones go back to waiting (attempts kept, lease cleared); entries under a live lease (processing, claimed within the last 3600 s) are skipped',
    );
    expect(await applyBulkAction(t.db, input, { audit: audit('INC-50') })).toMatchObject({ changed: 50, capReached: true });
    expect(await statusCount('waiting', vip.slice(0, 50))).toBe(50);
    expect(await statusCount('failed', vip.slice(50))).toBe(70);
    expect(await fingerprint(general)).toEqual(generalBefore);
  });
});

describe('every filter field: the preview counts what the entry list counts, and an apply changes only those', { timeout: 240_000 }, () => {
  it('each field narrows the match to a non-empty part of the pool', async () => {
    const ids = await insertBookings(t.admin, { count: 40 });
    const now = Date.now();
    // varied owners, groups, rooms, types, modes, deadlines, attempts, errors, leases
    for (const [i, id] of ids.entries()) {
      const status = ['waiting', 'ready', 'failed', 'processing'][i % 4]!;
      await t.admin.query(
        `UPDATE BOOKING_PLAN SET OWNER_EMP_CODE = ?, OWNER_GROUP = ?, MEETING_ROOM = ?, MEETING_TYPE = ?, TIME_START = ?,
                POOL_STATUS = ?, POOL_MODE = ?, POOL_ENTRY_TIME = UTC_TIMESTAMP() - INTERVAL 1 HOUR, POOL_DEADLINE_TIME = ?,
                POOL_PROCESSING_ATTEMPTS = ?, POOL_LAST_ERROR = ?, POOL_CLAIMED_BY = ?, POOL_CLAIMED_AT = IF(? = 'processing', UTC_TIMESTAMP() - INTERVAL 7200 SECOND, NULL)
          WHERE BOOKING_ID = ?`,
        [
          `E${i % 5}`, ['iot', 'hardware', 'software', 'other'][i % 4], `Room ${i % 7}`, ['VIP', 'General', 'DR'][i % 3], new Date(now + (i + 10) * 3_600_000),
          status, ['URGENT', 'NORMAL', 'BALANCE'][i % 3], new Date(now + (i - 10) * 3_600_000), i % 6,
          i % 4 === 2 ? (i % 8 === 2 ? 'Interpreter service TIMED OUT' : 'no interpreter free') : null,
          status === 'processing' ? `worker-${i % 2}` : null, status, id,
        ],
      );
    }
    const at = (hours: number) => new Date(now + hours * 3_600_000);
    const matches: EntryMatch[] = [
      { status: 'failed' }, { mode: 'URGENT' }, { overdue: true }, { bookingId: ids[7]! }, { bookingIds: ids.slice(3, 9) },
      { ownerEmpCode: 'E2' }, { ownerGroup: 'hardware' }, { room: 'Room 3' }, { meetingType: 'DR' }, { claimedBy: 'worker-1' },
      { deadlineFrom: at(0) }, { deadlineTo: at(5) }, { deadlineFrom: at(-5), deadlineTo: at(5) }, { meetingFrom: at(30) }, { meetingTo: at(30) },
      { attemptsMin: 4 }, { attemptsMax: 1 }, { attemptsMin: 2, attemptsMax: 3 }, { lastErrorContains: 'timed out' },
      { status: 'failed', ownerGroup: 'software', lastErrorContains: 'interpreter' },
    ];
    for (const match of matches) {
      const preview = await previewBulkAction(t.db, { action: 'remove', match });
      const list = await t.pool.getAllPoolEntries({ ...match, limit: 500 });
      expect(preview.matching, JSON.stringify(match)).toEqual(list.total);
      expect(preview.matching.count, JSON.stringify(match)).toBeGreaterThan(0);
      expect(preview.matching.count, JSON.stringify(match)).toBeLessThan(40);
      // the expired leases count as removable, none is live here: everything matching applies
      expect(preview.applicable.count, JSON.stringify(match)).toBe(preview.matching.count);
    }

    // an apply by owner and error text changes exactly the listed entries
    const match: EntryMatch = { status: 'failed', lastErrorContains: 'TIMED' };
    const listed = (await t.pool.getAllPoolEntries({ ...match, limit: 500 })).entries.map((entry) => entry.bookingId);
    const others = ids.filter((id) => !listed.includes(id));
    const before = await fingerprint(others);
    expect(await applyBulkAction(t.db, { action: 'make-ready', match }, { audit: audit('INC-fields') })).toMatchObject({ changed: listed.length });
    expect(await statusCount('ready', listed)).toBe(listed.length);
    expect(await fingerprint(others)).toEqual(before);
  });
});

describe('cancel, concurrency and refused input', { timeout: 240_000 }, () => {
  it('cancelled after the first batch: that batch committed and counted, the audit row cancelled, the rest unchanged', async () => {
    const ids = await insertBookings(t.admin, { count: 2_500 });
    await poolDirectly(t.admin, ids, { status: 'failed', attempts: 1 });
    const before = await eventTotal('retried');
    const controller = new AbortController();
    const progress: number[] = [];
    const error = await applyBulkAction(t.db, { action: 'retry', match: { status: 'failed' } }, {
      audit: audit('INC-cancel'),
      signal: controller.signal,
      onBatch: (done) => {
        progress.push(done);
        controller.abort();
      },
    }).then(() => null, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(PoolError);
    expect((error as PoolError).code).toBe('CANCELLED');
    expect(progress).toEqual([BATCH_SIZE]);
    expect(await statusCount('waiting', ids)).toBe(BATCH_SIZE);
    expect(await statusCount('failed', ids)).toBe(2_500 - BATCH_SIZE);
    // the first batch is the lowest ids
    expect(await statusCount('waiting', ids.slice(0, BATCH_SIZE))).toBe(BATCH_SIZE);
    const row = await lastAuditRow();
    expect(row).toMatchObject({ action: 'entries.bulk.retry', outcome: 'cancelled', affectedRows: BATCH_SIZE, reason: 'INC-cancel' });
    expect((error as PoolError).details).toEqual({ auditId: row.auditId, done: BATCH_SIZE });
    expect((await eventTotal('retried')) - before).toBe(BATCH_SIZE);
  });

  it('cancelled through the contract (dispatch with a signal) the same way', async () => {
    const ids = await insertBookings(t.admin, { count: 2_500 });
    await poolDirectly(t.admin, ids, { status: 'waiting', deadlineHoursFromNow: 24 });
    const controller = new AbortController();
    const stop = service.subscribe('progress', {}, (event) => {
      if (event.operation === 'bulk' && event.done === BATCH_SIZE) controller.abort();
    });
    try {
      const reply = await service.dispatch('entries.bulk.apply', { action: 'make-ready', match: { status: 'waiting' }, reason: 'INC-cancel-2' }, { signal: controller.signal });
      expect(reply).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    } finally {
      stop();
    }
    expect(await statusCount('ready', ids)).toBe(BATCH_SIZE);
    expect(await lastAuditRow()).toMatchObject({ action: 'entries.bulk.make-ready', outcome: 'cancelled', affectedRows: BATCH_SIZE });
  });

  it('a claimer working at the same time: make-ready never overwrites an entry it claimed', async () => {
    const ids = await insertBookings(t.admin, { count: 3_000 });
    await poolDirectly(t.admin, ids, { status: 'waiting', deadlineHoursFromNow: -1 });
    const claimed: number[] = [];
    let applying = true;
    const claimer = (async () => {
      while (applying) claimed.push(...(await t.pool.claimBatch({ owner: 'worker-race', limit: 50 })).map((entry) => entry.bookingId));
    })();
    const result = await applyBulkAction(t.db, { action: 'make-ready', match: {}, cap: 50_000 }, { audit: audit('INC-race') }).finally(() => {
      applying = false;
    });
    await claimer;
    expect(claimed.length).toBeGreaterThan(0);
    // every claim still stands: processing, held by the claimer
    expect(await count("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS = 'processing' AND POOL_CLAIMED_BY = 'worker-race' AND BOOKING_ID IN (?)", [claimed])).toBe(claimed.length);
    // and the apply counted only what it changed: every row is ready or claimed
    expect(await statusCount('ready', ids)).toBe(3_000 - claimed.length);
    expect(result.changed).toBeGreaterThanOrEqual(3_000 - claimed.length);
    expect(await lastAuditRow()).toMatchObject({ outcome: 'ok', affectedRows: result.changed });
  });

  it('refuses bad input with INVALID_INPUT through the contract, and changes nothing', async () => {
    const ids = await insertBookings(t.admin, { count: 10 });
    await poolDirectly(t.admin, ids, { status: 'failed', attempts: 1 });
    const before = await fingerprint();
    const auditBefore = await count('SELECT COUNT(*) AS n FROM POOL_AUDIT_LOG');
    const bad: [unknown, RegExp][] = [
      [{ action: 'set-deadline', match: {} }, /set-deadline needs the new deadline/],
      [{ action: 'retry', match: {}, deadline: '2030-01-01T00:00:00Z' }, /retry takes no deadline/],
      [{ action: 'retry', match: { deadlineFrom: '2030-01-02T00:00:00Z', deadlineTo: '2030-01-01T00:00:00Z' } }, /deadline window ends before it starts/],
      [{ action: 'retry', match: { attemptsMin: 3, attemptsMax: 1 } }, /attemptsMax is below attemptsMin/],
      [{ action: 'retry', match: {}, cap: 0 }, /cap/],
      [{ action: 'retry', match: {}, cap: 50_001 }, /cap/],
      [{ action: 'retry', match: { bookingIds: [] } }, /bookingIds/],
      [{ action: 'retry', match: { nobody: 1 } }, /nobody|Unrecognized/i],
      [{ action: 'explode', match: {} }, /action/],
      [{ action: 'retry' }, /match/],
    ];
    for (const [input, message] of bad) {
      const reply = await service.dispatch('entries.bulk.apply', { ...(input as object), reason: 'INC-bad' });
      expect(reply, JSON.stringify(input)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      if (!reply.ok) expect(`${reply.error.message} ${JSON.stringify(reply.error.details ?? {})}`, JSON.stringify(input)).toMatch(message);
      expect(await service.dispatch('entries.bulk.preview', input as never), JSON.stringify(input)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    // core checks again (tools and tests call it directly)
    await expect(applyBulkAction(t.db, { action: 'set-deadline', match: {} }, { audit: audit('INC-bad') })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await fingerprint()).toEqual(before);
    expect(await count('SELECT COUNT(*) AS n FROM POOL_AUDIT_LOG')).toBe(auditBefore);
    // the same apply with good input goes through (so the refusals were the input's doing)
    expect(await service.dispatch('entries.bulk.apply', { action: 'retry', match: { status: 'failed' }, reason: 'INC-good' })).toEqual({
      ok: true, result: { action: 'retry', changed: 10, cap: 5000, capReached: false },
    });
  });
});
