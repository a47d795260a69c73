import { z } from 'zod';
import { CLEANUP_RULE_IDS } from '../../core/maintenance/cleanup-rules.js';
import type { RuleFinding } from '../../core/maintenance/cleanup.js';
import { PoolMigrationManager } from '../../core/pool/pool-migration-manager.js';
import { PoolError } from '../../shared/errors.js';
import { EXIT_OK } from '../output.js';
import { AUDIT_OPTIONS, auditContext, auditFlags, defineCommand, requireReasonToApply, intFlag, table } from './command.js';

export function renderFindings(rules: RuleFinding[]): string {
  return rules
    .map((rule) => [
      `${rule.count === 0 ? 'ok   ' : 'FOUND'} ${rule.id}: ${rule.count}  ${rule.title}`,
      ...(rule.count === 0 ? [] : [`      finds: ${rule.detects}`, `      fix:   ${rule.fix}`, `      e.g. ${rule.sampleIds.join(', ')}`]),
    ].join('\n'))
    .join('\n');
}

export const cleanupCommand = defineCommand({
  name: 'cleanup',
  usage: ['cleanup [--rule ID]… [--lease-timeout SECONDS] (--dry-run | --reason TEXT) [--actor NAME]'],
  options: { 'dry-run': { type: 'boolean' }, rule: { type: 'string', multiple: true }, 'lease-timeout': { type: 'string' }, ...AUDIT_OPTIONS },
  schema: z.object({
    'dry-run': z.boolean().default(false),
    rule: z.array(z.enum(CLEANUP_RULE_IDS, { error: (issue) => `unknown rule '${String(issue.input)}'; rules: ${CLEANUP_RULE_IDS.join(', ')}` })).optional(),
    'lease-timeout': intFlag(1, 366 * 86_400).optional(),
    ...auditFlags,
  }).superRefine(requireReasonToApply),
  async run(db, args, out) {
    const manager = new PoolMigrationManager(db);
    const options = { rules: args.rule, leaseTimeoutSeconds: args['lease-timeout'] };
    if (args['dry-run']) {
      const preview = await manager.cleanupInconsistentPoolStates({ ...options, dryRun: true });
      if (!preview.dryRun) throw new PoolError('INTERNAL', 'The cleanup preview came back as applied.');
      out.result(preview, () => `dry run, nothing changed\n${renderFindings(preview.rules)}`);
      return EXIT_OK;
    }
    const applied = await manager.cleanupInconsistentPoolStates({
      ...options,
      dryRun: false,
      audit: auditContext(args),
      onProgress: (p) => out.progress(`${p.rule}: ${p.fixed} fixed so far`),
    });
    if (applied.dryRun) throw new PoolError('INTERNAL', 'The cleanup came back as a preview; nothing was applied.');
    out.result(applied, () => `${table(applied.rules.map((rule) => [rule.id, rule.fixed]))}\nfixed ${applied.total} in all`);
    return EXIT_OK;
  },
});
