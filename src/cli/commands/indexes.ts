import { z } from 'zod';
import { hostRedundant, indexFindings } from '../../core/health/index-findings.js';
import { indexHealth, type IndexHealth } from '../../core/health/index-health.js';
import { EXIT_FINDINGS, EXIT_OK } from '../output.js';
import { defineCommand, intFlag, table } from './command.js';

export { indexFindings } from '../../core/health/index-findings.js';

const size = (bytes: number | null) => (bytes === null ? '?' : bytes < 1_048_576 ? `${Math.round(bytes / 1024)} KiB` : `${(bytes / 1_048_576).toFixed(1)} MiB`);

function renderHealth(health: IndexHealth): string {
  const notes = hostRedundant(health);
  const isNote = (name: string) => notes.some((note) => note.index === name);
  return [
    `indexes of ${health.table} at ${health.checkedAt.toISOString()}`,
    'expected',
    table(health.expected.map((e) => [`  ${e.state.toUpperCase()}`, e.name, `(${e.columns.join(', ')})`, e.state === 'served' ? `served by ${e.servedBy}` : '', e.note ?? ''])),
    'present (pool columns)',
    table(health.present.filter((p) => p.pool).map((p) => [`  ${p.name}`, `(${p.columns.join(', ')})`, size(p.sizeBytes), p.duplicateOf ? `DUPLICATE of ${p.duplicateOf}` : p.prefixOf.length ? `${isNote(p.name) ? 'NOTE (host index)' : 'REDUNDANT'}: prefix of ${p.prefixOf.join(', ')}` : ''])),
    ...(health.sizes.note ? [`  sizes: ${health.sizes.note}`] : []),
    ...notes.map((note) => `  note: ${note.index} was not created by the console and is a leading prefix of ${note.prefixOf.join(', ')}; drop it only if the host application does not need it`),
    'hot queries',
    table(health.queries.map((q) => [`  ${q.verdict.toUpperCase()}`, q.name, q.indexUsed ?? 'no index', q.accessType ?? '-', `~${q.rowsExamined ?? '?'} rows for ${q.rowsReturned}`, q.filesort ? 'filesort' : '', q.reason])),
  ].join('\n');
}

export const indexesCommand = defineCommand({
  name: 'indexes',
  usage: ['indexes [--lease-seconds S]                    exit 1 on a missing, duplicate or redundant index of ours or a bad plan (a redundant host index is a note)'],
  options: { 'lease-seconds': { type: 'string' } },
  schema: z.object({ 'lease-seconds': intFlag(1, 366 * 86_400).optional() }),
  async run(db, args, out) {
    const health = await indexHealth(db, { leaseSeconds: args['lease-seconds'] });
    out.result(health, () => renderHealth(health));
    return indexFindings(health) > 0 ? EXIT_FINDINGS : EXIT_OK;
  },
});
