import type { Database } from '../db/database.js';
import { isGalera } from '../db/galera.js';

/**
 * What a migration costs on a Galera cluster: DDL is replicated in total order isolation (TOI), i.e.
 * run on every node at the same point in the cluster's order, and while it runs no write to that
 * table commits on any node. ALGORITHM=INSTANT/INPLACE, LOCK=NONE keeps it short; it does not make
 * it a local affair.
 */
export const GALERA_DDL_WARNING =
  'This database is a Galera cluster: each migration step (DDL) runs in total order isolation (TOI) on every node at once. ' +
  'While a step runs, writes to its table wait on all nodes (claims and completions on BOOKING_PLAN included), and commits queued behind it on other tables wait too. ' +
  'Run migrations when the pool is quiet, or pause claiming first.';

/** The warning for this database, or null when it is not a Galera node. */
export async function galeraDdlWarning(db: Database): Promise<string | null> {
  return (await isGalera(db)) ? GALERA_DDL_WARNING : null;
}
