import { z } from 'zod';
import { PoolError } from '../../shared/errors.js';
import type { LeaseRelease, LeaseReleasePreview, WorkerState } from '../../shared/results/workers.js';
import { AuditLog } from '../audit/audit-log.js';
import type { Database } from '../db/database.js';
import { updateByIdInBatches } from '../pool/batches.js';
import { heldLeaseSql } from '../pool/conditions.js';
import { countedBatch } from '../pool/event-counts.js';
import { ownerSchema } from '../pool/pool-types.js';
import { hasColumn, noPoolColumns, requirePoolColumns } from '../schema/pool-columns.js';
import { DEAD_INTERVALS, ownerState } from './worker-list.js';

export type { LeaseRelease, LeaseReleasePreview } from '../../shared/results/workers.js';

/*
 * Releasing a dead worker's leases now, instead of waiting for the lease timeout: its processing
 * entries go back to waiting (claimable again), the lease cleared, attempts kept, as reset-stuck
 * does. Previewed, audited, in batches; refused for a worker that still heartbeats unless forced.
 */

/** The owner's held leases (conditions.ts); replacement :ownerId. */
const OWNER_LEASES = `${heldLeaseSql()} AND POOL_CLAIMED_BY = :ownerId`;
/** One batch's ids; replacements :ownerId, :batch. Served by idx_pool_lease's processing range. */
export const OWNER_LEASE_IDS_SQL = `SELECT BOOKING_ID AS id FROM BOOKING_PLAN WHERE ${OWNER_LEASES} LIMIT :batch`;
/** Back to waiting, the lease released; re-checks that the owner still holds it. */
const RELEASE_BY_ID_SQL = `UPDATE BOOKING_PLAN SET POOL_STATUS = 'waiting', POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL
  WHERE BOOKING_ID IN (:ids) AND ${OWNER_LEASES}`;
const SAMPLE_SIZE = 20;

/** A release without `force` is for owners that no longer work: dead, stopped, or never heartbeat. */
const RELEASABLE: readonly WorkerState[] = ['dead', 'stopped', 'no-heartbeat'];

const inputSchema = z.object({
  ownerId: ownerSchema,
  /** Preview only: count and sample, nothing changed, no reason needed. */
  dryRun: z.boolean().default(false),
  /** Release even though the owner still heartbeats (alive or late): it may still be working on them. */
  force: z.boolean().default(false),
  reason: z.string().optional(),
  actor: z.string().trim().min(1).max(255).optional(),
});

export type ReleaseLeasesInput = z.input<typeof inputSchema>;

/**
 * The owner's leases put back to waiting. With `dryRun` only the preview (count, sample ids,
 * whether allowed); otherwise audited ('workers.release-leases', reason required), in batches,
 * refused with CONFLICT for an alive or late worker unless `force`.
 */
export async function releaseWorkerLeases(db: Database, input: ReleaseLeasesInput): Promise<LeaseRelease> {
  const parsed = inputSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PoolError('INVALID_INPUT', `Invalid ${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'rejected'}. Nothing was changed.`);
  }
  const o = parsed.data;
  const columns = await requirePoolColumns(db);
  if (!hasColumn(columns, 'POOL_CLAIMED_BY')) throw noPoolColumns(db.profile.database, ['POOL_CLAIMED_BY']);
  const preview = await previewRelease(db, o.ownerId);
  if (o.dryRun) return { dryRun: true, preview, released: 0 };
  if (!preview.allowed && !o.force) throw new PoolError('CONFLICT', `${preview.refusal} Nothing was changed.`, { ownerId: o.ownerId, state: preview.state });
  const released = await new AuditLog(db).audited(
    'workers.release-leases',
    { context: { actor: o.actor, reason: o.reason }, parameters: { ownerId: o.ownerId, state: preview.state, force: o.force, previewed: preview.count } },
    (counter) =>
      updateByIdInBatches(db, 'workers.release-leases', { selectIds: OWNER_LEASE_IDS_SQL, updateIds: RELEASE_BY_ID_SQL }, { ownerId: o.ownerId }, {
        inBatch: (changed, transaction) => countedBatch(db, counter, 'reset', changed, transaction),
      }),
  );
  return { dryRun: false, preview, released };
}

/** The owner's state, and its leases' count and first ids from one snapshot. */
async function previewRelease(db: Database, ownerId: string): Promise<LeaseReleasePreview> {
  const { state, row } = await ownerState(db, ownerId);
  const found = await db.transaction(async (transaction) => {
    const [counted] = await db.select<{ now: Date; n: number | string }>(
      'workers.release-leases.count',
      `SELECT UTC_TIMESTAMP(3) AS now, (SELECT COUNT(*) FROM BOOKING_PLAN WHERE ${OWNER_LEASES}) AS n`,
      { replacements: { ownerId }, transaction },
    );
    const sample = await db.select<{ id: number | string }>(
      'workers.release-leases.sample',
      `SELECT BOOKING_ID AS id FROM BOOKING_PLAN WHERE ${OWNER_LEASES} ORDER BY BOOKING_ID LIMIT ${SAMPLE_SIZE}`,
      { replacements: { ownerId }, transaction },
    );
    return { measuredAt: counted?.now ?? new Date(), count: Number(counted?.n ?? 0), sampleIds: sample.map((entry) => Number(entry.id)) };
  });
  const allowed = RELEASABLE.includes(state);
  const refusal = allowed
    ? null
    : `Worker ${ownerId} is ${state} (last heartbeat ${Math.round((found.measuredAt.getTime() - (row?.heartbeatAt.getTime() ?? 0)) / 100) / 10} s ago, every ${(row?.heartbeatIntervalMs ?? 0) / 1000} s): ` +
      `it may still be working on its leases, and releasing them could let two workers process the same booking. ` +
      `Stop it, or wait until it shows dead (no heartbeat for ${DEAD_INTERVALS} intervals), or force the release.`;
  return { ownerId, state, ...found, allowed, refusal };
}
