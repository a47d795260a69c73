import { PoolError } from '../../shared/errors.js';
import type { Database } from '../db/database.js';
import { isMissingTableError, optionalTablePresent, tableWentMissing } from '../schema/table-presence.js';
import { ALERT_EVENTS_TABLE, ALERT_RULES_TABLE } from './alert-model.js';

/* Whether the alert tables (migration 0009) are there: before it, nothing is evaluated and the reads say `available: false`. */

export async function alertsAvailable(db: Database): Promise<boolean> {
  return (await optionalTablePresent(db, ALERT_RULES_TABLE)) && (await optionalTablePresent(db, ALERT_EVENTS_TABLE));
}

export function noAlertTables(nothing: string): PoolError {
  return new PoolError('NO_TABLE', `There are no alert tables (${ALERT_RULES_TABLE}, ${ALERT_EVENTS_TABLE}): migration 0009-pool-alerts is pending; run \`pool-console migrate up\`. ${nothing}`);
}

/**
 * Runs a statement on the alert tables; should one have been dropped since it was seen (a
 * migration down), remembers it absent and answers `absent()` instead of failing.
 */
export async function onAlertTables<T>(db: Database, read: () => Promise<T>, absent: () => T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const table = [ALERT_RULES_TABLE, ALERT_EVENTS_TABLE].find((name) => isMissingTableError(error, name));
    if (!table) throw error;
    tableWentMissing(db, table);
    return absent();
  }
}
