import { z } from 'zod';
import { PoolError } from '../../shared/errors.js';
import { type WorkerInfo, type WorkerList, type WorkerState } from '../../shared/results/workers.js';
import type { Database } from '../db/database.js';
import { modelQuery, named } from '../db/model-query.js';
import { expiredLeaseSql, heldLeaseSql } from '../pool/conditions.js';
import { ALL_POOL_COLUMNS, hasColumn, requirePoolColumns, type PoolColumns } from '../schema/pool-columns.js';
import { isMissingTableError, optionalTablePresent, tableWentMissing } from '../schema/table-presence.js';
import { WORKERS_TABLE, workerModel, type WorkerRow } from './worker-model.js';

export type { WorkerInfo, WorkerList, WorkerState } from '../../shared/results/workers.js';

/** Heartbeat age (in the worker's own intervals) up to which it is alive: a beat may be a little late on a busy host. */
export const ALIVE_INTERVALS = 1.5;
/** Past three intervals without a heartbeat (three missed beats) a worker is dead. */
export const DEAD_INTERVALS = 3;
/** Owners listed at most (heartbeat rows, and owners holding leases, each). */
export const WORKER_LIST_BOUND = 1000;

/** Alive, late, dead or stopped, by the heartbeat's age on the database clock. */
export function judgeWorker(row: { heartbeatAt: Date; heartbeatIntervalMs: number; stoppedAt: Date | null }, now: Date): WorkerState {
  if (row.stoppedAt) return 'stopped';
  const age = now.getTime() - row.heartbeatAt.getTime();
  if (age <= ALIVE_INTERVALS * row.heartbeatIntervalMs) return 'alive';
  return age <= DEAD_INTERVALS * row.heartbeatIntervalMs ? 'late' : 'dead';
}

/**
 * The leases each owner holds (held = live + expired, conditions.ts): count, how many expired, the
 * oldest claim; the NULL owner is the processing entries nobody is recorded for. Replacements
 * :leaseSeconds, :limit.
 */
export function workerLeasesSql(columns: PoolColumns = ALL_POOL_COLUMNS): string {
  return `SELECT POOL_CLAIMED_BY AS owner, COUNT(*) AS leases, SUM(${expiredLeaseSql(columns, { seconds: ':leaseSeconds' })}) AS expired,
                 MIN(POOL_CLAIMED_AT) AS oldest
            FROM BOOKING_PLAN WHERE ${heldLeaseSql()}
           GROUP BY POOL_CLAIMED_BY ORDER BY leases DESC LIMIT :limit`;
}

const optionsSchema = z.object({
  /** The lease timeout the expired-lease count uses (as reset-stuck's olderThanSeconds). */
  leaseSeconds: z.number().int().min(1).default(3600),
});

interface LeaseRow {
  owner: string | null;
  leases: number | string;
  expired: number | string | null;
  oldest: Date | null;
}

const RANK: Record<WorkerState, number> = { dead: 0, 'no-heartbeat': 1, late: 2, alive: 3, stopped: 4 };

/**
 * Every owner: the registered workers (POOL_WORKERS) judged alive / late / dead / stopped by their
 * heartbeat, and every owner holding leases in BOOKING_PLAN, those that never heartbeat included
 * ('no-heartbeat', known from POOL_CLAIMED_BY alone). Dead and unknown owners first, most leases first.
 */
