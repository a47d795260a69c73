import { beforeAll, describe, expect, it } from 'vitest';
import { poolDatabase } from '../helpers/pool-database.js';
import { runCli } from '../helpers/run-cli.js';
import { MEETING_TYPES, OWNER_GROUPS, POOL_MODES, POOL_STATUSES } from '../../src/shared/pool-types.js';
import type { EntryMatch } from '../../src/shared/entry-match.js';
import type { EntryFilter, EntrySort, SortOrder } from '../../src/shared/results/pool.js';

/*
 * The Entries search on a real server: each filter field returns exactly the rows a plain model
 * of the crafted rows says, in each order, paged by keyset with no gap and no repeat.
 */

const t = poolDatabase();

const HOUR = 3_600_000;
const ANCHOR = Date.UTC(2026, 0, 10);
const sql = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** Texts for the last error: % and _ must be literal, the match case-insensitive. */
const ERRORS = ['Disk 50% full', 'disk 50 percent full', 'code a_b', 'code axb', 'Interpreter TIMEOUT', null] as const;

interface Row {
  id: number;
  owner: string;
  group: string;
  room: string;
  type: string;
  start: number;
  status: string;
  mode: string;
  entry: number;
  deadline: number;
  attempts: number;
  claimedBy: string | null;
  error: string | null;
}

const rows: Row[] = [];

