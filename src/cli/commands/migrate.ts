import type { AuditContext } from '../../core/audit/audit-log.js';
import type { Database } from '../../core/db/database.js';
import { PoolMigrationManager } from '../../core/pool/pool-migration-manager.js';
import { PoolMigrator, type MigrationPlan, type MigrationProgress } from '../../core/schema/migrator.js';
import { PoolError } from '../../shared/errors.js';
import { EXIT_OK, type Output } from '../output.js';

export interface MigrateArgs {
  action: string | undefined;
  to?: string;
  dryRun: boolean;
  /** Who and why, for the run's audit row (--actor, --reason). */
  audit?: AuditContext;
}

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

export async function migrate(db: Database, args: MigrateArgs, out: Output): Promise<number> {
  const onProgress = (p: MigrationProgress) => {
    if (p.state !== 'finished') out.progress(`[${p.position}/${p.total}] ${p.direction} ${p.migration}: ${p.summary}`);
  };
  const migrator = new PoolMigrator(db);
  switch (args.action) {
    case 'status': {
      const status = await migrator.status();
      const holder = await migrator.lockHolder();
      out.result({ ...status, lockHolder: holder }, () =>
        [
          ...status.applied.map((m) => `applied  ${m.name}  ${m.appliedAt.toISOString()}  ${m.description}`),
          ...status.pending.map((m) => `pending  ${m.name}  ${m.description}`),
          holder ? `a migration is running now (connection ${holder.connectionId}, ${holder.user}@${holder.host})` : '',
        ].filter(Boolean).join('\n'),
      );
      return EXIT_OK;
    }
    case 'up':
    case 'down': {
      const direction = args.action;
      if (args.dryRun) {
        const plans = await migrator.plan(direction, { to: args.to });
        out.result({ dryRun: true, direction, plans }, () => renderPlans(plans, `dry run (${direction}), nothing changed`));
        return EXIT_OK;
      }
      // Through the manager, so the run leaves an audit row.
      const plans = await new PoolMigrationManager(db).migrate(direction, { to: args.to, audit: args.audit, onProgress });
      out.result({ dryRun: false, direction, plans }, () => renderPlans(plans, `migrated ${direction}`));
      return EXIT_OK;
    }
    default:
      throw new PoolError('INVALID_INPUT', `Unknown migrate action '${args.action ?? ''}': use migrate status | up | down [--to NAME] [--dry-run].`);
  }
}
