import { Argument } from 'commander';
import { alertEventLine } from '../../shared/alert-text.js';
import { PoolError } from '../../shared/errors.js';
import { formatUtc } from '../../shared/format.js';
import { REASON_HINT } from '../../shared/results/audit.js';
import { ALERT_KIND_TEXT, ALERT_KINDS, type AlertOverview, type AlertRule } from '../../shared/results/alerts.js';
import { connectionOptions } from '../connection.js';
import { EXIT_FINDINGS, EXIT_OK } from '../output.js';
import { actorOption, call, checkedInput, decimal, integer, jsonOption, table, withConsole, type ConsoleFlags, type Register } from './command.js';

interface AlertsFlags extends ConsoleFlags {
  threshold?: number | string;
  windowMinutes?: number | string;
  enable?: boolean;
  disable?: boolean;
  reason?: string;
}

function renderOverview(overview: AlertOverview): string {
  if (!overview.available) return 'no alerts: the alert tables are not there (migration 0009-pool-alerts pending; run `pool-console migrate up`)';
  const rows: (string | number)[][] = [
    ['KIND', 'ON', 'THRESHOLD', 'WINDOW (MIN)', 'FIRES WHEN', 'CHANGED'],
    ...overview.rules.map((rule: AlertRule) => [
      rule.kind,
      rule.enabled ? 'yes' : 'no',
      rule.threshold,
      rule.windowMinutes,
      `${ALERT_KIND_TEXT[rule.kind].threshold}; ${ALERT_KIND_TEXT[rule.kind].window}`,
      rule.updatedAt ? `${formatUtc(rule.updatedAt, { seconds: false })} by ${rule.updatedBy ?? '?'}` : 'shipped default',
    ]),
  ];
  const firing = overview.firing.length
    ? ['firing now:', ...overview.firing.map((event) => `  ${alertEventLine(event)} (since ${formatUtc(event.at, { seconds: false })})`)]
    : ['nothing is firing'];
  const evaluated = overview.evaluatedAt
    ? `last evaluated by the recorder ${formatUtc(overview.evaluatedAt)}`
    : 'never evaluated yet: rules are evaluated by the recorder (a console or `pool-console agent`) after each sample';
  return [table(rows), '', ...firing, evaluated].join('\n');
}

/** `alerts`: alerts.overview (exit 1 while one is firing); `alerts set KIND …`: alerts.rules.update. */
export const alertsCommand: Register = (program, done) => {
  const command = program
    .command('alerts')
    .description('the alert rules and what is firing, exit 1 while anything is (alerts.overview); set KIND: change a rule for every console (alerts.rules.update)')
    .addArgument(new Argument('[action]', 'list (default) or set').choices(['list', 'set']))
    .addArgument(new Argument('[kind]', `the rule to change: ${ALERT_KINDS.join(', ')}`))
    .option('--threshold <number>', "the rule's threshold (what it means per kind: see the list)", decimal)
    .option('--window-minutes <minutes>', "the rule's window in minutes (what it means per kind: see the list)", integer)
    .option('--enable', 'switch the rule on')
    .option('--disable', 'switch the rule off (a firing alert is resolved at the next evaluation)')
    .option('--reason <text>', 'why (at least 3 non-blank characters), recorded in POOL_AUDIT_LOG; required to set');
  jsonOption(actorOption(connectionOptions(command))).action((action: 'list' | 'set' | undefined, kind: string | undefined, flags: AlertsFlags) =>
    done(async () => {
      if ((action ?? 'list') === 'list') {
        if (kind !== undefined) throw new PoolError('INVALID_INPUT', `'alerts list' takes no KIND (got '${kind}'); to change a rule: pool-console alerts set ${kind} --threshold N --reason "…".`);
        return withConsole(flags, async (service, out) => {
          const overview = await call(service, 'alerts.overview', {});
          out.result(overview, () => renderOverview(overview));
          return overview.firing.length > 0 ? EXIT_FINDINGS : EXIT_OK;
        });
      }
      if (kind === undefined) throw new PoolError('INVALID_INPUT', `Invalid KIND: name the rule to change (${ALERT_KINDS.join(', ')}).`);
      if (flags.enable && flags.disable) throw new PoolError('INVALID_INPUT', 'Give --enable or --disable, not both. Nothing was changed.');
      if (flags.reason === undefined) throw new PoolError('INVALID_INPUT', `Invalid --reason: required: ${REASON_HINT}`);
      const enabled = flags.enable ? true : flags.disable ? false : undefined;
      if (flags.threshold === undefined && flags.windowMinutes === undefined && enabled === undefined) {
        throw new PoolError('INVALID_INPUT', 'Nothing to change: give --threshold, --window-minutes, --enable or --disable.');
      }
      const input = checkedInput('alerts.rules.update', { kind, threshold: flags.threshold, windowMinutes: flags.windowMinutes, enabled, reason: flags.reason });
      return withConsole(flags, async (service, out) => {
        const rule = await call(service, 'alerts.rules.update', input);
        out.result(rule, () =>
          `${rule.kind}: ${rule.enabled ? 'on' : 'off'}, threshold ${rule.threshold} (${ALERT_KIND_TEXT[rule.kind].threshold}), window ${rule.windowMinutes} min (${ALERT_KIND_TEXT[rule.kind].window}); every console uses it from the next evaluation`,
        );
        return EXIT_OK;
      });
    }),
  );
};
