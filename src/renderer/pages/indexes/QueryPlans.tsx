import type { HotQueryPlan } from '../../../shared/results/health';
import { formatCount } from '../../../shared/format';

/** Each hot query's plan: the index it uses, how it reads, the rows it reads (estimated) and returns (at most), and the verdict. */
export function QueryPlans({ queries }: { queries: HotQueryPlan[] }) {
  return (
    <section className="panel" aria-label="Hot query plans">
      <h2>Hot query plans</h2>
      <table className="plans">
        <thead>
          <tr>
            <th scope="col">Query</th>
            <th scope="col">Index used</th>
            <th scope="col">Access</th>
            <th scope="col" title="The optimizer's estimate of the rows this plan reads (summed over its tables), not a limit">
              Rows read (estimate)
            </th>
            <th scope="col" title="The most rows the query itself returns (its LIMIT)">
              Returns at most
            </th>
            <th scope="col">Sort / temp</th>
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        <tbody>
          {queries.map((query) => (
            <tr key={query.name} data-query={query.name}>
              <td className="wrap">
                <details>
                  <summary>{query.label}</summary>
                  <pre>{query.sql}</pre>
                  {query.explainedWithoutLocking ? <p className="muted small">Explained without FOR UPDATE: the server refused EXPLAIN of the locking read.</p> : null}
                </details>
              </td>
              <td className="wrap">
                {query.indexes.length > 0 ? <code>{query.indexes.join(', ')}</code> : <span className="verdict-bad">none</span>}
              </td>
              <td>{query.accessType ?? '—'}</td>
              <td className="number">{query.rowsExamined === null ? 'unknown' : `≈${formatCount(query.rowsExamined)}`}</td>
              <td className="number">{formatCount(query.rowsReturned)}</td>
              <td>
                {query.filesort ? <span className="verdict-warn">filesort</span> : null}
                {query.filesort && query.temporary ? ', ' : null}
                {query.temporary ? <span className="verdict-warn">temporary</span> : null}
                {!query.filesort && !query.temporary ? <span className="muted">none</span> : null}
              </td>
              <td className={`wrap verdict-${query.verdict}`}>
                <strong>{query.verdict}</strong> — {query.reason}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
