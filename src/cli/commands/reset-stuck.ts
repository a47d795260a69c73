import { z } from 'zod';
import { DatabaseBookingPool } from '../../core/pool/database-booking-pool.js';
import { EXIT_OK } from '../output.js';
import { AUDIT_OPTIONS, auditContext, auditFlags, defineCommand, requireReasonToApply, intFlag } from './command.js';

export const resetStuckCommand = defineCommand({
  name: 'reset-stuck',
  usage: ['reset-stuck [--older-than SECONDS] [--limit N] (--dry-run | --reason TEXT) [--actor NAME]'],
  options: { 'older-than': { type: 'string' }, limit: { type: 'string' }, 'dry-run': { type: 'boolean' }, ...AUDIT_OPTIONS },
  schema: z.object({
    'older-than': intFlag(1, 366 * 86_400).default(3600),
    limit: intFlag(1, 10_000_000).optional(),
    'dry-run': z.boolean().default(false),
    ...auditFlags,
  }).superRefine(requireReasonToApply),
  async run(db, args, out) {
    const pool = new DatabaseBookingPool(db);
    const olderThanSeconds = args['older-than'];
    if (args['dry-run']) {
      // the stats' expired-lease count uses the same condition as the reset
      const stats = await pool.getPoolStats({ leaseSeconds: olderThanSeconds });
      const wouldReset = Math.min(stats.expiredLeases, args.limit ?? stats.expiredLeases);
      out.result({ dryRun: true, olderThanSeconds, wouldReset, processing: stats.byStatus.processing }, () =>
        `dry run: would put ${wouldReset} processing entries with a lease older than ${olderThanSeconds} s (or none) back to waiting`,
      );
      return EXIT_OK;
    }
    const { reset } = await pool.resetStuckProcessing({
      olderThanSeconds,
      limit: args.limit,
      audit: auditContext(args),
      onBatch: (total) => out.progress(`reset ${total} so far`),
    });
    out.result({ dryRun: false, olderThanSeconds, reset }, () => `put ${reset} stuck processing entries (lease older than ${olderThanSeconds} s) back to waiting`);
    return EXIT_OK;
  },
});
