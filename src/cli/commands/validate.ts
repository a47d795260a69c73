import { connectionOptions } from '../connection.js';
import { EXIT_FINDINGS, EXIT_OK } from '../output.js';
import { renderFindings } from './cleanup.js';
import { call, jsonOption, withConsole, type ConsoleFlags, type Register } from './command.js';

export const validateCommand: Register = (program, done) => {
  const command = program.command('validate').description('the integrity rules, read-only (maintenance.validate); exit 1 when a rule finds rows');
  jsonOption(connectionOptions(command)).action((flags: ConsoleFlags) =>
    done(() =>
      withConsole(flags, async (service, out) => {
        const report = await call(service, 'maintenance.validate', {});
        out.result(report, () =>
          [
            renderFindings(report.rules),
            ...(report.unavailable ?? []).map((figure) => `note: ${figure.figure}: ${figure.reason}`),
            report.passed ? 'passed: no rule found a problem' : 'FAILED: run `pool-console cleanup --dry-run` to see the fixes',
          ].join('\n'),
        );
        return report.passed ? EXIT_OK : EXIT_FINDINGS;
      }),
    ),
  );
};
