import { hostRedundant, indexFindings } from '../../core/health/index-findings.js';
import { formatBytes, formatUtc } from '../../shared/format.js';
import type { IndexHealth } from '../../shared/results/health.js';
import { connectionOptions } from '../connection.js';
import { EXIT_FINDINGS, EXIT_OK } from '../output.js';
import { call, jsonOption, table, withConsole, type ConsoleFlags, type Register } from './command.js';

const size = (bytes: number | null) => (bytes === null ? '?' : formatBytes(bytes));

function renderHealth(health: IndexHealth): string {
  const notes = hostRedundant(health);
  const isNote = (name: string) => notes.some((note) => note.index === name);
  return [
    `indexes of ${health.table} at ${formatUtc(health.checkedAt)}`,
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

export const indexesCommand: Register = (program, done) => {
  const command = program
    .command('indexes')
    .description('expected vs present indexes and the hot queries\' plans (indexes.health); exit 1 on a missing, duplicate or redundant index of ours or a bad plan (a redundant host index is a note)');
  jsonOption(connectionOptions(command)).action((flags: ConsoleFlags) =>
    done(() =>
      withConsole(flags, async (service, out) => {
        const health = await call(service, 'indexes.health', {});
        out.result(health, () => renderHealth(health));
        return indexFindings(health) > 0 ? EXIT_FINDINGS : EXIT_OK;
      }),
    ),
  );
};
