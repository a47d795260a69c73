import { readFile } from 'node:fs/promises';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyLegacyImport, previewLegacyImport, type LegacyImportLine } from '../../src/core/maintenance/legacy-import.js';
import { parseLegacySnapshot } from '../../src/core/maintenance/legacy-snapshot.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';
import { committedCounter } from '../helpers/committed-counter.js';

const t = poolDatabase();

const DAY = 86_400_000;
const fixture = (name: string) => readFile(new URL(`../fixtures/legacy/${name}`, import.meta.url), 'utf8');

interface Booking { id: number; meetingType: string; timeStart: Date }

/** Bookings with the given ids (the fixtures name fixed ids). */
async function insertBookingsWithIds(
  admin: Connection,
  rows: { id: number; meetingType: string; start: Date; end?: Date }[],
): Promise<void> {
  await admin.query(
    `INSERT INTO BOOKING_PLAN (BOOKING_ID, OWNER_EMP_CODE, OWNER_GROUP, MEETING_ROOM, MEETING_TYPE, TIME_START, TIME_END, BOOKING_STATUS) VALUES ?`,
    [rows.map((row) => [row.id, 'E1', 'software', 'Room 1', row.meetingType, row.start, row.end ?? new Date(row.start.getTime() + 3_600_000), 'waiting'])],
  );
}

/** The bookings a fixture's entries refer to, made to match them. */
async function bookingsForFixture(admin: Connection, text: string): Promise<number[]> {
  const parsed = JSON.parse(text) as unknown;
  const items = (Array.isArray(parsed) ? parsed : (parsed as { entries: unknown[] }).entries) as unknown[];
  const rows = items.map((item) => {
    const [key, entry] = Array.isArray(item) ? item : [undefined, item];
    const e = entry as { bookingId?: number; meetingType: string; startTime: string | number; endTime: string | number };
    return { id: Number(e.bookingId ?? key), meetingType: e.meetingType, start: new Date(e.startTime), end: new Date(e.endTime) };
  });
  const unique = [...new Map(rows.map((row) => [row.id, row])).values()];
  await insertBookingsWithIds(admin, unique);
  return unique.map((row) => row.id);
}

async function bookingsOf(admin: Connection, ids: number[]): Promise<Booking[]> {
  const [rows] = await admin.query<RowDataPacket[]>(
    'SELECT BOOKING_ID AS id, MEETING_TYPE AS meetingType, TIME_START AS timeStart FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) ORDER BY BOOKING_ID',
    [ids],
  );
  return rows as Booking[];
}

/** A shape-1 entry for a booking (General: urgent threshold 3 days), or shape 2 with `mode`. */
function legacyEntry(booking: Booking, index: number, options: { mode?: string } = {}): Record<string, unknown> {
  const start = booking.timeStart.getTime();
  const entry: Record<string, unknown> = {
    bookingId: booking.id,
    meetingType: booking.meetingType,
    startTime: new Date(start).toISOString(),
    endTime: new Date(start + 3_600_000).toISOString(),
    priorityValue: 2,
    urgentThresholdDays: 3,
    generalThresholdDays: 30,
    poolEntryTime: new Date(Date.UTC(2025, 0, 1) + index * 1000).toISOString(),
    decisionWindowTime: new Date(start - 3 * DAY).toISOString(),
  };
  if (options.mode) {
    Object.assign(entry, { mode: options.mode, thresholdDays: 4, deadlineTime: new Date(start - 4 * DAY).toISOString(), batchId: `b${index % 7}`, processingPriority: index % 5 });
  }
  return entry;
}

interface PoolRow { id: number; status: string | null; entryTime: Date | null; deadline: Date | null; attempts: number | null; mode: string | null; updatedAt: Date }

async function poolRows(admin: Connection, ids: number[]): Promise<PoolRow[]> {
  const [rows] = await admin.query<RowDataPacket[]>(
    `SELECT BOOKING_ID AS id, POOL_STATUS AS status, POOL_ENTRY_TIME AS entryTime, POOL_DEADLINE_TIME AS deadline,
            POOL_PROCESSING_ATTEMPTS AS attempts, POOL_MODE AS mode, updated_at AS updatedAt
       FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) ORDER BY BOOKING_ID`,
    [ids],
  );
  return rows as PoolRow[];
}

