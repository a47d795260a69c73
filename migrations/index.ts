import type { PoolMigration } from '../src/core/schema/migration-kit.js';
import poolColumns from './0001-pool-columns.js';
import leaseColumns from './0002-pool-lease-columns.js';
import poolIndexes from './0003-pool-indexes.js';
import auditLog from './0004-audit-log.js';

/** Every migration in order; a static list so the built app and the tests run the same ones. */
export const MIGRATIONS: readonly PoolMigration[] = [poolColumns, leaseColumns, poolIndexes, auditLog];
