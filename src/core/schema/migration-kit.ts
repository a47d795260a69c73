import { PoolError } from '../../shared/errors.js';
import type { Database } from '../db/database.js';
import { isLeadingPrefix, listColumns, listIndexes, tableExists, type IndexInfo } from './introspect.js';
import type { CreatedObject, SchemaStep } from '../../shared/results/schema.js';

export type { CreatedObject, SchemaStep } from '../../shared/results/schema.js';

export interface ColumnSpec {
  name: string;
  definition: string;
}

export interface IndexSpec {
  name: string;
  columns: string[];
  purpose: string;
}

export interface PoolMigration {
  name: string;
  description: string;
  /** What the schema must hold once this migration ran; drift checks read it. */
  expects: { table: string; columns?: ColumnSpec[]; indexes?: IndexSpec[]; isTable?: boolean; tables?: string[] };
  planUp(db: Database): Promise<SchemaStep[]>;
  planDown(db: Database, created: readonly CreatedObject[]): Promise<SchemaStep[]>;
}

const q = (identifier: string) => `\`${identifier.replace(/`/g, '``')}\``;

/** Adds columns to a table, adopting any that already exist (whatever their nullability). */
export function addColumnsMigration(name: string, description: string, table: string, columns: ColumnSpec[]): PoolMigration {
  return {
    name,
    description,
    expects: { table, columns },
    async planUp(db) {
      const present = new Set((await listColumns(db, table)).map((column) => column.name.toLowerCase()));
      const adopted = columns.filter((column) => present.has(column.name.toLowerCase()));
      const missing = columns.filter((column) => !present.has(column.name.toLowerCase()));
      const steps: SchemaStep[] = adopted.map((column) => ({ summary: `column ${table}.${column.name} exists: adopted`, sql: null }));
      if (missing.length > 0) {
        const adds = missing.map((column) => `ADD COLUMN ${q(column.name)} ${column.definition}`).join(', ');
        steps.push({
          summary: `add ${missing.map((column) => column.name).join(', ')} to ${table}`,
          sql: `ALTER TABLE ${q(table)} ${adds}, ALGORITHM=INSTANT`,
          fallbackSql: `ALTER TABLE ${q(table)} ${adds}, ALGORITHM=INPLACE, LOCK=NONE`,
          creates: missing.map((column) => ({ kind: 'column', table, name: column.name })),
        });
      }
      return steps;
    },
    async planDown(db, created) {
      const present = new Set((await listColumns(db, table)).map((column) => column.name.toLowerCase()));
      const drop = created.filter((object) => object.kind === 'column' && present.has(object.name.toLowerCase()));
      if (drop.length === 0) return [{ summary: `no column of ${name} to drop (all were adopted)`, sql: null }];
      const drops = drop.map((object) => `DROP COLUMN ${q(object.name)}`).join(', ');
      return [{
        summary: `drop ${drop.map((object) => object.name).join(', ')} from ${table}`,
        sql: `ALTER TABLE ${q(table)} ${drops}, ALGORITHM=INSTANT`,
        fallbackSql: `ALTER TABLE ${q(table)} ${drops}, ALGORITHM=INPLACE, LOCK=NONE`,
      }];
    },
  };
}

/**
 * Adds indexes, each only when no index under any name already starts with its columns;
 * wider indexes are planned first so that they cover their own left prefixes.
 */
export function addIndexesMigration(name: string, description: string, table: string, indexes: IndexSpec[]): PoolMigration {
  return {
    name,
    description,
    expects: { table, indexes },
    async planUp(db) {
      const present: IndexInfo[] = await listIndexes(db, table);
      const steps: SchemaStep[] = [];
      const widestFirst = [...indexes].sort((a, b) => b.columns.length - a.columns.length);
      for (const spec of widestFirst) {
        const covering = present.find((index) => isLeadingPrefix(spec.columns, index.columns));
        if (covering) {
          steps.push({ summary: `${spec.name} (${spec.columns.join(', ')}) is served by existing ${covering.name}: adopted`, sql: null });
          continue;
        }
        const clash = present.find((index) => index.name.toLowerCase() === spec.name.toLowerCase());
        if (clash) {
          throw new PoolError('CONFLICT', `An index named ${spec.name} already exists on ${table} with other columns (${clash.columns.join(', ')}). Rename or drop it, then migrate again. Nothing was changed by this step.`);
        }
        steps.push({
          summary: `create ${spec.name} (${spec.columns.join(', ')}) for ${spec.purpose}`,
          sql: `ALTER TABLE ${q(table)} ADD INDEX ${q(spec.name)} (${spec.columns.map(q).join(', ')}), ALGORITHM=INPLACE, LOCK=NONE`,
          creates: [{ kind: 'index', table, name: spec.name }],
        });
        present.push({ name: spec.name, columns: spec.columns, unique: false });
      }
      return steps;
    },
    async planDown(db, created) {
      const present = new Set((await listIndexes(db, table)).map((index) => index.name.toLowerCase()));
      const drop = created.filter((object) => object.kind === 'index' && present.has(object.name.toLowerCase()));
      if (drop.length === 0) return [{ summary: `no index of ${name} to drop (all were adopted)`, sql: null }];
      return drop.map((object) => ({
        summary: `drop ${object.name}`,
        sql: `ALTER TABLE ${q(table)} DROP INDEX ${q(object.name)}, ALGORITHM=INPLACE, LOCK=NONE`,
      }));
    },
  };
}