async function pooledCount(admin: Connection, ids: number[]): Promise<number> {
  const [[row]] = await admin.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) AND POOL_STATUS IS NOT NULL', [ids]);
  return Number(row!.n);
}

/** Every pool column and updated_at of every booking, folded into one value: any write changes it. */
async function tableChecksum(admin: Connection): Promise<string> {
  const [[row]] = await admin.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS n, COALESCE(SUM(CRC32(CONCAT_WS('|', BOOKING_ID, COALESCE(POOL_STATUS, '-'), COALESCE(POOL_ENTRY_TIME, '-'),
            COALESCE(POOL_DEADLINE_TIME, '-'), COALESCE(POOL_PROCESSING_ATTEMPTS, '-'), COALESCE(POOL_MODE, '-'),
            COALESCE(POOL_CLAIMED_BY, '-'), COALESCE(POOL_CLAIMED_AT, '-'), COALESCE(POOL_LAST_ERROR, '-'), updated_at))), 0) AS crc
       FROM BOOKING_PLAN`,
  );
  return `${row!.n}:${row!.crc}`;
}

const byBooking = (lines: LegacyImportLine[]) => new Map(lines.map((line) => [line.bookingId, line]));

describe('legacy memory pool import: both entry shapes, all three containers', () => {
  it('previews and applies an export object with shape 1 and shape 2 entries', async () => {
    const text = await fixture('valid-object.json');
    const ids = await bookingsForFixture(t.admin, text);

    const preview = await previewLegacyImport(t.db, text);
    expect(preview.total).toBe(6);
    expect(preview.counts).toEqual({ 'will-add': 5, 'already-pooled': 0, 'booking-missing': 0, 'booking-finished': 0, invalid: 1 });
    expect(preview.entries.map((line) => line.index)).toEqual([0, 1, 2, 3, 4, 5]);
    const lines = byBooking(preview.entries);
    // shape 1: no mode in the file -> NORMAL, said in the line; deadline from decisionWindowTime
    expect(lines.get(700001)).toMatchObject({ outcome: 'will-add', mode: 'NORMAL', deadline: new Date('2099-02-27T09:00:00Z') });
    expect(lines.get(700001)!.detail).toMatch(/NORMAL \(the entry has none\).*decisionWindowTime/);
    // epoch-millisecond dates
    expect(lines.get(700002)).toMatchObject({ outcome: 'will-add', deadline: new Date('2099-03-02T10:30:00Z') });
    // no deadline field: computed from the booking's start with the VIP urgent threshold (2 days)
    expect(lines.get(700003)).toMatchObject({ outcome: 'will-add', mode: 'NORMAL', deadline: new Date('2099-03-02T14:00:00Z') });
    expect(lines.get(700003)!.detail).toMatch(/computed/);
    // shape 2: its own mode, deadlineTime wins over decisionWindowTime; a time-zone offset is honoured
    expect(lines.get(700004)).toMatchObject({ outcome: 'will-add', mode: 'BALANCE', deadline: new Date('2099-03-01T08:00:00Z') });
    expect(lines.get(700006)).toMatchObject({ outcome: 'will-add', mode: 'CUSTOM', deadline: new Date('2099-03-04T19:45:00Z') });
    // deadlineTime null: JSON's rendering of an Invalid Date in the legacy server
    expect(lines.get(700005)).toMatchObject({ outcome: 'invalid', field: 'deadlineTime' });

    const applied = await applyLegacyImport(t.db, text);
    expect(applied).toEqual({ total: 6, added: 5, alreadyPooled: 0, skipped: { 'booking-missing': 0, 'booking-finished': 0, invalid: 1 }, batches: 1 });
    const rows = new Map((await poolRows(t.admin, ids)).map((row) => [row.id, row]));
    // the legacy entry time is kept (to the whole second, truncated), attempts start at 0
    expect(rows.get(700001)).toMatchObject({ status: 'waiting', mode: 'NORMAL', attempts: 0, entryTime: new Date('2099-01-10T08:15:30Z'), deadline: new Date('2099-02-27T09:00:00Z') });
    expect(rows.get(700002)).toMatchObject({ status: 'waiting', entryTime: new Date('2099-01-11T09:00:00Z') });
    expect(rows.get(700003)).toMatchObject({ status: 'waiting', deadline: new Date('2099-03-02T14:00:00Z') });
    expect(rows.get(700004)).toMatchObject({ status: 'waiting', mode: 'BALANCE', deadline: new Date('2099-03-01T08:00:00Z') });
    expect(rows.get(700005)).toMatchObject({ status: null, entryTime: null });
    expect(rows.get(700006)).toMatchObject({ status: 'waiting', mode: 'CUSTOM' });
    // the library reads what the import wrote
    expect(await t.pool.getPoolEntry(700004)).toMatchObject({ status: 'waiting', mode: 'BALANCE', attempts: 0 });
  });

  it('reads the [[bookingId, entry], …] form of a serialised Map and a bare array', async () => {
    const text = await fixture('valid-map.json');
    const ids = await bookingsForFixture(t.admin, text);
    const snapshot = parseLegacySnapshot(text);
    expect(snapshot.entries.map((entry) => [entry.bookingId, entry.shape])).toEqual([[700011, 'basic'], [700012, 'enhanced'], [700013, 'basic']]);

    const preview = await previewLegacyImport(t.db, snapshot);
    expect(preview.counts['will-add']).toBe(3);
    expect(byBooking(preview.entries).get(700012)).toMatchObject({ mode: 'BALANCE', deadline: new Date('2099-03-30T09:00:00Z') });
    expect((await applyLegacyImport(t.db, snapshot)).added).toBe(3);
    expect(await pooledCount(t.admin, ids)).toBe(3);

    // the same entries as a bare array: all already pooled now
    const bare = (JSON.parse(text) as [unknown, Record<string, unknown>][]).map(([key, entry]) => ({ bookingId: Number(key), ...entry }));
    const again = await applyLegacyImport(t.db, JSON.stringify(bare));
    expect(again).toMatchObject({ added: 0, alreadyPooled: 3 });
  });
});

describe('legacy memory pool import: preview outcomes, dry run, apply, rerun', () => {
  it('reports every outcome, writes nothing in preview, and applies what it previewed', async () => {
    const ready = await insertBookings(t.admin, { count: 4 });
    const [pooled] = await insertBookings(t.admin, { count: 1 });
    const [approved] = await insertBookings(t.admin, { count: 1, bookingStatus: 'approve' });
    const [cancelled] = await insertBookings(t.admin, { count: 1, bookingStatus: 'cancel' });
    const [complete] = await insertBookings(t.admin, { count: 1, bookingStatus: 'complet' });
    const [assigned] = await insertBookings(t.admin, { count: 1, interpreter: 'I-42' });
    const [started] = await insertBookings(t.admin, { count: 1, startInHours: -2 });
    const invalids = await insertBookings(t.admin, { count: 5 });
    await poolDirectly(t.admin, [pooled!], { status: 'failed', attempts: 2, mode: 'URGENT' });
    const missing = 2_000_000_000;

    const all = [...ready, pooled!, approved!, cancelled!, complete!, assigned!, started!, ...invalids];
    const bookings = new Map((await bookingsOf(t.admin, all)).map((booking) => [booking.id, booking]));
    const entries = all.map((id, i) => legacyEntry(bookings.get(id)!, i, { mode: i % 2 ? 'URGENT' : undefined }));
    entries.push(legacyEntry({ id: missing, meetingType: 'General', timeStart: new Date(Date.now() + 30 * DAY) }, entries.length));
    const at = (id: number) => entries.find((entry) => entry.bookingId === id)!;
    at(invalids[0]!).meetingType = 'VIP';
    at(invalids[1]!).startTime = new Date(bookings.get(invalids[1]!)!.timeStart.getTime() + 3_600_000).toISOString();
    Object.assign(at(invalids[2]!), { decisionWindowTime: null });
    Object.assign(at(invalids[3]!), { mode: 'NORMAL', deadlineTime: 'Invalid Date' });
    at(invalids[4]!).decisionWindowTime = new Date(bookings.get(invalids[4]!)!.timeStart.getTime() + DAY).toISOString();
    const text = JSON.stringify({ entries });

    const before = await tableChecksum(t.admin);
    const preview = await previewLegacyImport(t.db, text);
    expect(await tableChecksum(t.admin)).toBe(before);

    expect(preview.counts).toEqual({ 'will-add': 4, 'already-pooled': 1, 'booking-missing': 1, 'booking-finished': 5, invalid: 5 });
    const lines = byBooking(preview.entries);
    for (const id of ready) expect(lines.get(id)!.outcome).toBe('will-add');
    expect(lines.get(pooled!)).toMatchObject({ outcome: 'already-pooled' });
    expect(lines.get(missing)).toMatchObject({ outcome: 'booking-missing' });
    expect(lines.get(approved!)!.detail).toMatch(/approved/);
    expect(lines.get(cancelled!)!.detail).toMatch(/cancelled/);
    expect(lines.get(complete!)!.detail).toMatch(/complete/);
    expect(lines.get(assigned!)!.detail).toMatch(/I-42/);
    expect(lines.get(started!)).toMatchObject({ outcome: 'booking-finished' });
    expect(lines.get(started!)!.detail).toMatch(/already started/);
    expect(invalids.map((id) => lines.get(id)!.field)).toEqual(['meetingType', 'startTime', 'decisionWindowTime', 'deadlineTime', 'decisionWindowTime']);
    expect(lines.get(invalids[3]!)!.detail).toMatch(/Invalid Date/);
    expect(lines.get(invalids[4]!)!.detail).toMatch(/after the meeting's start/);

    const applied = await applyLegacyImport(t.db, text);
    expect(applied).toEqual({
      total: entries.length,
      added: preview.counts['will-add'],
      alreadyPooled: preview.counts['already-pooled'],
      skipped: { 'booking-missing': 1, 'booking-finished': 5, invalid: 5 },
      batches: 1,
    });
    expect(await pooledCount(t.admin, ready)).toBe(4);
    expect(await pooledCount(t.admin, [approved!, cancelled!, complete!, assigned!, started!, ...invalids])).toBe(0);
    // the entry already pooled is kept exactly as it was
    expect(await poolRows(t.admin, [pooled!])).toMatchObject([{ status: 'failed', attempts: 2, mode: 'URGENT' }]);
    // modes: from the entry, else NORMAL
    expect((await poolRows(t.admin, ready)).map((row) => row.mode)).toEqual(ready.map((_, i) => (i % 2 ? 'URGENT' : 'NORMAL')));

    const afterApply = await tableChecksum(t.admin);
    const rerun = await applyLegacyImport(t.db, text);
    expect(rerun).toMatchObject({ added: 0, alreadyPooled: 5, skipped: applied.skipped });
    expect(await tableChecksum(t.admin)).toBe(afterApply);
  });
});

describe('legacy memory pool import: malformed files', () => {
  const cases: [file: string, message: RegExp, problem?: { index: number; bookingId: number | null; field: string }][] = [
    ['not-json.json', /not JSON/],
    ['wrong-top-level.json', /'entries' array.*found an object with keys pool/],
    ['missing-field.json', /entry 1 \(booking 710002\), field 'startTime': is missing/, { index: 1, bookingId: 710002, field: 'startTime' }],
    ['invalid-field.json', /entry 2 \(booking 710003\), field 'startTime': '2099-05-03 09:00:00' is not a date/, { index: 2, bookingId: 710003, field: 'startTime' }],
    ['duplicate-id.json', /entry 3 \(booking 710001\), field 'bookingId': duplicate.*entry 0/, { index: 3, bookingId: 710001, field: 'bookingId' }],
    ['map-key-mismatch.json', /entry 1 \(booking 710009\), field 'bookingId': 710002 differs from the map key 710009/, { index: 1, bookingId: 710009, field: 'bookingId' }],
  ];

  // The malformed files' otherwise good entries name real bookings, so a partial write would show.
  beforeAll(async () => {
    await insertBookingsWithIds(t.admin, [
      { id: 710001, meetingType: 'General', start: new Date('2099-05-01T09:00:00Z') },
      { id: 710002, meetingType: 'VIP', start: new Date('2099-05-02T09:00:00Z') },
      { id: 710003, meetingType: 'DR', start: new Date('2099-05-03T09:00:00Z') },
    ]);
  });

  it.each(cases)('%s fails with INVALID_INPUT naming the entry and field, and writes nothing', async (file, message, problem) => {
    const text = await fixture(file);
    const before = await tableChecksum(t.admin);
    for (const run of [() => previewLegacyImport(t.db, text), () => applyLegacyImport(t.db, text)]) {
      const error = await run().then(() => undefined, (failure: unknown) => failure);
      expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(message) });
      expect((error as Error).message).toMatch(/[Nn]othing was imported/);
      if (problem) expect((error as { details: { problems: unknown[] } }).details.problems[0]).toMatchObject(problem);
    }
    expect(await pooledCount(t.admin, [710001, 710002, 710003])).toBe(0);
    expect(await tableChecksum(t.admin)).toBe(before);
  });

  it('names every fault it finds, and refuses unknown meeting types and modes, zone-less, impossible and out-of-range dates', async () => {
    const [booking] = await bookingsOf(t.admin, await insertBookings(t.admin, { count: 1 }));
    const good = legacyEntry(booking!, 0);
    const broken = [
      { ...good, bookingId: 1 },
      { ...good, bookingId: 2, meetingType: 'Lunch' },
      { ...good, bookingId: 3, mode: 'FAST' },
      { ...good, bookingId: 4, poolEntryTime: '2025-01-01T00:00:00' },
      { ...good, bookingId: 5, endTime: 253_402_300_800_000 },
      { ...good, bookingId: -6 },
      'not an entry',
      [7, 'not an entry'],
      { ...good, bookingId: 9, startTime: '2099-02-30T09:00:00Z' },
    ];
    const error = await applyLegacyImport(t.db, { entries: broken }).then(() => undefined, (failure: unknown) => failure);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { problemCount: 8 } });
    const problems = (error as { details: { problems: { index: number; field: string }[] } }).details.problems;
    expect(problems.map((p) => [p.index, p.field])).toEqual([[1, 'meetingType'], [2, 'mode'], [3, 'poolEntryTime'], [4, 'endTime'], [5, 'bookingId'], [6, '(entry)'], [7, '(entry)'], [8, 'startTime']]);
    await expect(previewLegacyImport(t.db, '"just a string"')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(previewLegacyImport(t.db, { entries: 'none' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await pooledCount(t.admin, [booking!.id])).toBe(0);
  });
});

describe('legacy memory pool import: crash half-way, then rerun', () => {
  /** `count` bookings and an export of them, in reverse id order so file order is not batch order. */
  async function exportOf(count: number) {
    const ids = await insertBookings(t.admin, { count });
    const bookings = await bookingsOf(t.admin, ids);
    const entries = bookings.map((booking, i) => legacyEntry(booking, i, { mode: i % 3 === 0 ? 'BALANCE' : undefined })).reverse();
    return { ids, entries, text: JSON.stringify({ entries }) };
  }

  it('an import stopped after its first batch finishes on rerun, and nothing is pooled twice', async () => {
    const { ids, entries, text } = await exportOf(3500);
    const preview = await previewLegacyImport(t.db, text);
    expect(preview.counts['will-add']).toBe(3500);

    const progress = committedCounter();
    const crash = new Error('simulated crash after batch 1');
    await expect(
      applyLegacyImport(t.db, text, {
        counter: progress,
        onProgress: ({ batch }) => {
          if (batch === 1) throw crash;
        },
      }),
    ).rejects.toBe(crash);
    const firstRun = progress.affectedRows;
    expect(firstRun).toBe(1000);
    expect(await pooledCount(t.admin, ids)).toBe(firstRun);

    // a worker touches one of the imported entries before the rerun: the rerun must leave it alone
    const firstBatch = (await poolRows(t.admin, ids)).filter((row) => row.status !== null);
    await t.admin.query('UPDATE BOOKING_PLAN SET POOL_PROCESSING_ATTEMPTS = 1 WHERE BOOKING_ID = ?', [firstBatch[0]!.id]);
    const touched = await poolRows(t.admin, firstBatch.map((row) => row.id));

    const rerun = await applyLegacyImport(t.db, text);
    expect(rerun).toMatchObject({ added: 2500, alreadyPooled: 1000, batches: 4 });
    expect(firstRun + rerun.added).toBe(preview.counts['will-add']);
    expect(await pooledCount(t.admin, ids)).toBe(entries.length);
    expect(await poolRows(t.admin, firstBatch.map((row) => row.id))).toEqual(touched);
    // every entry carries its own legacy entry time and zero attempts (but the one the worker touched)
    const expectedEntryTime = new Map(entries.map((entry) => [entry.bookingId as number, new Date(entry.poolEntryTime as string).getTime()]));
    const rows = await poolRows(t.admin, ids);
    expect(rows.filter((row) => row.entryTime?.getTime() !== expectedEntryTime.get(row.id))).toEqual([]);
    expect(rows.filter((row) => row.attempts !== 0).map((row) => row.id)).toEqual([firstBatch[0]!.id]);

    const third = await applyLegacyImport(t.db, text);
    expect(third).toMatchObject({ added: 0, alreadyPooled: 3500 });
  });

  it('survives its connection being killed between batches and in the middle of one, with exact counts', async () => {
    const { ids, text } = await exportOf(3200);
    const sortedIds = [...ids].sort((a, b) => a - b);
    const [[{ adminId }]] = (await t.admin.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS adminId')) as unknown as [[{ adminId: number }]];

    // A second session locks one booking of batch 3, so the import's batch 3 waits on it, where we kill it.
    const { host, port, user, password, database } = t.profile;
    const locker = await mysql.createConnection({ host, port, user, password, database });
    const [[{ lockerId }]] = (await locker.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS lockerId')) as unknown as [[{ lockerId: number }]];
    await locker.query('START TRANSACTION');
    await locker.query('SELECT BOOKING_ID FROM BOOKING_PLAN WHERE BOOKING_ID = ? FOR UPDATE', [sortedIds[2500]]);

    const importSessions = async (where = '') => {
      const [rows] = await t.admin.query<RowDataPacket[]>(
        `SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID NOT IN (?, ?) ${where}`,
        [t.name, adminId, lockerId],
      );
      return rows.map((row) => Number(row.id));
    };
    const killedBetweenBatches: number[] = [];
    let killMidBatch: Promise<number> | undefined;

    try {
      const result = await applyLegacyImport(t.db, text, {
        onProgress: async ({ batch }) => {
          if (batch === 1) {
            // between batches: every connection the import's Database holds
            for (const id of await importSessions()) {
              await t.admin.query(`KILL ${id}`);
              killedBetweenBatches.push(id);
            }
          }
          if (batch === 2) {
            // in the middle of batch 3: the session waiting on the locked booking; then let it go
            killMidBatch = (async () => {
              for (let attempt = 0; attempt < 400; attempt += 1) {
                const [waiting] = await importSessions(`AND INFO LIKE '%FOR UPDATE%'`);
                if (waiting !== undefined) {
                  await t.admin.query(`KILL ${waiting}`);
                  await locker.query('ROLLBACK');
                  return waiting;
                }
                await new Promise((resolve) => setTimeout(resolve, 25));
              }
              await locker.query('ROLLBACK');
              throw new Error('the import never waited on the locked booking');
            })();
          }
        },
      });
      expect(killedBetweenBatches.length).toBeGreaterThan(0);
      const killedInFlight = await killMidBatch;
      expect(killedInFlight).toBeGreaterThan(0);
      expect(await importSessions(`AND ID = ${Number(killedInFlight)}`)).toEqual([]);
      expect(result).toEqual({ total: 3200, added: 3200, alreadyPooled: 0, skipped: { 'booking-missing': 0, 'booking-finished': 0, invalid: 0 }, batches: 4 });
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end().catch(() => locker.destroy());
    }
    expect(await pooledCount(t.admin, ids)).toBe(3200);
    expect(await applyLegacyImport(t.db, text)).toMatchObject({ added: 0, alreadyPooled: 3200 });
  });
});
