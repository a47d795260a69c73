import { readFile } from 'node:fs/promises';
import { PoolError } from '../../shared/errors.js';
import type { LegacyImportLine } from '../../shared/results/maintenance.js';
import { connectionOptions } from '../connection.js';
import { EXIT_OK } from '../output.js';
import { call, checkedInput, jsonOption, table, withConsole, writeOptions, type ConsoleFlags, type Register } from './command.js';

const SHOWN_LINES = 20;

async function readSnapshot(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new PoolError('INVALID_INPUT', `Cannot read the legacy pool export '${file}': ${why}.`);
  }
}

function renderLines(lines: LegacyImportLine[]): string[] {
  const notable = lines.filter((line) => line.outcome !== 'will-add');
  if (notable.length === 0) return [];
  return [
    'entries not added:',
    ...notable.slice(0, SHOWN_LINES).map((line) =>
      `  #${line.index} booking ${line.bookingId}: ${line.outcome}${line.field ? ` (${line.field})` : ''}${line.detail ? `: ${line.detail}` : ''}`,
    ),
    ...(notable.length > SHOWN_LINES ? [`  … and ${notable.length - SHOWN_LINES} more (--json lists every entry)`] : []),
  ];
}

interface ImportFlags extends ConsoleFlags {
  dryRun?: boolean;
  reason?: string;
}

export const importMemoryCommand: Register = (program, done) => {
  const command = program
    .command('import-memory')
    .description('a legacy memory-pool export: per-entry preview (import.preview with --dry-run), or import it (import.apply, idempotent)')
    .argument('<file>', 'the export (JSON)');
  jsonOption(writeOptions(connectionOptions(command))).action((file: string, flags: ImportFlags) =>
    done(async () => {
      const snapshot = await readSnapshot(file);
      if (flags.dryRun) {
        const input = checkedInput('import.preview', { snapshot });
        return withConsole(flags, async (service, out) => {
          const preview = await call(service, 'import.preview', input);
          out.result(preview, () =>
            [`dry run of ${preview.total} entries, nothing changed`, table(Object.entries(preview.counts)), ...renderLines(preview.entries)].join('\n'),
          );
          return EXIT_OK;
        });
      }
      const input = checkedInput('import.apply', { snapshot, reason: flags.reason });
      return withConsole(flags, async (service, out) => {
        const result = await call(service, 'import.apply', input);
        out.result(result, () =>
          [
            `imported ${result.total} entries in ${result.batches} batches`,
            table([['added', result.added], ['already pooled (kept)', result.alreadyPooled], ...Object.entries(result.skipped).map(([why, n]) => [`skipped: ${why}`, n])]),
          ].join('\n'),
        );
        return EXIT_OK;
      });
    }),
  );
};
