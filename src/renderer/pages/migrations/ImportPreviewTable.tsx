import { useMemo, useState } from 'react';
import { LEGACY_OUTCOMES, type LegacyImportPreview, type LegacyOutcome } from '../../../shared/results/maintenance';
import { formatCount, formatUtc } from '../../../shared/format';
import { plural } from '../../../shared/plural';

/** Rows rendered at once; the counts always cover the whole file. */
export const PREVIEW_ROWS_SHOWN = 300;

export const OUTCOME_LABELS: Record<LegacyOutcome, string> = {
  'will-add': 'will be added',
  'already-pooled': 'already pooled',
  'booking-missing': 'booking missing',
  'booking-finished': 'booking finished',
  invalid: 'invalid',
};

/** Counts per outcome for the whole file, and the entries (first few hundred) filtered by outcome. */
export function ImportPreviewTable({ preview }: { preview: LegacyImportPreview }) {
  const [outcome, setOutcome] = useState<LegacyOutcome | ''>('');
  const matching = useMemo(() => (outcome ? preview.entries.filter((line) => line.outcome === outcome) : preview.entries), [preview, outcome]);
  const shown = matching.slice(0, PREVIEW_ROWS_SHOWN);
  return (
    <div>
      <div className="grid-tiles" aria-label="Entries per outcome">
        <div className="tile">
          <div className="tile-value">{formatCount(preview.total)}</div>
          <div className="tile-label">entries in the file</div>
        </div>
        {LEGACY_OUTCOMES.map((name) => (
          <div key={name} className={`tile outcome-${name}`} data-testid={`outcome-${name}`}>
            <div className="tile-value">{formatCount(preview.counts[name])}</div>
            <div className="tile-label">{OUTCOME_LABELS[name]}</div>
          </div>
        ))}
      </div>
      <div className="row">
        <label>
          Show
          <select value={outcome} onChange={(event) => setOutcome(event.target.value as LegacyOutcome | '')} aria-label="Filter by outcome">
            <option value="">All outcomes</option>
            {LEGACY_OUTCOMES.map((name) => (
              <option key={name} value={name}>
                {OUTCOME_LABELS[name]} ({formatCount(preview.counts[name])})
              </option>
            ))}
          </select>
        </label>
        {matching.length > shown.length ? (
          <p className="muted">
            Showing the first {formatCount(shown.length)} of {plural(matching.length, 'entry', 'entries')}; the counts above cover all of them.
          </p>
        ) : null}
      </div>
      <div className="table-scroll">
        <table aria-label="Import preview">
          <thead>
            <tr>
              <th>#</th>
              <th>Booking id</th>
              <th>Outcome</th>
              <th>Detail</th>
              <th>Deadline</th>
              <th>Mode</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((line) => (
              <tr key={line.index} className={`outcome-${line.outcome}`}>
                <td>{line.index}</td>
                <td>{line.bookingId}</td>
                <td>{OUTCOME_LABELS[line.outcome]}</td>
                <td className="wrap">{[line.field ? `${line.field}:` : null, line.detail].filter(Boolean).join(' ') || '—'}</td>
                <td>{formatUtc(line.deadline)}</td>
                <td>{line.mode ?? '—'}</td>
              </tr>
            ))}
            {shown.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  No entries with this outcome.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </div>
  );
}
