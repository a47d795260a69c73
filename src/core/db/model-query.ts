import { classifyError } from './classify-error.js';
import type { Database } from './database.js';

/**
 * Options that name a model call for the latency chart (Database's logging reads `queryName`);
 * spread them into a model method's options. Typed `object` because Sequelize's option types do
 * not list our own keys.
 */
export function named(queryName: string): object {
  return { queryName };
}

/** Runs a Sequelize model call; a failure comes out classified, as from Database.select/execute. */
export async function modelQuery<T>(db: Database, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyError(error, db.target);
  }
}