export interface TableOptions {
  /**
   * Rows the table starts with, run right after the CREATE (and on an adopted table too): write
   * it so that rows already there are kept (e.g. ON DUPLICATE KEY UPDATE col = col).
   */
  seed?: { summary: string; sql: string };
  /**
   * Set when the table's rows are worth nothing once the table is reverted (counters, caches):
   * down then drops it whatever it holds, and says why. Without it, down refuses while the table
   * holds rows, as an audit history must not be thrown away by a revert.
   */
  dropWithRows?: { because: string };
}

/** The tables a migration's `expects` says it creates: `tables` when it makes several, else its one table. */
export function expectedTables(expects: PoolMigration['expects']): string[] {
  return expects.tables ?? (expects.isTable ? [expects.table] : []);
}

/**
 * Several tables of the console's own in one migration (each adopted if it exists): up creates
 * them in order, down reverts them in reverse order, each as createTableMigration would.
 */
export function createTablesMigration(name: string, description: string, tables: { table: string; body: string; options?: TableOptions }[]): PoolMigration {
  const parts = tables.map(({ table, body, options }) => createTableMigration(name, description, table, body, options));
  return {
    name,
    description,
    expects: { table: tables[0]!.table, isTable: true, tables: tables.map(({ table }) => table) },
    async planUp(db) {
      const steps: SchemaStep[] = [];
      for (const part of parts) steps.push(...(await part.planUp(db)));
      return steps;
    },
    async planDown(db, created) {
      const steps: SchemaStep[] = [];
      for (const part of [...parts].reverse()) steps.push(...(await part.planDown(db, created)));
      return steps;
    },
  };
}

/** Creates a table of the console's own, adopting one that exists. */
export function createTableMigration(name: string, description: string, table: string, body: string, options: TableOptions = {}): PoolMigration {
  return {
    name,
    description,
    expects: { table, isTable: true },
    async planUp(db) {
      const steps: SchemaStep[] = (await tableExists(db, table))
        ? [{ summary: `table ${table} exists: adopted`, sql: null }]
        : [{
            summary: `create table ${table}`,
            sql: `CREATE TABLE ${q(table)} (${body}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
            creates: [{ kind: 'table', table, name: table }],
          }];
      if (options.seed) steps.push({ summary: options.seed.summary, sql: options.seed.sql });
      return steps;
    },
    async planDown(db, created) {
      const mine = created.some((object) => object.kind === 'table' && object.name === table);
      if (!mine || !(await tableExists(db, table))) return [{ summary: `table ${table} was adopted: kept`, sql: null }];
      const [held] = await db.select<{ n: number }>('migrations.table-rows', `SELECT COUNT(*) AS n FROM ${q(table)}`);
      const rows = Number(held?.n);
      if (rows > 0 && options.dropWithRows) {
        return [{ summary: `drop table ${table} with its ${rows} rows (${options.dropWithRows.because})`, sql: `DROP TABLE ${q(table)}` }];
      }
      if (rows > 0) {
        // A history is not ours to throw away: someone must decide to keep a copy first.
        throw new PoolError('CONFLICT', `${table} holds ${rows} rows; reverting ${name} would delete them. Copy the table elsewhere and empty it, then revert again. Nothing was changed by this step.`);
      }
      return [{ summary: `drop table ${table} (empty)`, sql: `DROP TABLE ${q(table)}` }];
    },
  };
}
