import { z } from 'zod';
import { indexHealth, type IndexHealth } from '../../core/health/index-health.js';
import { EXIT_FINDINGS, EXIT_OK } from '../output.js';
import { defineCommand, intFlag, table } from './command.js';

/** Missing, duplicate or redundant indexes, or a hot query with a bad plan. */
export function indexFindings(health: IndexHealth): number {
  return health.missing.length + health.duplicates.length + health.redundant.length + health.queries.filter((q) => q.verdict === 'bad').length;
}

const size = (bytes: number | null) => (bytes === null ? '?' : bytes < 1_048_576 ? `${Math.round(bytes / 1024)} KiB` : `${(bytes / 1_048_576).toFixed(1)} MiB`);

function renderHealth(health: IndexHealth): string {
  return [
    `indexes of ${health.table} at ${health.checkedAt.toISOString()}`,
    'expected',
    table(health.expected.map((e) => [`  ${e.state.toUpperCase()}`, e.name, `(${e.columns.join(', ')})`, e.state === 'served' ? `served by ${e.servedBy}` : '', e.note ?? ''])),
    'present (pool columns)',
    table(health.present.filter((p) => p.pool).map((p) => [`  ${p.name}`, `(${p.columns.join(', ')})`, size(p.sizeBytes), p.duplicateOf ? `DUPLICATE of ${p.duplicateOf}` : p.prefixOf.length ? `REDUNDANT: prefix of ${p.prefixOf.join(', ')}` : ''])),
    ...(health.sizes.note ? [`  sizes: ${health.sizes.note}`] : []),
    'hot queries',
    table(health.queries.map((q) => [`  ${q.verdict.toUpperCase()}`, q.name, q.indexUsed ?? 'no index', q.accessType ?? '-', `~${q.rowsExamined ?? '?'} rows for ${q.rowsReturned}`, q.filesort ? 'filesort' : '', q.reason])),
  ].join('\n');
}

export const indexesCommand = defineCommand({
  name: 'indexes',
  usage: ['indexes [--lease-seconds S]                    exit 1 on a missing, duplicate or redundant index or a bad plan'],
  options: { 'lease-seconds': { type: 'string' } },
  schema: z.object({ 'lease-seconds': intFlag(1, 366 * 86_400).optional() }),
  async run(db, args, out) {
    const health = await indexHealth(db, { leaseSeconds: args['lease-seconds'] });
    out.result(health, () => renderHealth(health));
    return indexFindings(health) > 0 ? EXIT_FINDINGS : EXIT_OK;
  },
});
