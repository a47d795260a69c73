import { MIGRATIONS } from '../../../migrations/index.js';
import type { Database } from '../db/database.js';
import { isLeadingPrefix, listColumns, listIndexes, serverInfo, tableExists } from './introspect.js';
import { expectedTables } from './migration-kit.js';
import type { SchemaReport } from '../../shared/results/schema.js';

export type { SchemaReport } from '../../shared/results/schema.js';

/** What the pool needs of the schema, and what the database has of it. Reads only. */
export async function schemaReport(db: Database): Promise<SchemaReport> {
  const server = await serverInfo(db);
  const bookingPlan = await tableExists(db, 'BOOKING_PLAN');
  const present = bookingPlan ? await listColumns(db, 'BOOKING_PLAN') : [];
  const presentIndexes = bookingPlan ? await listIndexes(db, 'BOOKING_PLAN') : [];
  const expected = MIGRATIONS.map((migration) => migration.expects);
  const columns = expected.flatMap((e) => e.columns ?? []).map(({ name }) => {
    const found = present.find((column) => column.name.toLowerCase() === name.toLowerCase());
    return { name, present: Boolean(found), columnType: found?.columnType ?? null };
  });
  const indexes = expected.flatMap((e) => e.indexes ?? []).map(({ name, columns: indexColumns }) => ({
    name,
    columns: indexColumns,
    servedBy:
      presentIndexes
        .filter((index) => isLeadingPrefix(indexColumns, index.columns))
        .sort((a, b) => b.columns.length - a.columns.length)[0]?.name ?? null,
  }));
  const tables = [];
  for (const name of expected.flatMap(expectedTables)) tables.push({ name, present: await tableExists(db, name) });
  return { server, bookingPlan, columns, indexes, tables };
}
