import { z } from 'zod';
import { PoolMigrationManager } from '../../core/pool/pool-migration-manager.js';
import { EXIT_FINDINGS, EXIT_OK } from '../output.js';
import { renderFindings } from './cleanup.js';
import { defineCommand, intFlag } from './command.js';

export const validateCommand = defineCommand({
  name: 'validate',
  usage: ['validate [--lease-timeout SECONDS]             exit 1 when a rule finds rows'],
  options: { 'lease-timeout': { type: 'string' } },
  schema: z.object({ 'lease-timeout': intFlag(1, 366 * 86_400).optional() }),
  async run(db, args, out) {
    const report = await new PoolMigrationManager(db).validatePoolDataIntegrity({ leaseTimeoutSeconds: args['lease-timeout'] });
    out.result(report, () =>
      [
        renderFindings(report.rules),
        ...(report.unavailable ?? []).map((figure) => `note: ${figure.figure}: ${figure.reason}`),
        report.passed ? 'passed: no rule found a problem' : 'FAILED: run `pool-console cleanup --dry-run` to see the fixes',
      ].join('\n'),
    );
    return report.passed ? EXIT_OK : EXIT_FINDINGS;
  },
});
