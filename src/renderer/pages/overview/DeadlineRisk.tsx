import type { PoolStats } from '../../../shared/results/pool';
import { formatCount, formatDuration, formatRate } from '../../../shared/format';
import type { DrainProjection } from './overview-model';

function Projection({ projection }: { projection: DrainProjection }) {
  switch (projection.kind) {
    case 'empty':
      return <span className="verdict-good">nothing eligible</span>;
    case 'measuring':
      return <span className="muted">measuring… (needs 10 s of samples)</span>;
    case 'not-draining':
      return (
        <span className="verdict-bad">
          not draining{' '}
          <span className="muted">
            ({projection.basis === 'claims' ? 'no claims' : projection.ratePerMinute === 0 ? 'flat' : `growing ${formatRate(-projection.ratePerMinute)} / min`})
          </span>
        </span>
      );
    case 'draining':
      return (
        <span className={projection.seconds > 3600 ? 'verdict-warn' : 'verdict-good'}>
          {formatDuration(projection.seconds)} <span className="muted">at {formatRate(projection.ratePerMinute)} / min</span>
        </span>
      );
  }
}

/** What will miss its deadline, and whether the eligible backlog is shrinking fast enough. */
export function DeadlineRisk({ stats, projection }: { stats: PoolStats | null; projection: DrainProjection }) {
  const rows: [string, number | undefined][] = [
    ['within 1 h', stats?.deadlineWithin.hour1],
    ['within 6 h', stats?.deadlineWithin.hours6],
    ['within 24 h', stats?.deadlineWithin.hours24],
  ];
  return (
    <section className="panel overview-deadline" aria-label="Deadline risk">
      <h3>Deadline risk</h3>
      <p className="muted small">Waiting entries whose deadline passes…</p>
      <dl className="deadline-list">
        {rows.map(([label, value]) => (
          <div key={label} className="deadline-row">
            <dt>{label}</dt>
            <dd data-testid={`deadline-${label.replace(/\s+/g, '-')}`}>{value === undefined ? '—' : formatCount(value)}</dd>
          </div>
        ))}
        <div className="deadline-row">
          <dt>overdue now</dt>
          <dd className={stats && stats.overdue > 0 ? 'verdict-bad' : undefined}>{stats ? formatCount(stats.overdue) : '—'}</dd>
        </div>
      </dl>
      <h3>Time to drain the eligible entries</h3>
      <p data-testid="drain-projection">
        <Projection projection={projection} />
      </p>
      <p className="muted small" data-testid="drain-basis">
        {projection.basis === 'claims'
          ? 'At the claim rate of the last 5 minutes (entries claimed per minute); entries that become eligible meanwhile are not foreseen.'
          : 'At the net rate the eligible count fell over the last 5 minutes (claims minus newly eligible entries): this database has no event counters yet (migration 0005-pool-event-counts is pending).'}
      </p>
    </section>
  );
}
