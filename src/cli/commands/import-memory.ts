import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { LegacyImportLine, LegacyImportProgress } from '../../core/maintenance/legacy-import.js';
import { PoolMigrationManager } from '../../core/pool/pool-migration-manager.js';
import { PoolError } from '../../shared/errors.js';
import { EXIT_OK } from '../output.js';
import { AUDIT_OPTIONS, auditContext, auditFlags, defineCommand, requireReasonToApply, table } from './command.js';

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

export const importMemoryCommand = defineCommand({
  name: 'import-memory',
  usage: ['import-memory FILE (--dry-run | --reason TEXT) [--actor NAME]'],
  positionals: ['FILE'],
  options: { 'dry-run': { type: 'boolean' }, ...AUDIT_OPTIONS },
  schema: z.object({ 'dry-run': z.boolean().default(false), ...auditFlags }).superRefine(requireReasonToApply),
  async run(db, args, out, [file]) {
    const snapshot = await readSnapshot(file!);
    const manager = new PoolMigrationManager(db);
    if (args['dry-run']) {
      const preview = await manager.migrateMemoryPoolToDatabase(snapshot, { dryRun: true });
      if (!preview.dryRun) throw new PoolError('INTERNAL', 'The import preview came back as applied.');
      out.result(preview, () =>
        [`dry run of ${preview.total} entries, nothing changed`, table(Object.entries(preview.counts)), ...renderLines(preview.entries)].join('\n'),
      );
      return EXIT_OK;
    }
    const result = await manager.migrateMemoryPoolToDatabase(snapshot, {
      dryRun: false,
      audit: auditContext(args),
      onProgress: (p: LegacyImportProgress) => out.progress(`batch ${p.batch}/${p.batches}: ${p.processed}/${p.total} entries judged, ${p.added} added`),
    });
    if (result.dryRun) throw new PoolError('INTERNAL', 'The import came back as a preview; nothing was applied.');
    out.result(result, () =>
      [
        `imported ${result.total} entries in ${result.batches} batches`,
        table([['added', result.added], ['already pooled (kept)', result.alreadyPooled], ...Object.entries(result.skipped).map(([why, n]) => [`skipped: ${why}`, n])]),
      ].join('\n'),
    );
    return EXIT_OK;
  },
});
