import type { UnavailableFigure } from '../../../shared/results/pool';

const LABELS: Record<string, string> = {
  byMode: 'Entries by mode',
  leases: 'Lease times (expired leases are judged by entry time meanwhile)',
  eventTotals: 'Throughput from the event counters (net flow shown meanwhile)',
};

/**
 * Figures the database cannot give before our migrations, named with why: "—, after migrations",
 * never a zero that reads like an empty pool.
 */
export function UnavailableFigures({ figures }: { figures: UnavailableFigure[] }) {
  if (figures.length === 0) return null;
  return (
    <div className="notice" role="note" data-testid="unavailable-figures">
      <strong>Some figures need the pending migrations</strong>
      <ul className="health-reasons">
        {figures.map((figure) => (
          <li key={figure.figure} data-figure={figure.figure} title={figure.reason}>
            {LABELS[figure.figure] ?? figure.figure}: —, after migrations
          </li>
        ))}
      </ul>
    </div>
  );
}
