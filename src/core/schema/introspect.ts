import type { Database } from '../db/database.js';
import type { ServerInfo } from '../../shared/results/schema.js';

export type { ServerInfo } from '../../shared/results/schema.js';

export interface ColumnInfo {
  name: string;
  columnType: string;
  nullable: boolean;
  defaultValue: string | null;
}

export interface IndexInfo {
  name: string;
  columns: string[];
  unique: boolean;
}

export async function tableExists(db: Database, table: string): Promise<boolean> {
  const rows = await db.select<{ found: number }>(
    'schema.table',
    'SELECT COUNT(*) AS found FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = :table',
    { replacements: { table } },
  );
  return Number(rows[0]?.found ?? 0) > 0;
}

export async function listColumns(db: Database, table: string): Promise<ColumnInfo[]> {
  const rows = await db.select<{ name: string; columnType: string; nullable: string; defaultValue: string | null }>(
    'schema.columns',
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS columnType, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS defaultValue
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = :table
      ORDER BY ORDINAL_POSITION`,
    { replacements: { table } },
  );
  return rows.map((row) => ({ ...row, nullable: row.nullable === 'YES' }));
}

export async function listIndexes(db: Database, table: string): Promise<IndexInfo[]> {
  const rows = await db.select<{ name: string; column: string; nonUnique: number }>(
    'schema.indexes',
    `SELECT INDEX_NAME AS name, COLUMN_NAME AS \`column\`, NON_UNIQUE AS nonUnique
       FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = :table
      ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    { replacements: { table } },
  );
  const byName = new Map<string, IndexInfo>();
  for (const row of rows) {
    const index = byName.get(row.name) ?? { name: row.name, columns: [], unique: Number(row.nonUnique) === 0 };
    index.columns.push(row.column);
    byName.set(row.name, index);
  }
  return [...byName.values()];
}

export async function serverInfo(db: Database): Promise<ServerInfo> {
  const rows = await db.select<{ version: string; timeZone: string; database: string }>(
    'schema.server',
    'SELECT VERSION() AS version, @@session.time_zone AS timeZone, DATABASE() AS `database`',
  );
  const row = rows[0] ?? { version: '', timeZone: '', database: '' };
  return { ...row, flavour: /mariadb/i.test(row.version) ? 'mariadb' : 'mysql' };
}

/** True when `prefix` is the leading part of `columns` (case-insensitive, as MySQL names are). */
export function isLeadingPrefix(prefix: readonly string[], columns: readonly string[]): boolean {
  return prefix.length <= columns.length && prefix.every((column, i) => column.toLowerCase() === columns[i]?.toLowerCase());
}
