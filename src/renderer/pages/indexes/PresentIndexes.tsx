import type { IndexHealth } from '../../../shared/results/health';
import { formatBytes } from '../../../shared/format';

/** Every index on the table with its size, then the pool indexes that copy or are a prefix of another. */
export function PresentIndexes({ health }: { health: IndexHealth }) {
  const { present, duplicates, redundant, sizes } = health;
  const sizeUnknown = `unknown${sizes.note ? `: ${sizes.note}` : ''}`;
  return (
    <section className="panel" aria-label="Present indexes">
      <h2>Present indexes on {health.table}</h2>
      {!sizes.available ? <p className="muted">Sizes {sizeUnknown}</p> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">Index</th>
            <th scope="col">Columns</th>
            <th scope="col">Size</th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          {present.map((index) => (
            <tr key={index.name}>
              <td>
                <code>{index.name}</code>
                {index.unique ? <span className="muted"> unique</span> : null}
              </td>
              <td className="wrap">
                <code>{index.columns.join(', ')}</code>
              </td>
              <td className="number" title={index.sizeBytes === null ? sizeUnknown : undefined}>
                {index.sizeBytes === null ? 'unknown' : formatBytes(index.sizeBytes)}
              </td>
              <td className="wrap">
                {index.duplicateOf ? <span className="verdict-warn">duplicate of {index.duplicateOf}</span> : null}
                {index.prefixOf.length > 0 ? <span className="verdict-warn"> prefix of {index.prefixOf.join(', ')}</span> : null}
                {!index.pool ? <span className="muted">not a pool index</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3 className="spaced">Duplicates and redundancies</h3>
      {duplicates.length === 0 && redundant.length === 0 ? (
        <p className="muted">No pool index duplicates or is made redundant by another.</p>
      ) : (
        <ul className="findings" aria-label="Duplicates and redundancies">
          {duplicates.map((item) => (
            <li key={`dup-${item.index}`}>
              <code>{item.index}</code> duplicates <code>{item.sameAs}</code> (same columns): one of them can go; every write maintains both.
            </li>
          ))}
          {redundant.map((item) => (
            <li key={`red-${item.index}`}>
              <code>{item.index}</code> is redundant: a leading prefix of {item.prefixOf.map((name, position) => (
                <span key={name}>
                  {position > 0 ? ', ' : ''}
                  <code>{name}</code>
                </span>
              ))}
              , which serve{item.prefixOf.length === 1 ? 's' : ''} every query it serves.
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
