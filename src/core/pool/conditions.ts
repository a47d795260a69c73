import type { LeaseBasis } from '../../shared/results/pool.js';
import { hasColumn, type PoolColumns } from '../schema/pool-columns.js';

/*
 * The pool's conditions, each defined once. Stats, entry lists, previews, cleanup rules, applies
 * and the health banner all build their WHERE from these, so every page counts the same rows for
 * the same instant. `now` is an SQL expression for the database clock (UTC_TIMESTAMP(), or a
 * placeholder such as :now read once per run); `seconds` / `maxAttempts` are placeholders.
 */

/** Eligible for a claim: `ready`, or `waiting` with the deadline passed. */
export function eligibleSql(now = 'UTC_TIMESTAMP()'): string {
  return `(POOL_STATUS = 'ready' OR (POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME <= ${now}))`;
}

/** Overdue: the deadline has passed (strictly) and nobody is processing the entry. */
export function overdueSql(now = 'UTC_TIMESTAMP()'): string {
  return `(POOL_STATUS IN ('waiting', 'ready', 'failed') AND POOL_DEADLINE_TIME < ${now})`;
}

/**
 * What an expired lease is judged by: the claim time (POOL_CLAIMED_AT, migration 0003), or —
 * on a host schema without it — the entry time, as the first implementation judged stuck entries.
 */
export type { LeaseBasis } from '../../shared/results/pool.js';

export function leaseBasis(columns: PoolColumns): LeaseBasis {
  return hasColumn(columns, 'POOL_CLAIMED_AT') ? 'claim-time' : 'entry-time';
}

const leaseTime = (columns: PoolColumns) => (leaseBasis(columns) === 'claim-time' ? 'POOL_CLAIMED_AT' : 'POOL_ENTRY_TIME');

/**
 * A held lease: a processing entry, held by its POOL_CLAIMED_BY. Every held lease is either live or
 * expired (below); the Workers list counts an owner's leases by this.
 */
export function heldLeaseSql(): string {
  return `(POOL_STATUS = 'processing')`;
}

/**
 * Expired lease ("stuck"): a processing entry whose lease time is missing or older than `seconds`.
 * Its worker probably died. Reset-stuck, its preview, the stats and the banner all count this.
 */
export function expiredLeaseSql(columns: PoolColumns, options: { now?: string; seconds: string }): string {
  const time = leaseTime(columns);
  return `(POOL_STATUS = 'processing' AND (${time} IS NULL OR ${time} < ${options.now ?? 'UTC_TIMESTAMP()'} - INTERVAL ${options.seconds} SECOND))`;
}

/** A processing entry under a live lease: exactly the processing entries that are not expired. */
export function liveLeaseSql(columns: PoolColumns, options: { now?: string; seconds: string }): string {
  const time = leaseTime(columns);
  return `(POOL_STATUS = 'processing' AND ${time} IS NOT NULL AND ${time} >= ${options.now ?? 'UTC_TIMESTAMP()'} - INTERVAL ${options.seconds} SECOND)`;
}

/** Failed at max attempts: failed, and the attempts reached the limit; retry-failed leaves these. */
export function failedAtMaxSql(maxAttempts: string): string {
  return `(POOL_STATUS = 'failed' AND COALESCE(POOL_PROCESSING_ATTEMPTS, 0) >= ${maxAttempts})`;
}

/** Retriable: failed under the attempt limit; retry-failed moves exactly these (the complement of failedAtMax among failed). */
export function retriableFailedSql(maxAttempts: string): string {
  return `(POOL_STATUS = 'failed' AND COALESCE(POOL_PROCESSING_ATTEMPTS, 0) < ${maxAttempts})`;
}

/** One line naming what an expired lease means on this schema, for the banner, the CLI and the UI. */
export function describeExpiredLease(basis: LeaseBasis, seconds: number): string {
  return basis === 'claim-time'
    ? `processing entries claimed more than ${seconds} s ago, or with no claim time`
    : `processing entries that entered the pool more than ${seconds} s ago (judged by entry time: the lease column POOL_CLAIMED_AT arrives with the migrations)`;
}
