import { applyLegacyImport } from '../../../src/core/maintenance/legacy-import.js';
import { legacyImport } from '../operations.js';
import { int, ratio, table, verdict } from '../report.js';
import type { Section } from './section.js';

/** Legacy import: ours (validated, batched) against one UPDATE per entry. */
export const importSection: Section = {
  name: 'import',
  async run(context, options) {
    context.log('legacy import…');
    const results = await legacyImport(context, (db, snapshot) => applyLegacyImport(db, snapshot), { referenceEntries: options.referenceImport });
    const ours = results.find((result) => result.label.startsWith('ours'));
    const reference = results.find((result) => result.label.startsWith('reference'));
    if (!ours || !reference) return { summary: [], details: [] };
    const scaled = reference.measuredEntries < reference.entries;
    return {
      summary: [
        [
          `legacy import of ${int(ours.entries)} entries (s)`, (ours.ms / 1000).toFixed(2), `${(reference.ms / 1000).toFixed(1)}${scaled ? ' (scaled)' : ''}`,
          ratio(reference.ms, ours.ms), 'ours ≤ 5 s', `${(ours.ms / 1000).toFixed(2)} s`, verdict(ours.ms <= 5000),
        ],
      ],
      details: [
        `Legacy import (the export built from the bookings themselves, so every entry is valid and gets added)${
          scaled ? `; the reference ran ${int(reference.measuredEntries)} entries and its time is scaled linearly to ${int(reference.entries)}` : ''
        }:\n\n` +
          table(
            ['import', 'entries run', 'time (s)', `time for ${int(ours.entries)} (s)`, 'outcome'],
            results.map((result) => [result.label, int(result.measuredEntries), (result.measuredMs / 1000).toFixed(2), (result.ms / 1000).toFixed(2), result.outcome]),
          ),
      ],
    };
  },
};
