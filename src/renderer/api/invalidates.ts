import { OPERATIONS, type OperationName } from '../../shared/contract';

/** What the pool's contents feed: every read that counts or lists entries, or judges them. */
const POOL_READS = [
  'pool.stats', 'entries.list', 'entries.detail', 'audit.list', 'system.status', 'system.validate', 'migrations.status',
  'maintenance.cleanup.preview', 'maintenance.validate', 'maintenance.retryFailed.preview', 'maintenance.resetStuck.preview',
  'entries.bulk.preview',
  // the leases each owner holds
  'workers.list', 'workers.release.preview',
] as const satisfies readonly OperationName[];

/** What a pause or resume changes: the switch itself, the health verdict that reports it, the audit. */
const PAUSE_READS = ['pool.pauseState', 'system.status', 'audit.list'] as const satisfies readonly OperationName[];

/** Every answer may be stale: the schema or the database itself changed. */
const EVERYTHING = 'everything';

/**
 * The one place that says which answers each write makes stale: after the write settles (done,
 * failed or cancelled: a stopped write may have changed part of what it meant to), those reads are
 * fetched again wherever they are shown. A write not listed here makes everything stale (safe for
 * a new operation); a read or an on-demand check (previews, connection.test) makes nothing stale.
 */
export const INVALIDATES: Partial<Record<OperationName, readonly OperationName[] | typeof EVERYTHING>> = {
  'profiles.save': ['profiles.list', 'connection.current'],
  'profiles.delete': ['profiles.list', 'connection.current'],
  'profiles.setPassword': ['profiles.list', 'connection.current'],
  'connection.connect': EVERYTHING,
  'connection.disconnect': EVERYTHING,

  'entries.retry': POOL_READS,
  'entries.reset': POOL_READS,
  'entries.remove': POOL_READS,
  'entries.bulk.apply': POOL_READS,
  'maintenance.cleanup.apply': POOL_READS,
  'maintenance.retryFailed': POOL_READS,
  'maintenance.resetStuck': POOL_READS,
  'import.apply': POOL_READS,
  'workers.release': POOL_READS,

  'alerts.rules.update': ['alerts.overview', 'audit.list'],

  'pool.pause': PAUSE_READS,
  'pool.resume': PAUSE_READS,

  'migrations.up': EVERYTHING,
  'migrations.down': EVERYTHING,
  'indexes.ensure.apply': EVERYTHING,
};

/** The operations whose answers `name` makes stale: 'everything', or a list (empty for reads). */
export function staleAfter(name: OperationName): readonly OperationName[] | typeof EVERYTHING {
  return INVALIDATES[name] ?? (OPERATIONS[name].writes ? EVERYTHING : []);
}
