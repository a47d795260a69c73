import { runningEntriesStatements } from '../../../src/core/pool/database-booking-pool.js';
import { entryFilterSchema, type EntryFilter } from '../../../src/shared/results/pool.js';
import { timeSerial, type Distribution } from '../measure.js';
import type { Context } from '../operations.js';
import { int, ms, pn, table, verdict } from '../report.js';
import type { Section } from './section.js';

/*
 * The Entries search: each filter's first page of 100 (with its bounded total), on the bench
 * dataset (dataset.ts): pooled entries are bookings 1, 11, 21, …; owner E<n % 5000>, room
 * "Room <n % 50>", group by n % 4, type by (n DIV 7) % 6. So owner E1 and Room 1 hold pooled
 * entries and owner E2 and Room 2 none (a filter that matches nothing reads the most), groups
 * 'hardware' and 'other' hold all of them, 'iot' none; failed entries carry the one error text.
 */

const DAY = 86_400_000;
const TARGET_P95_MS = 50;

interface Case {
  label: string;
  filter: EntryFilter;
}

function cases(anchor: Date): Case[] {
  const week = new Date(anchor.getTime() + 7 * DAY);
  return [
    { label: 'no filter (entry time)', filter: {} },
    { label: 'status failed', filter: { status: 'failed' } },
    { label: 'owner E1 (200 pooled)', filter: { ownerEmpCode: 'E1' } },
    { label: 'owner E2 (none pooled)', filter: { ownerEmpCode: 'E2' } },
    { label: 'room "Room 1" (20,000 pooled)', filter: { room: 'Room 1' } },
    { label: 'room "Room 2" (none pooled)', filter: { room: 'Room 2' } },
    { label: 'meeting type VIP', filter: { meetingType: 'VIP' } },
    { label: 'group hardware (half)', filter: { ownerGroup: 'hardware' } },
    { label: 'group iot (none pooled)', filter: { ownerGroup: 'iot' } },
    { label: 'last error contains "unavailable"', filter: { lastErrorContains: 'unavailable' } },
    { label: 'last error contains "timeout" (none)', filter: { lastErrorContains: 'timeout' } },
    { label: 'meeting window, 1 day', filter: { meetingFrom: week, meetingTo: new Date(week.getTime() + DAY) } },
    { label: 'deadline window, 1 day', filter: { deadlineFrom: week, deadlineTo: new Date(week.getTime() + DAY) } },
    { label: 'attempts ≥ 2', filter: { attemptsMin: 2 } },
    { label: 'sort deadline', filter: { sort: 'deadline' } },
    { label: 'sort attempts, most first', filter: { sort: 'attempts', order: 'desc' } },
    { label: 'sort entry time, newest first', filter: { order: 'desc' } },
    { label: 'owner E1, sort deadline', filter: { ownerEmpCode: 'E1', sort: 'deadline' } },
    { label: 'status failed, sort attempts', filter: { status: 'failed', sort: 'attempts', order: 'desc' } },
  ];
}

/** Index (or scan) each statement's plan reads BOOKING_PLAN by, from a tabular EXPLAIN. */
async function planOf(context: Context, statement: { sql: string; replacements: Record<string, unknown> }): Promise<string> {
  const rows = await context.db.select<{ table: string; type: string; key: string | null; rows: number; Extra: string | null }>('bench.explain', `EXPLAIN ${statement.sql}`, { replacements: statement.replacements });
  return rows
    .filter((row) => row.table === 'BOOKING_PLAN')
    .map((row) => `${row.key ?? 'full scan'} (${row.type}, ≈${int(Number(row.rows))} rows${row.Extra?.includes('filesort') ? ', filesort' : ''})`)
    .join(' + ');
}

export const searchSection: Section = {
  name: 'search',
  async run(context, options) {
    const iterations = Math.max(10, Math.round(options.iterations / 4));
    const rows: string[][] = [];
    const summary: string[][] = [];
    const anchor = new Date(`${context.dataset.anchor.replace(' ', 'T')}Z`);
    for (const { label, filter } of cases(anchor)) {
      context.log(`search: ${label}…`);
      let first = await context.pool.getAllPoolEntries({ ...filter, limit: 100 });
      const page1 = await timeSerial(async () => (first = await context.pool.getAllPoolEntries({ ...filter, limit: 100 })), { iterations, warmup: 3 });
      let page2: Distribution | null = null;
      if (first.next) {
        const next = first.next;
        page2 = await timeSerial(() => context.pool.getAllPoolEntries({ ...filter, after: next, limit: 100 }), { iterations, warmup: 3 });
      }
      const statements = runningEntriesStatements(entryFilterSchema.parse({ ...filter, limit: 100 }));
      const total = `${first.total.exact ? '' : '≥ '}${int(first.total.count)}`;
      const served = statements.window ? `window of ${int(first.window ?? 0)}` : 'index';
      rows.push([label, pn(page1), page2 ? pn(page2) : '–', total, `${first.entries.length}`, served, await planOf(context, statements.page), await planOf(context, statements.count), verdict(page1.p95 <= TARGET_P95_MS)]);
      summary.push([`search: ${label}`, pn(page1), '–', '–', `p95 ≤ ${TARGET_P95_MS} ms`, `${ms(page1.p95)} ms`, verdict(page1.p95 <= TARGET_P95_MS)]);
    }
    return {
      summary,
      details: [
        `Search (entries.list, page of 100 with its total counted up to 10,000; ${iterations} timed calls each after 3 untimed; p50 / p95 ms; page 2 follows the first page's cursor):\n\n` +
          table(['filter', 'first page', 'page 2', 'total', 'rows on page 1', 'served by', 'page plan', 'count plan', `p95 ≤ ${TARGET_P95_MS} ms`], rows),
      ],
    };
  },
};
