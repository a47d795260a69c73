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
      // failed entries split into those under the limit (retried) and those at it (failedAtMaxAttempts)
      const stats = await pool.getPoolStats({ maxAttempts });
      const eligible = stats.byStatus.failed - stats.failedAtMaxAttempts;
      const wouldRetry = Math.min(eligible, args.limit ?? eligible);
      out.result({ dryRun: true, maxAttempts, wouldRetry, failed: stats.byStatus.failed, atMaxAttempts: stats.failedAtMaxAttempts }, () =>
        `dry run: would put ${wouldRetry} failed entries (fewer than ${maxAttempts} attempts) back to waiting; ${stats.failedAtMaxAttempts} stay failed at the limit`,
      );
      return EXIT_OK;
    }
    const { retried } = await pool.retryFailedEntries({ maxAttempts, limit: args.limit, audit: auditContext(args) });
    out.result({ dryRun: false, maxAttempts, retried }, () => `put ${retried} failed entries back to waiting (fewer than ${maxAttempts} attempts)`);
    return EXIT_OK;
  },
});
