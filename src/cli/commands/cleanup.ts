import { Option } from 'commander';
import { CLEANUP_RULE_IDS, type RuleFinding } from '../../shared/results/maintenance.js';
import { connectionOptions } from '../connection.js';
import { EXIT_OK } from '../output.js';
import { call, checkedInput, integer, jsonOption, table, withConsole, writeOptions, type ConsoleFlags, type Register } from './command.js';

export function renderFindings(rules: RuleFinding[]): string {
  return rules
    .map((rule) => [
      `${rule.count === 0 ? 'ok   ' : 'FOUND'} ${rule.id}: ${rule.count}  ${rule.title}`,
      ...(rule.count === 0 ? [] : [`      finds: ${rule.detects}`, `      fix:   ${rule.fix}`, `      e.g. ${rule.sampleIds.join(', ')}`]),
    ].join('\n'))
    .join('\n');
}

interface CleanupFlags extends ConsoleFlags {
  rule?: string[];
  leaseTimeout?: number;
  dryRun?: boolean;
  reason?: string;
  confirm?: string;
}

export const cleanupCommand: Register = (program, done) => {
  const command = program
    .command('cleanup')
    .description('each cleanup rule: count, sample ids and the fix (maintenance.cleanup.preview with --dry-run), or apply them in audited batches (maintenance.cleanup.apply)')
    .addOption(new Option('--rule <id...>', 'only these rules (repeatable; default: all)').choices(CLEANUP_RULE_IDS))
    .option('--lease-timeout <seconds>', 'a lease older than this is stuck (default: 3600)', integer)
    .option('--confirm <database>', "the connected database's name, to apply (as the console's confirmation)");
  jsonOption(writeOptions(connectionOptions(command))).action((flags: CleanupFlags) =>
    done(async () => {
      const rules = { rules: flags.rule, leaseTimeoutSeconds: flags.leaseTimeout };
      if (flags.dryRun) {
        const input = checkedInput('maintenance.cleanup.preview', rules);
        return withConsole(flags, async (service, out) => {
          const preview = await call(service, 'maintenance.cleanup.preview', input);
          out.result(preview, () => `dry run, nothing changed\n${renderFindings(preview.rules)}`);
          return EXIT_OK;
        });
      }
      const input = checkedInput('maintenance.cleanup.apply', { ...rules, reason: flags.reason, confirm: flags.confirm });
      return withConsole(flags, async (service, out) => {
        const applied = await call(service, 'maintenance.cleanup.apply', input);
        out.result(applied, () => `${table(applied.rules.map((rule) => [rule.id, rule.fixed]))}\nfixed ${applied.total} in all`);
        return EXIT_OK;
      });
    }),
  );
};
