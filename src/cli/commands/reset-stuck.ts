import { z } from 'zod';
import { DatabaseBookingPool } from '../../core/pool/database-booking-pool.js';
import { plural } from '../../shared/plural.js';
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
      // Counted by the reset's own condition (an expired lease), the one the stats and the banner use.
      const preview = await pool.previewResetStuck({ olderThanSeconds, limit: args.limit });
      out.result({ dryRun: true, ...preview, wouldReset: preview.willChange }, () =>
        [
          `dry run: would put ${preview.willChange} of ${preview.count} entries back to waiting: ${preview.condition}`,
          preview.sampleIds.length ? `  first booking ids: ${preview.sampleIds.join(', ')}` : '  no entry matches',
        ].join('\n'),
      );
      return EXIT_OK;
    }
    const { reset } = await pool.resetStuckProcessing({
      olderThanSeconds,
      limit: args.limit,
      audit: auditContext(args),
      onBatch: (total) => out.progress(`reset ${total} so far`),
    });
    out.result({ dryRun: false, olderThanSeconds, reset }, () => `put ${plural(reset, 'stuck processing entry', 'stuck processing entries')} (lease older than ${olderThanSeconds} s) back to waiting`);
    return EXIT_OK;
  },
});
