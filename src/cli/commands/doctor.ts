import type { Database } from '../../core/db/database.js';
import { schemaReport } from '../../core/schema/schema-report.js';
import { EXIT_FINDINGS, EXIT_OK, type Output } from '../output.js';

export async function doctor(db: Database, out: Output): Promise<number> {
  const report = await schemaReport(db);
  const missingColumns = report.columns.filter((column) => !column.present);
  const missingIndexes = report.indexes.filter((index) => !index.servedBy);
  const missingTables = report.tables.filter((table) => !table.present);
  const healthy = report.bookingPlan && missingColumns.length + missingIndexes.length + missingTables.length === 0;
  out.result({ ...report, healthy }, () => {
    const mark = (ok: boolean) => (ok ? 'ok     ' : 'MISSING');
    return [
      `server      ${report.server.flavour} ${report.server.version}`,
      `database    ${report.server.database}`,
      `time zone   ${report.server.timeZone} (session)`,
      `BOOKING_PLAN ${report.bookingPlan ? 'present' : 'MISSING: this is not the booking database'}`,
      '',
      'pool columns',
      ...report.columns.map((column) => `  ${mark(column.present)} ${column.name}${column.columnType ? ` ${column.columnType}` : ''}`),
      'pool indexes',
      ...report.indexes.map((index) => `  ${mark(Boolean(index.servedBy))} ${index.name} (${index.columns.join(', ')})${index.servedBy && index.servedBy !== index.name ? ` served by ${index.servedBy}` : ''}`),
      'console tables',
      ...report.tables.map((table) => `  ${mark(table.present)} ${table.name}`),
      '',
      healthy ? 'schema complete' : 'schema incomplete: run `pool-console migrate up`',
    ].join('\n');
  });
  return healthy ? EXIT_OK : EXIT_FINDINGS;
}
