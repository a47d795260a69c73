import type { PoolStats } from '../../shared/results/pool.js';
import { connectionOptions } from '../connection.js';
import { EXIT_OK } from '../output.js';
import { call, checkedInput, integer, jsonOption, table, withConsole, type ConsoleFlags, type Register } from './command.js';
import { formatUtc } from '../../shared/format.js';
import { readSourceText } from '../../shared/read-source-text.js';

function age(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86_400)} d ${Math.floor((seconds % 86_400) / 3600)} h`;
}

export function renderStats(stats: PoolStats, lease: { leaseSeconds: number; maxAttempts: number }): string {
  const unavailable = new Set(stats.unavailable.map((figure) => figure.figure));
  return [
    `pool at ${formatUtc(stats.measuredAt)} (database clock)${stats.source ? `, ${readSourceText(stats.source)}` : ''}`,
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

/** The lease timeout and attempt limit the figures are judged by when no flag is given (the pool's own defaults). */
const DEFAULTS = { leaseSeconds: 3600, maxAttempts: 3 };

export const statsCommand: Register = (program, done) => {
  const command = program
    .command('stats')
    .description('one consistent snapshot of the pool (pool.stats)')
    .option('--lease-timeout <seconds>', `a lease older than this is expired (default: ${DEFAULTS.leaseSeconds})`, integer)
    .option('--max-attempts <n>', `failed entries at this many attempts stay failed (default: ${DEFAULTS.maxAttempts})`, integer);
  jsonOption(connectionOptions(command)).action((flags: ConsoleFlags & { leaseTimeout?: number; maxAttempts?: number }) =>
    done(async () => {
      const input = checkedInput('pool.stats', { leaseSeconds: flags.leaseTimeout, maxAttempts: flags.maxAttempts });
      return withConsole(flags, async (service, out) => {
        const stats = await call(service, 'pool.stats', input);
        out.result(stats, () => renderStats(stats, { ...DEFAULTS, ...input }));
        return EXIT_OK;
      });
    }),
  );
};