export async function listWorkers(db: Database, options: z.input<typeof optionsSchema> = {}): Promise<WorkerList> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new PoolError('INVALID_INPUT', `Invalid leaseSeconds: ${parsed.error.issues[0]?.message ?? 'rejected'}.`);
  const { leaseSeconds } = parsed.data;
  const columns = await requirePoolColumns(db);
  const [clock] = await db.select<{ now: Date }>('workers.clock', 'SELECT UTC_TIMESTAMP(3) AS now');
  const now = clock?.now ?? new Date();
  const rows = await readWorkerRows(db);
  // Without POOL_CLAIMED_BY (migration 0003 pending) no lease has a known owner.
  const leases = hasColumn(columns, 'POOL_CLAIMED_BY')
    ? await db.select<LeaseRow>('workers.leases', workerLeasesSql(columns), { replacements: { leaseSeconds, limit: WORKER_LIST_BOUND + 1 } })
    : [];
  const byOwner = new Map(leases.filter((lease) => lease.owner !== null).map((lease) => [lease.owner!, lease]));
  const workers: WorkerInfo[] = (rows ?? []).slice(0, WORKER_LIST_BOUND).map((row) => toInfo(row, byOwner.get(row.ownerId), now));
  const registered = new Set(workers.map((worker) => worker.ownerId));
  for (const lease of byOwner.values()) {
    if (!registered.has(lease.owner!)) workers.push(unregistered(lease));
  }
  workers.sort((a, b) => RANK[a.state] - RANK[b.state] || b.leases - a.leases || a.ownerId.localeCompare(b.ownerId));
  const unowned = leases.find((lease) => lease.owner === null);
  return {
    measuredAt: now,
    heartbeats: rows !== null,
    workers,
    unownedLeases: Number(unowned?.leases ?? 0),
    truncated: (rows?.length ?? 0) > WORKER_LIST_BOUND || leases.length > WORKER_LIST_BOUND,
  };
}

/** The heartbeat rows, freshest first; null before migration 0008. */
async function readWorkerRows(db: Database): Promise<WorkerRow[] | null> {
  if (!(await optionalTablePresent(db, WORKERS_TABLE))) return null;
  try {
    return await modelQuery(db, () => workerModel(db).findAll({ order: [['heartbeatAt', 'DESC']], limit: WORKER_LIST_BOUND + 1, ...named('workers.list') }));
  } catch (error) {
    if (!isMissingTableError(error, WORKERS_TABLE)) throw error;
    tableWentMissing(db, WORKERS_TABLE);
    return null;
  }
}

function leaseFigures(lease: LeaseRow | undefined) {
  return { leases: Number(lease?.leases ?? 0), expiredLeases: Number(lease?.expired ?? 0), oldestLeaseAt: lease?.oldest ?? null };
}

function toInfo(row: WorkerRow, lease: LeaseRow | undefined, now: Date): WorkerInfo {
  return {
    ownerId: row.ownerId,
    state: judgeWorker(row, now),
    host: row.host,
    pid: row.pid === null ? null : Number(row.pid),
    version: row.version,
    startedAt: row.startedAt,
    heartbeatAt: row.heartbeatAt,
    heartbeatAgeMs: Math.max(0, now.getTime() - row.heartbeatAt.getTime()),
    heartbeatIntervalMs: Number(row.heartbeatIntervalMs),
    ...leaseFigures(lease),
    claims: Number(row.claims),
    completes: Number(row.completes),
    fails: Number(row.fails),
    claimsPerMinute: row.claimsPerMinute === null ? null : Number(row.claimsPerMinute),
    lastError: row.lastError,
    lastErrorAt: row.lastErrorAt,
  };
}

function unregistered(lease: LeaseRow): WorkerInfo {
  return {
    ownerId: lease.owner!,
    state: 'no-heartbeat',
    host: null,
    pid: null,
    version: null,
    startedAt: null,
    heartbeatAt: null,
    heartbeatAgeMs: null,
    heartbeatIntervalMs: null,
    ...leaseFigures(lease),
    claims: null,
    completes: null,
    fails: null,
    claimsPerMinute: null,
    lastError: null,
    lastErrorAt: null,
  };
}

/** One owner's state now (no row: 'no-heartbeat'), for the release's check. */
export async function ownerState(db: Database, ownerId: string): Promise<{ state: WorkerState; row: WorkerRow | null; now: Date }> {
  const [clock] = await db.select<{ now: Date }>('workers.clock', 'SELECT UTC_TIMESTAMP(3) AS now');
  const now = clock?.now ?? new Date();
  if (!(await optionalTablePresent(db, WORKERS_TABLE))) return { state: 'no-heartbeat', row: null, now };
  const row = await modelQuery(db, () => workerModel(db).findByPk(ownerId, named('workers.owner')));
  return { state: row ? judgeWorker(row, now) : 'no-heartbeat', row, now };
}

