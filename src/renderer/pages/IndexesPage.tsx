import { formatUtc } from '../../shared/format';
import type { PageProps } from '../app/pages';
import { useCall } from '../api/hooks';
import { ErrorNotice } from '../components/ErrorNotice';
import { CreateMissingIndexes } from './indexes/CreateMissingIndexes';
import { ExpectedIndexes } from './indexes/ExpectedIndexes';
import { PresentIndexes } from './indexes/PresentIndexes';
import { QueryPlans } from './indexes/QueryPlans';

/** Index health: expected vs present, duplicates, sizes, the hot queries' plans; create what is missing. */
export function IndexesPage(_props: PageProps) {
  const health = useCall('indexes.health', {});
  const data = health.data;
  return (
    <div className="page indexes-page">
      <div className="page-head">
        <h1>Indexes</h1>
        {data ? <span className="muted">checked {formatUtc(data.checkedAt)} (database clock)</span> : null}
        <button type="button" onClick={health.reload} disabled={health.loading}>
          {health.loading ? 'Checking…' : 'Refresh'}
        </button>
      </div>
      <ErrorNotice error={health.error} title="Could not read the index health" />
      {!data && health.loading ? <p className="muted">Reading indexes and explaining the hot queries…</p> : null}
      {data ? (
        <>
          <CreateMissingIndexes missing={data.missing} table={data.table} />
          <QueryPlans queries={data.queries} />
          <ExpectedIndexes expected={data.expected} />
          <PresentIndexes health={data} />
        </>
      ) : null}
    </div>
  );
}
