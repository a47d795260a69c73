import type { Transaction } from 'sequelize';
import type { Database } from '../db/database.js';
import { stopIfCancelled } from '../audit/cancel.js';

export const BATCH_SIZE = 1000;

interface BatchOptions {
  limit?: number;
  onBatch?: (total: number) => void;
  /**
   * Runs inside each batch's transaction, after its change, with the rows it changed: the event
   * count and the audit row's count, so that they commit (or roll back) with the change itself.
   */
  inBatch?: (changed: number, transaction: Transaction) => Promise<void>;
  /** The caller's cancel: looked at before each batch, so a cancelled run stops with its batches committed (CANCELLED). */
  signal?: AbortSignal;
}

/**
 * Runs `step` for batches of at most BATCH_SIZE rows until a batch comes back short, or until
 * `limit` rows changed. Each batch is one transaction (its change and what counts it), so none
 * holds thousands of row locks for long and a run killed between batches has counted exactly
 * what it committed. A cancel (`signal`) is honoured at the same boundary: before the next batch.
 */
async function inBatches(
  db: Database,
  step: (batch: number, transaction: Transaction) => Promise<{ changed: number; full: boolean }>,
  options: BatchOptions,
): Promise<number> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let total = 0;
  for (;;) {
    const batch = Math.min(BATCH_SIZE, limit - total);
    if (batch <= 0) return total;
    stopIfCancelled(options.signal);
    const { changed, full } = await db.transaction(async (transaction) => {
      const stepped = await step(batch, transaction);
      await options.inBatch?.(stepped.changed, transaction);
      return stepped;
    });
    total += changed;
    options.onBatch?.(total);
    if (!full) return total;
  }
}

/** Repeats a bounded UPDATE (`… LIMIT :batch`) until it changes fewer rows than a batch. */
export async function updateInBatches(
  db: Database,
  queryName: string,
  sql: string,
  replacements: Record<string, unknown>,
  options: BatchOptions = {},
): Promise<number> {
  return inBatches(
    db,
    async (batch, transaction) => {
      const changed = await db.execute(queryName, sql, { replacements: { ...replacements, batch }, transaction });
      return { changed, full: changed === batch };
    },
    options,
  );
}

/**
 * Like updateInBatches, but each batch first reads the ids through an index that covers the
 * condition, then updates those rows by primary key (re-checking the condition). A plain
 * `UPDATE … LIMIT` let MySQL walk a wider index and re-read every row it had already skipped.
 */
export async function updateByIdInBatches(
  db: Database,
  queryName: string,
  statements: { selectIds: string; updateIds: string },
  replacements: Record<string, unknown>,
  options: BatchOptions = {},
): Promise<number> {
  return inBatches(
    db,
    async (batch, transaction) => {
      const rows = await db.select<{ id: number }>(`${queryName}.ids`, statements.selectIds, { replacements: { ...replacements, batch }, transaction });
      if (rows.length === 0) return { changed: 0, full: false };
      const changed = await db.execute(queryName, statements.updateIds, { replacements: { ...replacements, ids: rows.map((row) => row.id) }, transaction });
      return { changed, full: rows.length === batch };
    },
    options,
  );
}
