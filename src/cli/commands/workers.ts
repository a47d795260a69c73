import { Argument } from 'commander';
import { formatUtc } from '../../shared/format.js';
import { PoolError } from '../../shared/errors.js';
import type { WorkerInfo, WorkerList } from '../../shared/results/workers.js';
import { connectionOptions } from '../connection.js';
import { EXIT_OK } from '../output.js';
import { call, checkedInput, integer, jsonOption, table, withConsole, writeOptions, type ConsoleFlags, type Register } from './command.js';

interface WorkersFlags extends ConsoleFlags {
  leaseTimeout?: number;
  dryRun?: boolean;
  reason?: string;
  force?: boolean;
}

const seconds = (ms: number | null) => (ms === null ? '—' : `${Math.round(ms / 100) / 10} s`);
const count = (n: number | null) => (n === null ? '—' : n);

function renderList(list: WorkerList): string {
  if (list.workers.length === 0) {
    return `no workers: none heartbeats${list.heartbeats ? '' : ' (no POOL_WORKERS table: migration 0008 pending)'} and no owner holds a lease`;
  }
  const rows: (string | number)[][] = [
    ['OWNER', 'STATE', 'HOST', 'PID', 'VERSION', 'HEARTBEAT AGE', 'LEASES', 'EXPIRED', 'OLDEST LEASE', 'CLAIMS/MIN', 'LAST ERROR'],
    ...list.workers.map((w: WorkerInfo) => [
      w.ownerId, w.state, w.host ?? '—', w.pid ?? '—', w.version ?? '—', seconds(w.heartbeatAgeMs), w.leases, w.expiredLeases,
      formatUtc(w.oldestLeaseAt), count(w.claimsPerMinute), w.lastError ? w.lastError.slice(0, 60) : '—',
    ]),
  ];
  const notes = [
    list.unownedLeases ? `${list.unownedLeases} processing entries record no owner` : '',
    list.truncated ? 'more owners than the list shows' : '',
    list.heartbeats ? '' : 'no POOL_WORKERS table (migration 0008 pending): only owners holding leases are listed',
  ].filter(Boolean);
  return [table(rows), ...notes].join('\n');
}

/** `workers`: workers.list; `workers release OWNER`: workers.release (.preview with --dry-run). */
export const workersCommand: Register = (program, done) => {
  const command = program
    .command('workers')
    .description("every owner: alive, late, dead, stopped or no-heartbeat, with its leases (workers.list); release OWNER: a dead owner's leases back to waiting (workers.release; .preview with --dry-run)")
    .addArgument(new Argument('[action]', 'list (default) or release').choices(['list', 'release']))
    .addArgument(new Argument('[owner]', 'the owner id whose leases to release'))
    .option('--lease-timeout <seconds>', 'a lease older than this counts as expired (default 3600)', integer)
    .option('--force', 'release even though the owner still heartbeats (it may still be working on them)');
  jsonOption(writeOptions(connectionOptions(command))).action((action: 'list' | 'release' | undefined, owner: string | undefined, flags: WorkersFlags) =>
    done(async () => {
      if ((action ?? 'list') === 'list') {
        if (owner !== undefined) throw new PoolError('INVALID_INPUT', `'workers list' takes no owner (got '${owner}'). Run pool-console workers --help.`);
        const input = checkedInput('workers.list', { leaseSeconds: flags.leaseTimeout });
        return withConsole(flags, async (service, out) => {
          const list = await call(service, 'workers.list', input);
          out.result(list, () => renderList(list));
          return EXIT_OK;
        });
      }
      if (owner === undefined) throw new PoolError('INVALID_INPUT', 'Invalid OWNER: name the owner whose leases to release (pool-console workers release OWNER --dry-run).');
      if (flags.dryRun) {
        const input = checkedInput('workers.release.preview', { ownerId: owner });
        return withConsole(flags, async (service, out) => {
          const preview = await call(service, 'workers.release.preview', input);
          out.result({ dryRun: true, ...preview }, () =>
            [
              `dry run: would put ${preview.count} leases of ${preview.ownerId} (${preview.state}) back to waiting`,
              preview.sampleIds.length ? `  first booking ids: ${preview.sampleIds.join(', ')}` : '  it holds no lease',
              preview.allowed ? '' : `  refused without --force: ${preview.refusal}`,
            ].filter(Boolean).join('\n'),
          );
          return EXIT_OK;
        });
      }
      const input = checkedInput('workers.release', { ownerId: owner, reason: flags.reason, force: flags.force });
      return withConsole(flags, async (service, out) => {
        const release = await call(service, 'workers.release', input);
        out.result(release, () => `released ${release.released} leases of ${owner} (${release.preview.state}) back to waiting`);
        return EXIT_OK;
      });
    }),
  );
};
