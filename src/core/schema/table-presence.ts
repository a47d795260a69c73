import { PoolError } from '../../shared/errors.js';
import type { Database } from '../db/database.js';
import { tableExists } from './introspect.js';

/*
 * Whether an optional table of the console's is there, remembered per Database, for statements
 * that must keep working on a schema migrated by an older console (the table's migration pending).
 * Asking information_schema before every claim would double the claim's round trips; asking once
 * is enough while the answer is "present" (should the table be dropped later, the next statement
 * on it fails with NO_TABLE and the caller calls tableWentMissing). "Absent" is asked again after
 * a while, so that a migration run by another console is noticed without a restart; the migrator
 * forgets the answers of its own Database when it changes the schema.
 */

/** How long "absent" is believed before information_schema is asked again. */
export const ABSENT_RECHECK_MS = 30_000;

interface Presence {
  asking: Promise<boolean>;
  answer?: boolean;
  /** Date.now() when the answer came. */
  answeredAt?: number;
}

const known = new WeakMap<Database, Map<string, Presence>>();

function tablesOf(db: Database): Map<string, Presence> {
  let tables = known.get(db);
  if (!tables) {
    tables = new Map();
    known.set(db, tables);
  }
  return tables;
}

/** Whether `table` exists, from memory when it can be. A failed look-up is thrown, not remembered. */
export async function optionalTablePresent(db: Database, table: string): Promise<boolean> {
  const tables = tablesOf(db);
  const held = tables.get(table);
  const recheck = held?.answer === false && Date.now() - (held.answeredAt ?? 0) >= ABSENT_RECHECK_MS;
  if (held && !recheck) return held.asking;
  const presence: Presence = {
    asking: tableExists(db, table).then(
      (present) => {
        Object.assign(presence, { answer: present, answeredAt: Date.now() });
        return present;
      },
      (error: unknown) => {
        if (tables.get(table) === presence) tables.delete(table);
        throw error;
      },
    ),
  };
  tables.set(table, presence);
  return presence.asking;
}

/** A statement found `table` missing: believe "absent" (until the re-check) from now on. */
export function tableWentMissing(db: Database, table: string): void {
  tablesOf(db).set(table, { asking: Promise.resolve(false), answer: false, answeredAt: Date.now() });
}

/** Forget every answer for this Database: its schema just changed (a migration ran). */
export function forgetTablePresence(db: Database): void {
  known.delete(db);
}

/**
 * True for the NO_TABLE error of a statement on `table` (and not of one on another table, which
 * is a real failure). The server names the missing table as 'database.TABLE'.
 */
export function isMissingTableError(error: unknown, table: string): boolean {
  return error instanceof PoolError && error.code === 'NO_TABLE' && error.message.toLowerCase().includes(`.${table.toLowerCase()}'`);
}
