import type { Transaction } from 'sequelize';
import type { Database } from '../db/database.js';
import { LEAVE_PAUSED_MODES } from '../control/claim-gate.js';
import { ALL_POOL_COLUMNS } from '../schema/pool-columns.js';
import { entryColumnsSql } from './entry-columns.js';
import type { PoolEntry } from './pool-types.js';

/*
 * The claim's locking read on a Galera cluster. SKIP LOCKED skips rows locked on this node only,
 * and a range scan FOR UPDATE also takes gap locks on idx_pool_claim: a claim committed on another
 * node, applied here, then aborts every local claim whose scan touched its rows or gaps (1213),
 * whether or not they wanted the same entries. So on Galera the claim
 *   1. reads candidate ids without locking, from a random offset near the head of the pool (8 ×
 *      limit on the first try, 16 × limit on a retry), so claimers on different nodes mostly pick
 *      different entries; claim order then holds to within those few batches;
 *   2. locks only those rows, by primary key (no gap locks), re-checking that they are eligible.
 * Rows another claimer took meanwhile are skipped; if all were taken, the whole claim is retried
 * (a new transaction reads a new snapshot). A claim that loses certification at COMMIT is retried
 * by Database.transaction; the caller is told its entries only after a COMMIT succeeded.
 */

/** The claim's order, as the single-server claim (database-booking-pool.ts) reads it. */
const ORDER = 'ORDER BY POOL_DEADLINE_TIME, POOL_ENTRY_TIME, BOOKING_ID';
const ELIGIBLE_AT_NOW = `(POOL_STATUS = 'ready' OR (POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME <= :now))`;
const HALVES = [`POOL_STATUS = 'ready'`, `POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME <= :now`] as const;

function filters(byMode: boolean, leavePaused: boolean): string {
  return `${byMode ? ' AND POOL_MODE = :mode' : ''}${leavePaused ? ` AND ${LEAVE_PAUSED_MODES}` : ''}`;
}

/** One half's candidate ids, not locked; replacements :limit, :offset, :now (:mode, :pausedModes). */
export function galeraCandidatesSql(half: string, byMode: boolean, leavePaused = false): string {
  return `SELECT BOOKING_ID AS id FROM BOOKING_PLAN WHERE ${half}${filters(byMode, leavePaused)} ${ORDER} LIMIT :limit OFFSET :offset`;
}

/** Locks the candidates still eligible, by primary key; replacements :ids, :now (:mode, :pausedModes). */
export function galeraLockByIdsSql(byMode: boolean, leavePaused = false): string {
  return `SELECT ${entryColumnsSql(ALL_POOL_COLUMNS)} FROM BOOKING_PLAN
           WHERE BOOKING_ID IN (:ids) AND ${ELIGIBLE_AT_NOW}${filters(byMode, leavePaused)}
           FOR UPDATE SKIP LOCKED`;
}

/** Where a claim's candidate read starts: random within the first 8 (retry: 16) batches. */
export function galeraClaimOffset(attempt: number, limit: number, random: () => number = Math.random): number {
  return Math.floor(random() * (attempt <= 1 ? 8 : 16) * limit);
}

/** Every candidate was claimed by someone else between the read and the lock: retried as a whole. */
export class ClaimCandidatesTaken extends Error {
  readonly code = 'POOL_CLAIM_RACE';
  constructor() {
    super('Every entry this claim picked was claimed on another node first; the claim is retried.');
  }
}

export interface GaleraClaimOptions {
  limit: number;
  now: Date;
  mode?: string;
  byMode: boolean;
  pausedModes: string[];
  leavePaused: boolean;
  /** Which try of the claim's transaction this is, from 1. */
  attempt: number;
}

export async function lockGaleraClaim(db: Database, transaction: Transaction, options: GaleraClaimOptions): Promise<PoolEntry[]> {
  const { limit, now, mode, pausedModes, byMode, leavePaused } = options;
  const candidates = async (offset: number): Promise<number[]> => {
    const ids: number[] = [];
    for (const half of HALVES) {
      const rows = await db.select<{ id: number }>('pool.claim.candidates', galeraCandidatesSql(half, byMode, leavePaused), {
        replacements: { limit, offset, now, mode, pausedModes },
        transaction,
      });
      ids.push(...rows.map((row) => Number(row.id)));
    }
    return ids;
  };
  const offset = galeraClaimOffset(options.attempt, limit);
  let ids = await candidates(offset);
  // fewer eligible entries than the offset is not "nothing to claim": read from the head
  if (ids.length === 0 && offset > 0) ids = await candidates(0);
  if (ids.length === 0) return [];
  const locked = await db.select<PoolEntry>('pool.claim.lock-ids', galeraLockByIdsSql(byMode, leavePaused), {
    replacements: { ids, now, mode, pausedModes },
    transaction,
  });
  if (locked.length === 0) throw new ClaimCandidatesTaken();
  return locked;
}
