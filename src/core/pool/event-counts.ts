import type { Transaction } from 'sequelize';
import { z } from 'zod';
import { PoolError } from '../../shared/errors.js';
import type { Database } from '../db/database.js';
import { isMissingTableError, optionalTablePresent, tableWentMissing } from '../schema/table-presence.js';
import { POOL_EVENTS, type PoolEvent } from './pool-types.js';

export { POOL_EVENTS, type PoolEvent } from './pool-types.js';

/*
 * Running totals of what happens to entries (migration 0005), so that the Overview can plot
 * entered / claimed / completed / failed per minute: the stats' counts only show net changes.
 */

export const EVENT_COUNTS_TABLE = 'POOL_EVENT_COUNTS';
/**
 * Rows per event. Every claim adds to a counter in its own transaction; with one row per event,
 * concurrent claimers would queue on that row's lock. A random one of 16 rarely collides.
 */
export const EVENT_SHARDS = 16;

const ADD_SQL = `UPDATE ${EVENT_COUNTS_TABLE} SET TOTAL = TOTAL + :n WHERE EVENT = :event AND SHARD = :shard`;
/** Only when the shard's row is gone (someone deleted rows): puts it back, so no event is lost. */
const RESTORE_SQL = `INSERT INTO ${EVENT_COUNTS_TABLE} (EVENT, SHARD, TOTAL) VALUES (:event, :shard, :n) ON DUPLICATE KEY UPDATE TOTAL = TOTAL + :n`;

const eventSchema = z.enum(POOL_EVENTS);
const amountSchema = z.number().int().min(0);

/**
 * Adds `n` to the running total of `event`, inside `transaction` when given (so that the count
 * commits or rolls back with the change it counts). Call it last in a transaction: the counter
 * row's lock is then held only until the commit, and no transaction waits on another's counter
 * while holding a counter itself.
 *
 * On a schema without the table (its migration pending) it counts nothing and the change it
 * follows goes through: the counters are for the charts, the pool must not stop for them. Any
 * other failure is thrown.
 */
export async function countEvent(db: Database, event: PoolEvent, n: number, transaction?: Transaction): Promise<void> {
  const checkedEvent = eventSchema.safeParse(event);
  if (!checkedEvent.success) throw new PoolError('INVALID_INPUT', `Unknown pool event '${String(event)}'; events: ${POOL_EVENTS.join(', ')}.`);
  if (!amountSchema.safeParse(n).success) throw new PoolError('INVALID_INPUT', `An event count must be a whole number ≥ 0; got ${String(n)}.`);
  if (n === 0) return;
  if (!(await optionalTablePresent(db, EVENT_COUNTS_TABLE))) return;
  const replacements = { event, n, shard: Math.floor(Math.random() * EVENT_SHARDS) };
  try {
    const changed = await db.execute('pool.events.count', ADD_SQL, { replacements, transaction });
    if (changed === 0) await db.execute('pool.events.restore-shard', RESTORE_SQL, { replacements, transaction });
  } catch (error) {
    if (!isMissingTableError(error, EVENT_COUNTS_TABLE)) throw error;
    // Dropped since it was seen (a migration down): stop counting until it is back.
    tableWentMissing(db, EVENT_COUNTS_TABLE);
  }
}

/**
 * What each batch of an audited write does in its own transaction after its change: raise the
 * audit row's count, then count the event (last, see countEvent), so both commit with the change.
 */
export async function countedBatch(
  db: Database,
  counter: { add(n: number, transaction: Transaction): Promise<void> } | undefined,
  event: PoolEvent | undefined,
  changed: number,
  transaction: Transaction,
): Promise<void> {
  await counter?.add(changed, transaction);
  if (event) await countEvent(db, event, changed, transaction);
}
