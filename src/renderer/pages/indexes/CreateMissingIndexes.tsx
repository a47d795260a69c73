import { useState } from 'react';
import type { MigrationPlan } from '../../../shared/results/schema';
import { plural } from '../../../shared/plural';
import { useAction } from '../../api/hooks';
import { useConnection } from '../../app/connection-context';
import { WriteButton } from '../../components/ActionButton';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ProgressNotice } from '../../components/ProgressNotice';

const statements = (plans: MigrationPlan[]) => plans.reduce((sum, plan) => sum + plan.steps.filter((step) => step.sql !== null).length, 0);

/**
 * "Create missing indexes": the SQL first (a dry run), then a confirmation naming the database and
 * how many indexes, then the migration with its progress (and Cancel), a result, and fresh health
 * (the apply makes every answer stale: api/invalidates.ts).
 */
export function CreateMissingIndexes({ missing, table }: { missing: string[]; table: string }) {
  const database = useConnection().state?.database ?? 'the connected database';
  const preview = useAction('indexes.ensure.preview');
  const apply = useAction('indexes.ensure.apply');
  const [shown, setShown] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const count = missing.length;

  const showPreview = async () => {
    apply.reset();
    setShown(true);
    await preview.run({});
  };
  const run = async (reason: string) => {
    setConfirming(false);
    const done = await apply.run({ reason });
    if (done) {
      setShown(false);
      preview.reset();
    }
  };

  const plans = preview.result;
  return (
    <section className="panel" aria-label="Create missing indexes">
      <div className="page-head">
        <h2>Missing indexes</h2>
        <WriteButton className="primary" disabled={count === 0 || preview.running || apply.running} onClick={() => void showPreview()} title={count === 0 ? 'Nothing is missing.' : undefined}>
          Create missing indexes
        </WriteButton>
      </div>
      <p className={count === 0 ? 'muted' : 'verdict-bad'}>
        {count === 0 ? 'Nothing is missing: every expected index is present or served by another.' : `Missing: ${missing.join(', ')}.`}
      </p>
      <ErrorNotice error={preview.error} title="Could not prepare the preview" />
      {shown && preview.running ? <p className="muted">Preparing the preview…</p> : null}
      {shown && plans ? (
        <div className="preview" aria-label="Preview">
          <h3>Preview: what will run</h3>
          {statements(plans) === 0 ? <p className="muted">The migrations have nothing to run.</p> : null}
          {plans.map((plan) => (
            <div key={plan.name} className="plan">
              <p>
                <strong>{plan.name}</strong> <span className="muted">{plan.description}</span>
              </p>
              {plan.steps.map((step, position) => (
                <div key={position}>
                  <p className="small">{step.summary}</p>
                  {step.sql !== null ? <pre>{step.sql}</pre> : <p className="muted small">Nothing to run: adopted as it is.</p>}
                </div>
              ))}
            </div>
          ))}
          <div className="row">
            <WriteButton className="danger" disabled={apply.running || statements(plans) === 0} onClick={() => setConfirming(true)}>
              Create {plural(count, 'index', 'indexes')}
            </WriteButton>
            <button type="button" disabled={apply.running} onClick={() => setShown(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      <ProgressNotice operation="migrations" active={apply.running} onCancel={apply.cancel} />
      <ErrorNotice error={apply.error} title="Creating the indexes failed" />
      {apply.result ? (
        <div className="notice notice-ok" role="status">
          Done: ran {plural(statements(apply.result), 'statement')} in {plural(apply.result.length, 'migration')} ({apply.result.map((plan) => plan.name).join(', ') || 'none'}). Index health refreshed.
        </div>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          request={{
            title: `Create ${plural(count, 'missing index', 'missing indexes')}`,
            database,
            rows: null,
            body: (
              <p>
                Creates {plural(count, 'index', 'indexes')} on {table} ({missing.join(', ')}) through the migrations. Building an index on a large
                table takes a while; the table stays readable.
              </p>
            ),
            confirmLabel: `Create ${plural(count, 'index', 'indexes')}`,
            askReason: true,
          }}
          onConfirm={(reason) => void run(reason)}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
    </section>
  );
}
