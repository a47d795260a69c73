import { POOL_MODES, POOL_STATUSES, type PoolEntry } from '../../shared/pool-types.js';
import { plural } from '../../shared/plural.js';
import { PoolError } from '../../shared/errors.js';
import type { EntryPage } from '../../shared/results/pool.js';
import { connectionOptions } from '../connection.js';
import { EXIT_OK } from '../output.js';
import { call, checkedInput, integer, jsonOption, table, withConsole, type ConsoleFlags, type Register } from './command.js';
import { formatUtc } from '../../shared/format.js';
import { readSourceText } from '../../shared/read-source-text.js';

/** The keyset cursor as one flag value: `ENTRYTIME,ID`, e.g. 2026-05-01T08:00:00.000Z,1234. */
export function formatCursor(next: EntryPage['next']): string | null {
  return next ? `${next.entryTime.toISOString()},${next.bookingId}` : null;
}

/** The cursor flag's value as the contract's keyset cursor; only its format is checked here, the contract checks the rest. */
function parseCursor(value: string): { entryTime: Date; bookingId: number } {
  const match = /^(.+),(\d+)$/.exec(value.trim());
  const entryTime = match ? new Date(match[1]!) : null;
  if (!entryTime || Number.isNaN(entryTime.getTime())) {
    throw new PoolError('INVALID_INPUT', `Invalid --after: must be ENTRYTIME,ID as printed by the previous page (e.g. 2026-05-01T08:00:00.000Z,1234) (got '${value}').`);
  }
  return { entryTime, bookingId: Number(match![2]) };
}

const shortDate = (date: Date | null) => (date ? formatUtc(date, { seconds: false, zone: false }) : '-');

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

interface EntriesFlags extends ConsoleFlags {
  status?: string;
  mode?: string;
  overdue?: boolean;
  booking?: number;
  limit?: number;
  after?: string;
}

export const entriesCommand: Register = (program, done) => {
  const command = program
    .command('entries')
    .description('a page of pool entries, oldest first (entries.list); prints the --after cursor of the next page')
    .option('--status <status>', `only entries in this status: ${POOL_STATUSES.join(', ')}`)
    .option('--mode <mode>', `only entries of this mode: ${POOL_MODES.join(', ')}`)
    .option('--overdue', 'only entries past their deadline and not being processed')
    .option('--booking <id>', 'only this booking', integer)
    .option('--limit <n>', 'entries per page (default: 100)', integer)
    .option('--after <cursor>', 'the page after this cursor (ENTRYTIME,ID, as printed by the previous page)');
  jsonOption(connectionOptions(command)).action((flags: EntriesFlags) =>
    done(async () => {
      const input = checkedInput('entries.list', {
        status: flags.status, mode: flags.mode, overdue: flags.overdue, bookingId: flags.booking, limit: flags.limit,
        after: flags.after === undefined ? undefined : parseCursor(flags.after),
      });
      return withConsole(flags, async (service, out) => {
        const page = await call(service, 'entries.list', input);
        const next = formatCursor(page.next);
        const matching = `${page.total.exact ? '' : 'at least '}${plural(page.total.count, 'entry matches', 'entries match')} the filter`;
        out.result({ entries: page.entries, next, total: page.total, ...(page.source ? { source: page.source } : {}) }, () =>
          `${renderEntries(page.entries, next)}\n${matching}${page.source ? `\nread from: ${readSourceText(page.source)}` : ''}`);
        return EXIT_OK;
      });
    }),
  );
};
