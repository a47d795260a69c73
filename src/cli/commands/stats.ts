import { z } from 'zod';
import { DatabaseBookingPool } from '../../core/pool/database-booking-pool.js';
import type { PoolStats } from '../../core/pool/pool-stats.js';
import { EXIT_OK } from '../output.js';
import { defineCommand, intFlag, table } from './command.js';

function age(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86_400)} d ${Math.floor((seconds % 86_400) / 3600)} h`;
}

export function renderStats(stats: PoolStats, lease: { leaseSeconds: number; maxAttempts: number }): string {
  const unavailable = new Set(stats.unavailable.map((figure) => figure.figure));
  return [
    `pool at ${stats.measuredAt.toISOString()} (database clock)`,
    table([
      ['in pool', stats.inPool],
      ...Object.entries(stats.byStatus).map(([status, n]) => [`  ${status}`, n]),
      ['eligible now', stats.eligibleNow],
      ['overdue', stats.overdue],
      [`expired leases (> ${lease.leaseSeconds} s${stats.leaseBasis === 'entry-time' ? ', by entry time' : ''})`, stats.expiredLeases],
      [`failed at max attempts (${lease.maxAttempts})`, stats.failedAtMaxAttempts],
      ['oldest entry', age(stats.oldestEntryAgeSeconds)],
    ]),
    unavailable.has('byMode') ? 'by mode     —, after migrations' : `by mode     ${Object.entries(stats.byMode).map(([mode, n]) => `${mode} ${n}`).join('  ')}`,
    `due within  1 h ${stats.deadlineWithin.hour1}  6 h ${stats.deadlineWithin.hours6}  24 h ${stats.deadlineWithin.hours24}`,
    ...stats.unavailable.map((figure) => `unavailable: ${figure.figure}: ${figure.reason}`),
  ].join('\n');
}

export const statsCommand = defineCommand({
  name: 'stats',
  usage: ['stats [--lease-seconds S] [--max-attempts N]'],
  options: { 'lease-seconds': { type: 'string' }, 'max-attempts': { type: 'string' } },
  schema: z.object({
    'lease-seconds': intFlag(1, 366 * 86_400).default(3600),
    'max-attempts': intFlag(1, 100).default(3),
  }),
  async run(db, args, out) {
    const lease = { leaseSeconds: args['lease-seconds'], maxAttempts: args['max-attempts'] };
    const stats = await new DatabaseBookingPool(db).getPoolStats(lease);
    out.result(stats, () => renderStats(stats, lease));
    return EXIT_OK;
  },
});
