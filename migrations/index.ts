import type { PoolMigration } from '../src/core/schema/migration-kit.js';
import auditLog from './0001-audit-log.js';
import poolColumns from './0002-pool-columns.js';
import leaseColumns from './0003-pool-lease-columns.js';
import poolIndexes from './0004-pool-indexes.js';
import eventCounts from './0005-pool-event-counts.js';
import poolMetrics from './0006-pool-metrics.js';
import poolControl from './0007-pool-control.js';
import poolWorkers from './0008-pool-workers.js';
import poolAlerts from './0009-pool-alerts.js';
import poolLocks from './0010-pool-locks.js';
import searchIndexes from './0011-search-indexes.js';

/**
 * Every migration in order; a static list so the built app and the tests run the same ones.
 * The audit table comes first so that reverting pool changes never touches the audit history;
 * the event counters, the history (POOL_METRICS), the pause control, the worker heartbeats, the alerts
 * and the cluster lock rows come last, so that reverting only them leaves the pool itself as it was.
 * The search indexes (0011) come after them: reverting them leaves every table and the pool's own indexes.
 */
export const MIGRATIONS: readonly PoolMigration[] = [auditLog, poolColumns, leaseColumns, poolIndexes, eventCounts, poolMetrics, poolControl, poolWorkers, poolAlerts, poolLocks, searchIndexes];
