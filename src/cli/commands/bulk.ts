import { Argument } from 'commander';
import { formatUtc } from '../../shared/format.js';
import { plural } from '../../shared/plural.js';
import { BULK_ACTIONS, DEFAULT_BULK_CAP, MAX_BULK_CAP, type BulkAction, type BulkPreview } from '../../shared/results/bulk.js';
import type { EntryTotal } from '../../shared/results/pool.js';
import { connectionOptions } from '../connection.js';
import { EXIT_OK } from '../output.js';
import { call, checkedInput, integer, jsonOption, table, withConsole, writeOptions, type ConsoleFlags, type Register } from './command.js';
import { matchFromFlags, matchOptions, type MatchFlags } from './match-flags.js';

interface BulkFlags extends ConsoleFlags, MatchFlags {
  deadline?: string;
  leaseTimeout?: number;
  cap?: number;
  dryRun?: boolean;
  reason?: string;
}

const total = (figure: EntryTotal) => `${figure.exact ? '' : 'at least '}${figure.count}`;
const short = (date: Date | null) => (date ? formatUtc(date, { seconds: false, zone: false }) : '-');

function renderPreview(preview: BulkPreview): string {
  const lines = [
    `dry run: ${preview.action} would change ${preview.willChange} of ${total(preview.matching)} matching entries now (cap ${preview.cap} per run)`,
    `  condition: ${preview.condition}`,
    `  the action applies to ${total(preview.applicable)}; ${total(preview.skippedLiveLease)} skipped under a live lease`,
  ];
  if (preview.applicable.count > preview.cap) lines.push(`  more than the cap: run it again (or raise --cap, at most ${MAX_BULK_CAP}) for the rest`);
  if (preview.sample.length === 0) return [...lines, '  no entry would change'].join('\n');
  return [
    ...lines,
    `  first ${plural(preview.sample.length, 'entry', 'entries')} it changes:`,
    table([
      ['booking', 'status', 'mode', 'type', 'deadline', 'tries', 'lease', 'last error'],
      ...preview.sample.map((e) => [
        e.bookingId, e.status, e.mode ?? '-', e.meetingType, short(e.deadlineTime), e.attempts, e.claimedBy ?? '-', (e.lastError ?? '-').slice(0, 40),
      ]),
    ]).replace(/^/gm, '  '),
  ].join('\n');
}

/** `bulk ACTION [filters]`: entries.bulk.preview with --dry-run, else entries.bulk.apply (--reason). Ctrl-C cancels between batches. */
export const bulkCommand: Register = (program, done) => {
  const command = program
    .command('bulk')
    .description('one action on every entry a filter matches, skipping live leases, at most --cap per run (entries.bulk.apply; .preview with --dry-run)')
    .addArgument(new Argument('<action>', 'what to do').choices([...BULK_ACTIONS]))
    .option('--deadline <time>', 'set-deadline: the new deadline (ISO 8601, UTC)')
    .option('--lease-timeout <seconds>', 'a processing entry claimed more recently is under a live lease and skipped (default 3600)', integer)
    .option('--cap <n>', `at most this many entries per run (default ${DEFAULT_BULK_CAP}, at most ${MAX_BULK_CAP})`, integer);
  jsonOption(writeOptions(connectionOptions(matchOptions(command)))).action((action: BulkAction, flags: BulkFlags) =>
    done(async () => {
      const options = { action, match: matchFromFlags(flags), deadline: flags.deadline, leaseSeconds: flags.leaseTimeout, cap: flags.cap };
      if (flags.dryRun) {
        const input = checkedInput('entries.bulk.preview', options);
        return withConsole(flags, async (service, out) => {
          const preview = await call(service, 'entries.bulk.preview', input);
          out.result({ dryRun: true, ...preview }, () => renderPreview(preview));
          return EXIT_OK;
        });
      }
      const input = checkedInput('entries.bulk.apply', { ...options, reason: flags.reason });
      return withConsole(flags, async (service, out) => {
        const result = await call(service, 'entries.bulk.apply', input);
        out.result({ dryRun: false, ...result }, () =>
          `${action}: changed ${plural(result.changed, 'entry', 'entries')}${result.capReached ? ` (the cap of ${result.cap} reached: more may match; run it again for the rest)` : ''}`,
        );
        return EXIT_OK;
      });
    }),
  );
};