/** 30 pooled rows with values spread so every filter picks its own subset, plus 5 unpooled rows that share owners and rooms. */
async function seed(): Promise<void> {
  for (let i = 0; i < 35; i += 1) {
    const status = POOL_STATUSES[i % 4]!;
    const row: Row = {
      id: 0, owner: `O${i % 5}`, group: OWNER_GROUPS[i % 4]!, room: `Room-${i % 3}`, type: MEETING_TYPES[i % 6]!,
      start: ANCHOR + (i * 13 % 30) * 24 * HOUR, status, mode: POOL_MODES[i % 3]!,
      // ties on purpose: the keyset's booking id must break them
      entry: ANCHOR - ((i * 7) % 10) * HOUR, deadline: ANCHOR + (((i * 11) % 15) - 5) * HOUR, attempts: i % 4,
      claimedBy: status === 'processing' ? `w${(i >> 2) % 2}` : null, error: ERRORS[i % ERRORS.length]!,
    };
    const pooled = i < 30;
    const [result] = await t.admin.query<import('mysql2').ResultSetHeader>(
      `INSERT INTO BOOKING_PLAN (OWNER_EMP_CODE, OWNER_GROUP, MEETING_ROOM, MEETING_TYPE, TIME_START, TIME_END, BOOKING_STATUS,
         POOL_STATUS, POOL_MODE, POOL_ENTRY_TIME, POOL_DEADLINE_TIME, POOL_PROCESSING_ATTEMPTS, POOL_CLAIMED_BY, POOL_CLAIMED_AT, POOL_LAST_ERROR)
       VALUES (?, ?, ?, ?, ?, ?, 'waiting', ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        row.owner, row.group, row.room, row.type, sql(row.start), sql(row.start + HOUR),
        pooled ? row.status : null, pooled ? row.mode : null, pooled ? sql(row.entry) : null, pooled ? sql(row.deadline) : null,
        pooled ? row.attempts : 0, pooled ? row.claimedBy : null, pooled && row.claimedBy ? sql(ANCHOR) : null, pooled ? row.error : null,
      ],
    );
    if (pooled) rows.push({ ...row, id: result.insertId });
  }
}

/** Every page of a filter, `limit` at a time, following each page's cursor. */
async function allPages(filter: EntryFilter, limit = 4, bounds: { scanBound?: number } = {}): Promise<number[]> {
  const ids: number[] = [];
  let after: EntryFilter['after'];
  for (let pages = 0; pages < 50; pages += 1) {
    const page = await t.pool.getAllPoolEntries({ ...filter, limit, ...(after ? { after } : {}) }, bounds);
    expect(page.entries.length).toBeLessThanOrEqual(limit);
    ids.push(...page.entries.map((entry) => entry.bookingId));
    if (!page.next) return ids;
    after = page.next;
  }
  throw new Error('more than 50 pages');
}

const key = (row: Row, sort: EntrySort) => (sort === 'attempts' ? row.attempts : sort === 'deadline' ? row.deadline : row.entry);

/** The model's answer: the matching rows' ids in the order's sequence. */
function expected(match: (row: Row) => boolean, sort: EntrySort = 'entryTime', order: SortOrder = 'asc'): number[] {
  const sign = order === 'asc' ? 1 : -1;
  return rows.filter(match).sort((a, b) => sign * (key(a, sort) - key(b, sort) || a.id - b.id)).map((row) => row.id);
}

const FILTERS: [string, EntryMatch, (row: Row) => boolean][] = [
  ['owner', { ownerEmpCode: 'O2' }, (r) => r.owner === 'O2'],
  ['room', { room: 'Room-1' }, (r) => r.room === 'Room-1'],
  ['meeting type', { meetingType: 'VIP' }, (r) => r.type === 'VIP'],
  ['owner group', { ownerGroup: 'software' }, (r) => r.group === 'software'],
  ['status', { status: 'failed' }, (r) => r.status === 'failed'],
  ['mode', { mode: 'URGENT' }, (r) => r.mode === 'URGENT'],
  ['lease owner', { claimedBy: 'w1' }, (r) => r.claimedBy === 'w1'],
  ['meeting window', { meetingFrom: new Date(ANCHOR + 5 * 24 * HOUR), meetingTo: new Date(ANCHOR + 15 * 24 * HOUR) }, (r) => r.start >= ANCHOR + 5 * 24 * HOUR && r.start < ANCHOR + 15 * 24 * HOUR],
  ['meeting from only', { meetingFrom: new Date(ANCHOR + 20 * 24 * HOUR) }, (r) => r.start >= ANCHOR + 20 * 24 * HOUR],
  ['deadline window', { deadlineFrom: new Date(ANCHOR - 2 * HOUR), deadlineTo: new Date(ANCHOR + 3 * HOUR) }, (r) => r.deadline >= ANCHOR - 2 * HOUR && r.deadline < ANCHOR + 3 * HOUR],
  ['attempts range', { attemptsMin: 1, attemptsMax: 2 }, (r) => r.attempts >= 1 && r.attempts <= 2],
  ['last error, case-insensitive', { lastErrorContains: 'timeout' }, (r) => r.error === 'Interpreter TIMEOUT'],
  ['last error, % literal', { lastErrorContains: '50%' }, (r) => r.error === 'Disk 50% full'],
  ['last error, _ literal', { lastErrorContains: 'a_b' }, (r) => r.error === 'code a_b'],
  ['booking ids', { bookingIds: [] }, () => false],
  ['combined', { ownerGroup: 'iot', attemptsMin: 0, attemptsMax: 0, meetingType: 'DR' }, (r) => r.group === 'iot' && r.attempts === 0 && r.type === 'DR'],
];

describe('entry search on the real server', () => {
  beforeAll(seed);

  it('each filter field returns exactly the matching pooled rows, paged without gaps or repeats', async () => {
    const listed = rows.filter((_, i) => i % 7 === 3).map((row) => row.id);
    for (const [name, match, predicate] of FILTERS) {
      const filter = name === 'booking ids' ? { bookingIds: listed } : match;
      const want = name === 'booking ids' ? expected((r) => listed.includes(r.id)) : expected(predicate);
      // every filter picks some rows and leaves some out, or it proves nothing
      expect(want.length, name).toBeGreaterThan(0);
      expect(want.length, name).toBeLessThan(rows.length);
      expect(await allPages(filter as EntryFilter), name).toEqual(want);
      expect((await t.pool.getAllPoolEntries({ ...(filter as EntryFilter), limit: 1 })).total, name).toEqual({ count: want.length, exact: true });
    }
  });

  it('sorts by entry time, deadline or attempts, either way, with keyset paging across ties', async () => {
    for (const sort of ['entryTime', 'deadline', 'attempts'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        expect(await allPages({ sort, order }, 4), `${sort} ${order}`).toEqual(expected(() => true, sort, order));
        expect(await allPages({ sort, order, status: 'waiting' }, 3), `${sort} ${order} waiting`).toEqual(expected((r) => r.status === 'waiting', sort, order));
      }
    }
    // a page's cursor names its sort key
    const page = await t.pool.getAllPoolEntries({ sort: 'attempts', order: 'desc', limit: 2 });
    expect(page.next).toEqual({ attempts: 3, bookingId: page.entries[1]!.bookingId });
  });

  it('says "at least" beyond the count bound, for any sort', async () => {
    for (const sort of ['entryTime', 'deadline', 'attempts'] as const) {
      expect((await t.pool.getAllPoolEntries({ sort }, { countBound: rows.length })).total).toEqual({ count: rows.length, exact: true });
      expect((await t.pool.getAllPoolEntries({ sort, ownerGroup: 'iot' }, { countBound: 3 })).total).toEqual({ count: 3, exact: false });
    }
  });

  it('a filter no index serves searches bounded windows: every match still comes, page after page, and its total says "at least"', async () => {
    const scanBound = 4;
    const unindexed = FILTERS.filter(([, match]) => ['ownerGroup', 'meetingType', 'claimedBy', 'meetingFrom', 'attemptsMin', 'lastErrorContains'].some((field) => field in match) && !('ownerEmpCode' in match));
    expect(unindexed.length).toBeGreaterThanOrEqual(7);
    for (const [name, match, predicate] of unindexed) {
      for (const [sort, order] of [['entryTime', 'asc'], ['deadline', 'desc'], ['attempts', 'desc']] as const) {
        expect(await allPages({ ...match, sort, order }, 2, { scanBound }), `${name} ${sort}`).toEqual(expected(predicate, sort, order));
      }
      const first = await t.pool.getAllPoolEntries({ ...match, limit: 2 }, { scanBound });
      expect(first.window, name).toBe(scanBound);
      // The total counts the matches among the first window's rows, a lower bound.
      const inFirstWindow = expected(() => true).slice(0, scanBound).filter((id) => predicate(rows.find((row) => row.id === id)!)).length;
      expect(first.total, name).toEqual({ count: inFirstWindow, exact: false });
      // A window that ends before it is full held every entry: it counts exactly.
      expect((await t.pool.getAllPoolEntries({ ...match, limit: 2 }, { scanBound: rows.length + 1 })).total, name).toEqual({ count: expected(predicate).length, exact: true });
    }
    // An indexed field (owner) narrows the rows: no window.
    expect((await t.pool.getAllPoolEntries({ ownerEmpCode: 'O1', meetingType: 'DR' }, { scanBound })).window).toBeUndefined();
  });

  it('refuses upside-down windows and ranges, and a cursor of another sort', async () => {
    const refusals: [EntryFilter, string][] = [
      [{ meetingFrom: new Date(ANCHOR + HOUR), meetingTo: new Date(ANCHOR) }, 'meeting window ends before it starts'],
      [{ deadlineFrom: new Date(ANCHOR + HOUR), deadlineTo: new Date(ANCHOR) }, 'deadline window ends before it starts'],
      [{ attemptsMin: 3, attemptsMax: 1 }, 'attemptsMax is below attemptsMin'],
      [{ sort: 'deadline', after: { entryTime: new Date(ANCHOR), bookingId: 1 } }, 'not one of a page sorted by deadline'],
    ];
    for (const [filter, message] of refusals) {
      await expect(t.pool.getAllPoolEntries(filter)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining(message) });
    }
  });

  it('the CLI takes each filter flag and --sort, and its cursor continues the order', { timeout: 90_000 }, async () => {
    const cli = (args: string[]) => runCli(t.profile, ['entries', ...args, '--json']);
    const seen: number[] = [];
    let after: string | null = null;
    do {
      const run = await cli(['--group', 'software', '--error-contains', 'disk', '--sort', 'deadline', '--order', 'desc', '--limit', '2', ...(after ? ['--after', after] : [])]);
      expect(run.code, run.stderr).toBe(0);
      const body = JSON.parse(run.stdout) as { entries: { bookingId: number }[]; next: string | null; total: { count: number; exact: boolean } };
      seen.push(...body.entries.map((entry) => entry.bookingId));
      after = body.next;
    } while (after);
    expect(seen).toEqual(expected((r) => r.group === 'software' && (r.error ?? '').toLowerCase().includes('disk'), 'deadline', 'desc'));

    const refused = await Promise.all([
      cli(['--meeting-from', '2026-02-01', '--meeting-to', '2026-01-01']),
      cli(['--attempts-min', 'two']),
      cli(['--sort', 'owner']),
      cli(['--sort', 'attempts', '--after', '2026-01-01T00:00:00Z,5']),
      cli(['--meeting-type', 'Party']),
    ]);
    const flags = ['--meeting-to', '--attempts-min', '--sort', '--after', '--meeting-type'];
    refused.forEach((run, i) => {
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining(flags[i]!) });
    });
  });
});
