import { z } from 'zod';
import { DatabaseBookingPool } from '../../core/pool/database-booking-pool.js';
import { EXIT_OK } from '../output.js';
import { AUDIT_OPTIONS, auditContext, auditFlags, defineCommand, requireReasonToApply, intFlag } from './command.js';

export const retryFailedCommand = defineCommand({
  name: 'retry-failed',
  usage: ['retry-failed [--max-attempts N] [--limit N] (--dry-run | --reason TEXT) [--actor NAME]'],
  options: { 'max-attempts': { type: 'string' }, limit: { type: 'string' }, 'dry-run': { type: 'boolean' }, ...AUDIT_OPTIONS },
  schema: z.object({
    'max-attempts': intFlag(1, 100).default(3),
    limit: intFlag(1, 10_000_000).optional(),
    'dry-run': z.boolean().default(false),
    ...auditFlags,
  }).superRefine(requireReasonToApply),
  async run(db, args, out) {
    const pool = new DatabaseBookingPool(db);
    const maxAttempts = args['max-attempts'];
    if (args['dry-run']) {
      // Counted by the retry's own condition: failed with fewer than maxAttempts attempts.
      const preview = await pool.previewRetryFailed({ maxAttempts, limit: args.limit });
      out.result({ dryRun: true, ...preview, wouldRetry: preview.willChange }, () =>
        [
          `dry run: would put ${preview.willChange} of ${preview.count} failed entries (fewer than ${maxAttempts} attempts) back to waiting; ${preview.atMaxAttempts} stay failed at the limit`,
          preview.sampleIds.length ? `  first booking ids: ${preview.sampleIds.join(', ')}` : '  no entry matches',
        ].join('\n'),
      );
      return EXIT_OK;
    }
    const { retried } = await pool.retryFailedEntries({ maxAttempts, limit: args.limit, audit: auditContext(args) });
    out.result({ dryRun: false, maxAttempts, retried }, () => `put ${retried} failed entries back to waiting (fewer than ${maxAttempts} attempts)`);
    return EXIT_OK;
  },
});
