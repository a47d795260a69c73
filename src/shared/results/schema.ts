import type { PoolStats } from './pool.js';

/* What the migrator, the schema report and the migration overview return. */

export type Direction = 'up' | 'down';

/** A schema object a migration created (and so may drop again); adopted objects are never listed. */
export interface CreatedObject {
  kind: 'column' | 'index' | 'table';
  table: string;
  name: string;
}

/** One statement a migration runs, or (sql null) a note that something already there was adopted. */
export interface SchemaStep {
  summary: string;
  sql: string | null;
  /** Tried when the server refuses `sql` as unsupported (INSTANT → INPLACE). */
  fallbackSql?: string;
  creates?: CreatedObject[];
}

export interface MigrationPlan {
  name: string;
  description: string;
  steps: SchemaStep[];
}

export interface MigrationProgress {
  direction: Direction;
  migration: string;
  /** 1-based position of the migration in this run, and how many the run has. */
  position: number;
  total: number;
  summary: string;
  state: 'started' | 'step' | 'finished';
}

export interface MigrationStatus {
  applied: { name: string; appliedAt: Date; description: string }[];
  pending: { name: string; description: string }[];
}

/** Who holds a named database lock (GET_LOCK), from the server's process list. */
export interface LockHolder {
  /** The holding connection (GET_LOCK); null for a cluster lock row (Galera), which names its owner instead. */
  connectionId: number | null;
  user: string | null;
  host: string | null;
  heldForSeconds: number | null;
  /** A cluster lock's owner (console host, pid and a token) and when it lapses unless renewed (ISO, database clock). */
  owner?: string;
  expiresAt?: string;
}

export interface ServerInfo {
  version: string;
  flavour: 'mariadb' | 'mysql';
  timeZone: string;
  database: string;
}

export interface SchemaReport {
  server: ServerInfo;
  bookingPlan: boolean;
  columns: { name: string; present: boolean; columnType: string | null }[];
  indexes: { name: string; columns: string[]; servedBy: string | null }[];
  tables: { name: string; present: boolean }[];
}

/** How BOOKING_PLAN and the console's tables differ from what the migrations expect. */
export interface SchemaDrift {
  missingColumns: string[];
  missingIndexes: string[];
  missingTables: string[];
  /** POOL_ columns no migration expects. */
  unexpectedColumns: string[];
  /** Indexes on POOL_ columns no migration expects. */
  unexpectedIndexes: { name: string; columns: string[] }[];
}

/** Applied and pending migrations, schema drift, the migration lock's holder and counts by status. */
export interface MigrationOverview extends MigrationStatus {
  lockHolder: LockHolder | null;
  drift: SchemaDrift;
  /** Null when the pool's four core columns (or BOOKING_PLAN) are missing, so nothing can be counted. */
  countsByStatus: PoolStats['byStatus'] | null;
  /** Why countsByStatus is null, naming what is missing; null when counted. */
  countsNote?: string | null;
  /** On a Galera cluster: what running DDL there blocks (total order isolation); absent or null elsewhere. */
  clusterWarning?: string | null;
}
