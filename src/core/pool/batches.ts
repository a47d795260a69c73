import type { Database } from '../db/database.js';

export const BATCH_SIZE = 1000;

interface BatchOptions {
  limit?: number;
  progress?: { affectedRows: number };
  onBatch?: (total: number) => void;
  /**
   * Awaited after each batch with the rows that batch changed (its statement has committed and
   * `progress` already counts them): countEvent, so that the event totals follow every batch.
   */
  afterBatch?: (changed: number) => Promise<void>;
}

/**
 * Runs `step` for batches of at most BATCH_SIZE rows until a batch comes back short, or until
 * `limit` rows changed. Each step commits on its own, so none holds thousands of row locks for
 * long; the running total is kept in `progress` so a failure half-way can still be reported.
 */
async function inBatches(step: (batch: number) => Promise<{ changed: number; full: boolean }>, options: BatchOptions): Promise<number> {
  const progress = options.progress ?? { affectedRows: 0 };
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let total = 0;
  for (;;) {
    const batch = Math.min(BATCH_SIZE, limit - total);
    if (batch <= 0) return total;
    const { changed, full } = await step(batch);
    total += changed;
    progress.affectedRows = total;
    options.onBatch?.(total);
    await options.afterBatch?.(changed);
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
  return inBatches(async (batch) => {
    const changed = await db.execute(queryName, sql, { replacements: { ...replacements, batch } });
    return { changed, full: changed === batch };
  }, options);
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
  return inBatches(async (batch) => {
    const rows = await db.select<{ id: number }>(`${queryName}.ids`, statements.selectIds, { replacements: { ...replacements, batch } });
    if (rows.length === 0) return { changed: 0, full: false };
    const changed = await db.execute(queryName, statements.updateIds, { replacements: { ...replacements, ids: rows.map((row) => row.id) } });
    return { changed, full: rows.length === batch };
  }, options);
}
