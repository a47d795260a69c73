import { PoolError } from '../../shared/errors.js';
import type { Database } from '../db/database.js';
import { listColumns, tableExists } from './introspect.js';

/*
 * Which of the pool's columns BOOKING_PLAN has, remembered per Database. A host database on day
 * one has the four pool columns (or none) and lacks the lease, mode and error columns until our
 * migrations run: every read builds its SQL from this instead of failing on an unknown column.
 * Asked once per connection; "incomplete" is asked again after a while (another console may have
 * migrated meanwhile), and the migrator forgets the answer when it changes the schema.
 */

/** The four columns the summary defines: without them nothing about the pool can be read. */
export const CORE_POOL_COLUMNS = ['POOL_STATUS', 'POOL_ENTRY_TIME', 'POOL_DEADLINE_TIME', 'POOL_PROCESSING_ATTEMPTS'] as const;
/** Added by migration 0003: without them the pool still works, with less to say. */
export const LATER_POOL_COLUMNS = ['POOL_MODE', 'POOL_CLAIMED_BY', 'POOL_CLAIMED_AT', 'POOL_LAST_ERROR'] as const;
export type PoolColumnName = (typeof CORE_POOL_COLUMNS)[number] | (typeof LATER_POOL_COLUMNS)[number];

export interface PoolColumns {
  /** BOOKING_PLAN exists. */
  table: boolean;
  present: ReadonlySet<PoolColumnName>;
  /** Core pool columns absent: reads fail with NO_POOL_COLUMNS. */
  missingCore: PoolColumnName[];
  /** Later columns absent: reads work, some figures are unavailable. */
  missingLater: PoolColumnName[];
}

/** Every column present: the schema our migrations leave. */
export const ALL_POOL_COLUMNS: PoolColumns = {
  table: true,
  present: new Set([...CORE_POOL_COLUMNS, ...LATER_POOL_COLUMNS]),
  missingCore: [],
  missingLater: [],
};

export const hasColumn = (columns: PoolColumns, name: PoolColumnName): boolean => columns.present.has(name);

/** The column, or NULL where the schema lacks it (a missing column is NULL on every row). */
export const columnOrNull = (columns: PoolColumns, name: PoolColumnName): string => (hasColumn(columns, name) ? name : 'NULL');

const RECHECK_MS = 30_000;
const known = new WeakMap<Database, { asking: Promise<PoolColumns>; complete?: boolean; at?: number }>();

async function readPoolColumns(db: Database): Promise<PoolColumns> {
  if (!(await tableExists(db, 'BOOKING_PLAN'))) {
    return { table: false, present: new Set(), missingCore: [...CORE_POOL_COLUMNS], missingLater: [...LATER_POOL_COLUMNS] };
  }
  const names = new Set((await listColumns(db, 'BOOKING_PLAN')).map((column) => column.name.toUpperCase()));
  const present = new Set([...CORE_POOL_COLUMNS, ...LATER_POOL_COLUMNS].filter((name) => names.has(name)));
  return {
    table: true,
    present,
    missingCore: CORE_POOL_COLUMNS.filter((name) => !present.has(name)),
    missingLater: LATER_POOL_COLUMNS.filter((name) => !present.has(name)),
  };
}

/** The pool columns BOOKING_PLAN has, from memory when it can be. A failed look-up is not remembered. */
export async function poolColumns(db: Database): Promise<PoolColumns> {
  const held = known.get(db);
  const stale = held?.complete === false && Date.now() - (held.at ?? 0) >= RECHECK_MS;
  if (held && !stale) return held.asking;
  const entry: { asking: Promise<PoolColumns>; complete?: boolean; at?: number } = {
    asking: readPoolColumns(db).then(
      (columns) => {
        Object.assign(entry, { complete: columns.table && columns.missingCore.length + columns.missingLater.length === 0, at: Date.now() });
        return columns;
      },
      (error: unknown) => {
        if (known.get(db) === entry) known.delete(db);
        throw error;
      },
    ),
  };
  known.set(db, entry);
  return entry.asking;
}

/** True for the server's "Unknown column" (1054): the schema changed under a remembered answer. */
export function isUnknownColumnError(error: unknown): boolean {
  return error instanceof PoolError && error.details?.errno === 1054;
}

/**
 * Runs a read built for the pool columns at hand. Should a column have gone since they were read
 * (a migration down, a DBA), the answer is forgotten and the read built again once, so the caller
 * gets NO_POOL_COLUMNS or a result, never "Unknown column".
 */
export async function readWithPoolColumns<T>(db: Database, read: (columns: PoolColumns) => Promise<T>): Promise<T> {
  try {
    return await read(await requirePoolColumns(db));
  } catch (error) {
    if (!isUnknownColumnError(error)) throw error;
    forgetPoolColumns(db);
    return read(await requirePoolColumns(db));
  }
}

/** Forget the answer: the schema changed (a migration ran) or a statement met an unknown column. */
export function forgetPoolColumns(db: Database): void {
  known.delete(db);
}

/**
 * The pool columns, or the error every pool read gives without them: NO_TABLE without
 * BOOKING_PLAN, NO_POOL_COLUMNS naming the missing columns and the fix.
 */
export async function requirePoolColumns(db: Database): Promise<PoolColumns> {
  const columns = await poolColumns(db);
  if (!columns.table) {
    throw new PoolError('NO_TABLE', `Table BOOKING_PLAN not found in database '${db.profile.database}'. Connect to the booking application's database.`);
  }
  if (columns.missingCore.length > 0) throw noPoolColumns(db.profile.database, columns.missingCore);
  return columns;
}

export function noPoolColumns(database: string, missing: readonly string[]): PoolError {
  return new PoolError(
    'NO_POOL_COLUMNS',
    `BOOKING_PLAN in database '${database}' lacks the pool column${missing.length === 1 ? '' : 's'} ${missing.join(', ')}. Run \`pool-console migrate up\` (or Migrations → Up) to add them; nothing about the pool can be read until then.`,
    { missingColumns: [...missing] },
  );
}
