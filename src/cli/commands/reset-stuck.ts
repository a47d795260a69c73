import { plural } from '../../shared/plural.js';
import { connectionOptions } from '../connection.js';
import { EXIT_OK } from '../output.js';
import { call, checkedInput, integer, jsonOption, withConsole, writeOptions, type ConsoleFlags, type Register } from './command.js';

interface ResetStuckFlags extends ConsoleFlags {
  leaseTimeout: number;
  dryRun?: boolean;
  reason?: string;
}

export const resetStuckCommand: Register = (program, done) => {
  const command = program
    .command('reset-stuck')
    .description('processing entries whose lease expired back to waiting (maintenance.resetStuck; .preview with --dry-run)')
    .option('--lease-timeout <seconds>', 'a lease older than this is expired', integer, 3600);
  jsonOption(writeOptions(connectionOptions(command))).action((flags: ResetStuckFlags) =>
    done(async () => {
      const olderThanSeconds = flags.leaseTimeout;
      if (flags.dryRun) {
        const input = checkedInput('maintenance.resetStuck.preview', { olderThanSeconds });
        return withConsole(flags, async (service, out) => {
          // counted by the reset's own condition (an expired lease), the one the stats and the banner use
          const preview = await call(service, 'maintenance.resetStuck.preview', input);
          out.result({ dryRun: true, ...preview, wouldReset: preview.willChange }, () =>
            [
              `dry run: would put ${preview.willChange} of ${preview.count} entries back to waiting: ${preview.condition}`,
              preview.sampleIds.length ? `  first booking ids: ${preview.sampleIds.join(', ')}` : '  no entry matches',
            ].join('\n'),
          );
          return EXIT_OK;
        });
      }
      const input = checkedInput('maintenance.resetStuck', { olderThanSeconds, reason: flags.reason });
      return withConsole(flags, async (service, out) => {
        const { reset } = await call(service, 'maintenance.resetStuck', input);
        out.result({ dryRun: false, olderThanSeconds, reset }, () => `put ${plural(reset, 'stuck processing entry', 'stuck processing entries')} (lease older than ${olderThanSeconds} s) back to waiting`);
        return EXIT_OK;
      });
    }),
  );
};
