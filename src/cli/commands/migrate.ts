import { Argument } from 'commander';
import type { MigrationPlan } from '../../shared/results/schema.js';
import { connectionOptions } from '../connection.js';
import type { ConsoleService } from '../../core/console/console-service.js';
import { galeraDdlWarning } from '../../core/schema/galera-ddl.js';
import { EXIT_OK, type Output } from '../output.js';
import { call, checkedInput, jsonOption, withConsole, writeOptions, type ConsoleFlags, type Register } from './command.js';
import { formatUtc } from '../../shared/format.js';

function renderPlans(plans: MigrationPlan[], heading: string): string {
  if (plans.length === 0) return `${heading}: nothing to do`;
  return [
    heading,
    ...plans.flatMap((plan) => [
      `${plan.name}  ${plan.description}`,
      ...plan.steps.map((step) => (step.sql ? `  ${step.summary}\n    ${step.sql};${step.fallbackSql ? `\n    -- if the server refuses INSTANT: ${step.fallbackSql};` : ''}` : `  ${step.summary}`)),
    ]),
  ].join('\n');
}

interface MigrateFlags extends ConsoleFlags {
  to?: string;
  dryRun?: boolean;
  reason?: string;
}

export const migrateCommand: Register = (program, done) => {
  const command = program
    .command('migrate')
    .description('status: applied and pending migrations, drift, lock holder (migrations.status); up / down: apply or revert (migrations.up / .down; migrations.plan with --dry-run)')
    .addArgument(new Argument('<action>', 'status, up or down').choices(['status', 'up', 'down']))
    .option('--to <name>', 'up to (or down to) this migration');
  jsonOption(writeOptions(connectionOptions(command))).action((action: 'status' | 'up' | 'down', flags: MigrateFlags) =>
    done(async () => {
      if (action === 'status') {
        return withConsole(flags, async (service, out) => {
          const status = await call(service, 'migrations.status', {});
          const holder = status.lockHolder;
          const { missingColumns, missingIndexes, missingTables } = status.drift;
          const drift = [...missingColumns, ...missingIndexes, ...missingTables];
          out.result(status, () =>
            [
              ...status.applied.map((m) => `applied  ${m.name}  ${formatUtc(m.appliedAt)}  ${m.description}`),
              ...status.pending.map((m) => `pending  ${m.name}  ${m.description}`),
              drift.length ? `drift: applied migrations' objects missing: ${drift.join(', ')}` : '',
              status.clusterWarning ? `warning: ${status.clusterWarning}` : '',
              holder ? `a migration is running now (${holder.connectionId === null ? `cluster lock held by ${holder.owner ?? holder.host}` : `connection ${holder.connectionId}, ${holder.user}@${holder.host}`})` : '',
            ].filter(Boolean).join('\n'),
          );
          return EXIT_OK;
        });
      }
      if (flags.dryRun) {
        const input = checkedInput('migrations.plan', { direction: action, to: flags.to });
        return withConsole(flags, async (service, out) => {
          await warnOnCluster(service, out);
          const plans = await call(service, 'migrations.plan', input);
          out.result({ dryRun: true, direction: action, plans }, () => renderPlans(plans, `dry run (${action}), nothing changed`));
          return EXIT_OK;
        });
      }
      const operation = action === 'up' ? 'migrations.up' : 'migrations.down';
      const input = checkedInput(operation, { to: flags.to, reason: flags.reason });
      return withConsole(flags, async (service, out) => {
        await warnOnCluster(service, out);
        const plans = await call(service, operation, input);
        out.result({ dryRun: false, direction: action, plans }, () => renderPlans(plans, `migrated ${action}`));
        return EXIT_OK;
      });
    }),
  );
};

/** On a Galera cluster, says before planning or running what DDL blocks there (stderr; silent with --json). */
async function warnOnCluster(service: ConsoleService, out: Output): Promise<void> {
  const warning = await galeraDdlWarning(service.session.require().db);
  if (warning) out.progress(`warning: ${warning}`);
}
