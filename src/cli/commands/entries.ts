import { z } from 'zod';
import { DatabaseBookingPool, type EntryPage } from '../../core/pool/database-booking-pool.js';
import { POOL_MODES, POOL_STATUSES, type PoolEntry } from '../../core/pool/pool-types.js';
import { plural } from '../../shared/plural.js';
import { EXIT_OK } from '../output.js';
import { defineCommand, enumFlag, intFlag, table } from './command.js';

/** The keyset cursor as one flag value: `ENTRYTIME,ID`, e.g. 2026-05-01T08:00:00.000Z,1234. */
export function formatCursor(next: EntryPage['next']): string | null {
  return next ? `${next.entryTime.toISOString()},${next.bookingId}` : null;
}

const cursorFlag = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const match = /^(.+),(\d+)$/.exec(value);
    const entryTime = match ? new Date(match[1]!) : null;
    const bookingId = match ? Number(match[2]) : Number.NaN;
    if (!entryTime || Number.isNaN(entryTime.getTime()) || !Number.isSafeInteger(bookingId) || bookingId < 1) {
      ctx.addIssue({ code: 'custom', message: 'must be ENTRYTIME,ID as printed by the previous page (e.g. 2026-05-01T08:00:00.000Z,1234)' });
      return z.NEVER;
    }
    return { entryTime, bookingId };
  });

const shortDate = (date: Date | null) => (date ? date.toISOString().slice(0, 16).replace('T', ' ') : '-');

function renderEntries(entries: PoolEntry[], next: string | null): string {
  if (entries.length === 0) return 'no entries';
  return [
    table([
      ['booking', 'status', 'mode', 'type', 'meeting start', 'deadline', 'entered', 'tries', 'lease', 'last error'],
      ...entries.map((e) => [
        e.bookingId, e.status, e.mode ?? '-', e.meetingType, shortDate(e.timeStart), shortDate(e.deadlineTime), shortDate(e.entryTime),
        e.attempts, e.claimedBy ? `${e.claimedBy} since ${shortDate(e.claimedAt)}` : '-', (e.lastError ?? '-').slice(0, 40),
      ]),
    ]),
    next ? `more: --after ${next}` : '(last page)',
  ].join('\n');
}

export const entriesCommand = defineCommand({
  name: 'entries',
  usage: ['entries [--status S] [--mode M] [--overdue] [--booking ID] [--limit N] [--after ENTRYTIME,ID]'],
  options: {
    status: { type: 'string' },
    mode: { type: 'string' },
    overdue: { type: 'boolean' },
    booking: { type: 'string' },
    limit: { type: 'string' },
    after: { type: 'string' },
  },
  schema: z.object({
    status: enumFlag(POOL_STATUSES).optional(),
    mode: enumFlag(POOL_MODES).optional(),
    overdue: z.boolean().optional(),
    booking: intFlag(1, 2_147_483_647).optional(),
    limit: intFlag(1, 1000).default(100),
    after: cursorFlag.optional(),
  }),
  async run(db, args, out) {
    const page = await new DatabaseBookingPool(db).getAllPoolEntries({
      status: args.status,
      mode: args.mode,
      overdue: args.overdue,
      bookingId: args.booking,
      limit: args.limit,
      after: args.after,
    });
    const next = formatCursor(page.next);
    const matching = `${page.total.exact ? '' : 'at least '}${plural(page.total.count, 'entry matches', 'entries match')} the filter`;
    out.result({ entries: page.entries, next, total: page.total }, () => `${renderEntries(page.entries, next)}\n${matching}`);
    return EXIT_OK;
  },
});
