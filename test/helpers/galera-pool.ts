// A migrated pool on a Galera cluster, and claimers spread over its nodes: shared by the cluster
// tests and the Galera bench.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { Database } from '../../src/core/db/database.js';
import { DatabaseBookingPool } from '../../src/core/pool/database-booking-pool.js';
import { PoolMigrator } from '../../src/core/schema/migrator.js';
import type { ConnectionProfile } from '../../src/shared/profile.js';
import { hostSchemaSql } from '../fixtures/host-schema.js';
import type { GaleraCluster } from './galera-cluster.js';
import { insertBookings, poolDirectly } from './pool-database.js';

export interface ClusterPool {
  name: string;
  /** One profile per node, node 1 first. */
  profiles: ConnectionProfile[];
  /** Set-up and checks, on node 1, with causal reads (wsrep_sync_wait). */
  admin: mysql.Connection;
}

/** A new database on the cluster with the bare host schema, migrated through node 1. */
export async function clusterPool(cluster: GaleraCluster): Promise<ClusterPool> {
  const name = `g_${randomBytes(6).toString('hex')}`;
  const profiles = await cluster.createDatabase(name);
  const admin = await mysql.createConnection({ ...profiles[0], multipleStatements: true, timezone: 'Z' });
  // causal reads: checks on node 1 see every claim committed on nodes 2 and 3, applied or not yet
  await admin.query("SET time_zone = '+00:00', wsrep_sync_wait = 1");
  await admin.query(hostSchemaSql('bare'));
  const db = new Database(profiles[0]!);
  try {
    await new PoolMigrator(db).up();
  } finally {
    await db.close();
  }
  return { name, profiles, admin };
}

/** `count` ready entries, inserted on node 1; their ids, read back (Galera steps AUTO_INCREMENT by the cluster size). */
export async function fillPool(admin: mysql.Connection, count: number): Promise<number[]> {
  await insertBookings(admin, { count });
  const [rows] = await admin.query<mysql.RowDataPacket[]>('SELECT BOOKING_ID AS id FROM BOOKING_PLAN WHERE POOL_STATUS IS NULL ORDER BY BOOKING_ID LIMIT ?', [count]);
  const ids = rows.map((row) => Number(row.id));
  for (let offset = 0; offset < ids.length; offset += 5000) {
    await poolDirectly(admin, ids.slice(offset, offset + 5000), { status: 'ready', deadlineHoursFromNow: 24 });
  }
  return ids;
}

export interface ClaimOutcome {
  /** Booking id → the owners that were told they won it. */
  wins: Map<number, string[]>;
  /** Claim calls that failed after their retries (the transaction rolled back: nothing won). */
  failures: string[];
  calls: number;
  ms: number;
}

/**
 * `claimers` claimers, claimer i on profiles[i % profiles.length] (round robin over the nodes),
 * each on its own Database, claiming batches of `limit` until a call comes back empty.
 */
export async function claimUntilEmpty(profiles: ConnectionProfile[], claimers: number, limit: number): Promise<ClaimOutcome> {
  const pools = Array.from({ length: claimers }, (_, i) => new DatabaseBookingPool(new Database(profiles[i % profiles.length]!, { poolMax: 2 })));
  const outcome: ClaimOutcome = { wins: new Map(), failures: [], calls: 0, ms: 0 };
  try {
    await Promise.all(pools.map((pool) => pool.db.ping()));
    const started = performance.now();
    await Promise.all(
      pools.map(async (pool, i) => {
        const owner = `claimer-${i}`;
        for (;;) {
          outcome.calls += 1;
          let batch;
          try {
            batch = await pool.claimBatch({ owner, limit });
          } catch (error) {
            outcome.failures.push(`${owner}: ${(error as Error).message}`);
            if (outcome.failures.length > 100) throw error;
            continue;
          }
          if (batch.length === 0) return;
          for (const entry of batch) outcome.wins.set(entry.bookingId, [...(outcome.wins.get(entry.bookingId) ?? []), owner]);
        }
      }),
    );
    outcome.ms = performance.now() - started;
  } finally {
    await Promise.all(pools.map((pool) => pool.db.close()));
  }
  return outcome;
}
