import { connectionOptions } from '../connection.js';
import { EXIT_OK } from '../output.js';
import { call, checkedInput, integer, jsonOption, withConsole, writeOptions, type ConsoleFlags, type Register } from './command.js';

interface RetryFailedFlags extends ConsoleFlags {
  maxAttempts: number;
  limit?: number;
  dryRun?: boolean;
  reason?: string;
}

export const retryFailedCommand: Register = (program, done) => {
  const command = program
    .command('retry-failed')
    .description('failed entries with fewer than --max-attempts attempts back to waiting (maintenance.retryFailed; .preview with --dry-run)')
    .option('--max-attempts <n>', 'entries at this many attempts stay failed', integer, 3)
    .option('--limit <n>', 'at most this many entries', integer);
  jsonOption(writeOptions(connectionOptions(command))).action((flags: RetryFailedFlags) =>
    done(async () => {
      const options = { maxAttempts: flags.maxAttempts, limit: flags.limit };
      if (flags.dryRun) {
        const input = checkedInput('maintenance.retryFailed.preview', options);
        return withConsole(flags, async (service, out) => {
          // counted by the retry's own condition: failed with fewer than maxAttempts attempts
          const preview = await call(service, 'maintenance.retryFailed.preview', input);
          out.result({ dryRun: true, ...preview, wouldRetry: preview.willChange }, () =>
            [
              `dry run: would put ${preview.willChange} of ${preview.count} failed entries (fewer than ${flags.maxAttempts} attempts) back to waiting; ${preview.atMaxAttempts} stay failed at the limit`,
              preview.sampleIds.length ? `  first booking ids: ${preview.sampleIds.join(', ')}` : '  no entry matches',
            ].join('\n'),
          );
          return EXIT_OK;
        });
      }
      const input = checkedInput('maintenance.retryFailed', { ...options, reason: flags.reason });
      return withConsole(flags, async (service, out) => {
        const { retried } = await call(service, 'maintenance.retryFailed', input);
        out.result({ dryRun: false, maxAttempts: flags.maxAttempts, retried }, () => `put ${retried} failed entries back to waiting (fewer than ${flags.maxAttempts} attempts)`);
        return EXIT_OK;
      });
    }),
  );
};
