import type { ExpectedIndexHealth } from '../../../shared/results/health';

const STATE_CLASS: Record<ExpectedIndexHealth['state'], string> = { present: 'verdict-good', served: 'verdict-good', missing: 'verdict-bad' };

/** What the migrations expect, and whether each is there by name, served by another index, or missing. */
export function ExpectedIndexes({ expected }: { expected: ExpectedIndexHealth[] }) {
  return (
    <section className="panel" aria-label="Expected indexes">
      <h2>Expected vs present</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Expected index</th>
            <th scope="col">Columns</th>
            <th scope="col">State</th>
            <th scope="col">Purpose</th>
          </tr>
        </thead>
        <tbody>
          {expected.map((index) => (
            <tr key={index.name}>
              <td>
                <code>{index.name}</code>
              </td>
              <td className="wrap">
                <code>{index.columns.join(', ')}</code>
              </td>
              <td className={`wrap ${STATE_CLASS[index.state]}`}>
                {index.state === 'present' ? 'present' : index.state === 'served' ? `served by ${index.servedBy ?? 'another index'}` : 'missing'}
                {index.note ? <div className="muted small wrap">{index.note}</div> : null}
              </td>
              <td className="wrap muted">{index.purpose}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
