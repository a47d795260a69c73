import type { Connection, RowDataPacket } from 'mysql2/promise';

export interface SchemaSnapshot {
  columns: string[];
  indexes: { name: string; columns: string[] }[];
  tables: string[];
}

/** Columns (name type nullability), indexes and tables of the current database, sorted. */
export async function snapshotSchema(admin: Connection, table = 'BOOKING_PLAN'): Promise<SchemaSnapshot> {
  const [columns] = await admin.query<RowDataPacket[]>(
    `SELECT CONCAT(COLUMN_NAME, ' ', COLUMN_TYPE, ' ', IS_NULLABLE) AS c FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY COLUMN_NAME`,
    [table],
  );
  const [indexRows] = await admin.query<RowDataPacket[]>(
    `SELECT INDEX_NAME AS name, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS cols FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? GROUP BY INDEX_NAME ORDER BY INDEX_NAME`,
    [table],
  );
  const [tables] = await admin.query<RowDataPacket[]>(
    'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME',
  );
  return {
    columns: columns.map((row) => String(row.c)),
    indexes: indexRows.map((row) => ({ name: String(row.name), columns: String(row.cols).split(',') })),
    tables: tables.map((row) => String(row.t)),
  };
}

const BUSINESS_COLUMNS = [
  'BOOKING_ID', 'OWNER_EMP_CODE', 'OWNER_GROUP', 'MEETING_ROOM', 'MEETING_TYPE', 'MEETING_DETAIL',
  'TIME_START', 'TIME_END', 'INTERPRETER_EMP_CODE', 'BOOKING_STATUS', 'created_at', 'updated_at',
];

/** A checksum over every booking's business columns (and any given extra columns). */
export async function businessChecksum(admin: Connection, extra: string[] = []): Promise<{ rows: number; digest: string }> {
  const columns = [...BUSINESS_COLUMNS, ...extra].map((column) => `IFNULL(${column}, '∅')`).join(', ');
  await admin.query('SET SESSION group_concat_max_len = 100000000');
  const [rows] = await admin.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS n, MD5(GROUP_CONCAT(CONCAT_WS('|', ${columns}) ORDER BY BOOKING_ID SEPARATOR '\n')) AS digest FROM BOOKING_PLAN`,
  );
  return { rows: Number(rows[0]?.n), digest: String(rows[0]?.digest) };
}
