import { type PoolEntry } from '../../shared/pool-types.js';
import { addEntryMatchFlags, entryMatchFromFlags, type EntryMatchFlags } from '../entry-match-flags.js';
import { plural } from '../../shared/plural.js';
import { PoolError } from '../../shared/errors.js';
import { ENTRY_SORTS, type EntryCursor, type EntryPage, type EntrySort } from '../../shared/results/pool.js';
import { connectionOptions } from '../connection.js';
import { EXIT_OK } from '../output.js';
import { call, checkedInput, integer, jsonOption, table, withConsole, type ConsoleFlags, type Register } from './command.js';
import { formatUtc } from '../../shared/format.js';
import { readSourceText } from '../../shared/read-source-text.js';

/** The keyset cursor as one flag value: `KEY,ID`, the sort key of the page's last entry (a time or attempts) and its booking id. */
export function formatCursor(next: EntryPage['next'], sort: EntrySort = 'entryTime'): string | null {
  const key = next?.[sort];
  if (!next || key === undefined) return null;
  return `${key instanceof Date ? key.toISOString() : key},${next.bookingId}`;
}

/** The cursor flag's value as the contract's keyset cursor for this sort; only its format is checked here, the contract checks the rest. */
function parseCursor(value: string, sort: EntrySort): EntryCursor {
  const match = /^(.+),(\d+)$/.exec(value.trim());
  const text = match?.[1] ?? '';
  const key = sort === 'attempts' ? (/^\d+$/.test(text) ? Number(text) : null) : new Date(text);
  if (key === null || (key instanceof Date && Number.isNaN(key.getTime()))) {
    const example = sort === 'attempts' ? '2,1234' : '2026-05-01T08:00:00.000Z,1234';
    throw new PoolError('INVALID_INPUT', `Invalid --after: must be KEY,ID as printed by the previous page with the same --sort (e.g. ${example}) (got '${value}').`);
  }
  return { [sort]: key, bookingId: Number(match![2]) };
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

interface EntriesFlags extends ConsoleFlags, EntryMatchFlags {
  sort?: string;
  order?: string;
  limit?: number;
  after?: string;
}

export const entriesCommand: Register = (program, done) => {
  const command = program
    .command('entries')
    .description('a page of pool entries, oldest first unless --sort/--order say otherwise (entries.list); prints the --after cursor of the next page');
  addEntryMatchFlags(command)
    .option('--sort <key>', `order by: ${ENTRY_SORTS.join(', ')} (default: entryTime)`)
    .option('--order <direction>', 'asc or desc (default: asc)')
    .option('--limit <n>', 'entries per page (default: 100)', integer)
    .option('--after <cursor>', 'the page after this cursor (KEY,ID, as printed by the previous page; same --sort and --order)');
  jsonOption(connectionOptions(command)).action((flags: EntriesFlags) =>
    done(async () => {
      const fields = { ...entryMatchFromFlags(flags), sort: flags.sort, order: flags.order, limit: flags.limit };
      // The sort is checked first: the cursor's format depends on it.
      const sort: EntrySort = checkedInput('entries.list', fields).sort ?? 'entryTime';
      const input = checkedInput('entries.list', { ...fields, after: flags.after === undefined ? undefined : parseCursor(flags.after, sort) });
      return withConsole(flags, async (service, out) => {
        const page = await call(service, 'entries.list', input);
        const next = formatCursor(page.next, sort);
        const matching = `${page.total.exact ? '' : 'at least '}${plural(page.total.count, 'entry matches', 'entries match')} the filter`;
        const window = page.window ? `\nno index serves this filter: each page searches the next ${page.window} entries (fewer matches than --limit, even none, with a cursor, mean "search on"); the total counts the first ${page.window} only` : '';
        out.result({ entries: page.entries, next, total: page.total, ...(page.window ? { window: page.window } : {}), ...(page.source ? { source: page.source } : {}) }, () => `${renderEntries(page.entries, next)}\n${matching}${window}${page.source ? `\nread from: ${readSourceText(page.source)}` : ''}`);
        return EXIT_OK;
      });
    }),
  );
};
