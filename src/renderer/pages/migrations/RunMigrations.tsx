import { useState } from 'react';
import type { MigrationOverview, MigrationPlan } from '../../../shared/results/schema';
import { useAction } from '../../api/hooks';
import { ConfirmDialog, type ConfirmRequest } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ProgressNotice } from '../../components/ProgressNotice';
import { WriteButton } from '../../components/ActionButton';
import { plural } from '../../../shared/plural';
import { PlanPreview } from './PlanPreview';
import { useProgressLines } from './use-progress-lines';

type Direction = 'up' | 'down';

interface Selection {
  direction: Direction;
  /** '' = all pending (up) or the last applied one (down). */
  to: string;
}

const sameSelection = (a: Selection, b: Selection) => a.direction === b.direction && a.to === b.to;

/**
 * Run up or down: choose how far, read the SQL preview, confirm (down: type the database name),
 * then watch the progress lines until the result. `blockedBy` says why running is not possible
 * now (someone holds the migration lock). A run, done or stopped, makes every answer stale
 * (api/invalidates.ts): the status above reads the schema as it is now.
 */
export function RunMigrations({ overview, database, blockedBy }: { overview: MigrationOverview; database: string; blockedBy: string | null }) {
  const [selection, setSelection] = useState<Selection>({ direction: 'up', to: '' });
  const [planned, setPlanned] = useState<{ selection: Selection; plans: MigrationPlan[] } | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const [lastRun, setLastRun] = useState<Direction | null>(null);
  const plan = useAction('migrations.plan');
  const up = useAction('migrations.up');
  const down = useAction('migrations.down');
  const progress = useProgressLines('migrations');

  const running = up.running || down.running;
  const run = lastRun === 'down' ? down : up;
  const current = planned && sameSelection(planned.selection, selection) ? planned.plans : null;
  const newestFirst = [...overview.applied].reverse();
  // Up is always the default; with nothing pending it has nothing to do, and Down stays an explicit choice.
  const nothingPending = selection.direction === 'up' && overview.pending.length === 0;

  const choose = (next: Selection) => {
    setSelection(next);
    plan.reset();
  };

  const preview = async () => {
    const asked = selection;
    const plans = await plan.run({ direction: asked.direction, ...(asked.to ? { to: asked.to } : {}) });
    if (plans) setPlanned({ selection: asked, plans });
  };

  const askToRun = () => {
    if (!current || current.length === 0) return;
    const reverting = selection.direction === 'down';
    setConfirm({
      title: reverting ? `Revert ${plural(current.length, 'migration')}` : `Apply ${plural(current.length, 'migration')}`,
      database,
      rows: null,
      confirmLabel: reverting ? 'Revert' : 'Apply',
      askReason: true,
      typeToConfirm: reverting,
      body: (
        <div>
          <p>
            {reverting ? 'Reverts' : 'Applies'} <strong>{plural(current.length, 'migration')}</strong> on <strong>{database}</strong>:{' '}
            {current.map((migration) => migration.name).join(', ')}.
          </p>
          {reverting ? (
            <p className="verdict-warn">Reverting drops the columns and indexes these migrations created; the pool data in those columns is lost.</p>
          ) : null}
        </div>
      ),
    });
  };

  const confirmed = async (reason: string) => {
    const direction = selection.direction;
    const input = { ...(selection.to ? { to: selection.to } : {}), reason };
    setConfirm(null);
    setLastRun(direction);
    up.reset();
    down.reset();
    progress.clear();
    await (direction === 'up' ? up.run(input) : down.run(input));
    // Whether it finished or stopped part-way, the schema may have changed: the old plan is void.
    setPlanned(null);
    setSelection((previous) => ({ ...previous, to: '' }));
  };

  const targets =
    selection.direction === 'up'
      ? [{ value: '', label: `All pending (${overview.pending.length})` }, ...overview.pending.map((m) => ({ value: m.name, label: `Up to and including ${m.name}` }))]
      : [
          { value: '', label: newestFirst[0] ? `The last applied (${newestFirst[0].name})` : 'The last applied (none)' },
          ...newestFirst.map((m) => ({ value: m.name, label: `Back to and including ${m.name}` })),
        ];

  return (
    <section className="panel" aria-labelledby="migrations-run">
      <h2 id="migrations-run">Run migrations</h2>
      <div className="row">
        <label>
          Direction
          <select value={selection.direction} onChange={(event) => choose({ direction: event.target.value as Direction, to: '' })} disabled={running}>
            <option value="up">Up (apply)</option>
            <option value="down">Down (revert)</option>
          </select>
        </label>
        <label>
          How far
          <select value={selection.to} onChange={(event) => choose({ ...selection, to: event.target.value })} disabled={running}>
            {targets.map((target) => (
              <option key={target.value} value={target.value}>
                {target.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void preview()} disabled={plan.running || running || nothingPending}>
          {plan.running ? 'Preparing preview…' : 'Preview SQL'}
        </button>
        <WriteButton
          className={selection.direction === 'down' ? 'danger' : 'primary'}
          onClick={askToRun}
          disabled={!current || current.length === 0 || running || Boolean(blockedBy) || nothingPending}
          title={blockedBy ?? (current ? undefined : 'Preview the SQL first')}
        >
          {selection.direction === 'up' ? 'Run up' : 'Run down'}
          {current && current.length > 0 ? ` (${plural(current.length, 'migration')})` : ''}
        </WriteButton>
      </div>
      {blockedBy ? <p className="verdict-warn">Running is disabled while another migration holds the lock.</p> : null}
      {overview.clusterWarning ? <p className="verdict-warn" data-code="galera-ddl">{overview.clusterWarning}</p> : null}
      {nothingPending ? (
        <p className="muted" data-testid="nothing-pending">
          Nothing is pending: the schema is up to date. Reverting is a separate choice (Direction: Down).
        </p>
      ) : !current && !plan.running ? (
        <p className="muted">Preview the SQL to see exactly what will run; running is possible after that.</p>
      ) : null}
      <ErrorNotice error={plan.error} title="The preview failed" />
      {current ? <PlanPreview plans={current} direction={selection.direction} /> : null}

      <ProgressNotice operation="migrations" active={running} onCancel={run.cancel} />
      {progress.lines.length > 0 ? (
        <ol className="progress-lines" aria-label="Migration progress">
          {progress.lines.map((line, index) => (
            <li key={index}>{line.message}</li>
          ))}
        </ol>
      ) : null}
      <ErrorNotice error={run.error} title={lastRun === 'down' ? 'Reverting stopped' : 'Migrating stopped'} />
      {run.result ? (
        <div className="notice notice-ok" role="status">
          {run.result.length === 0
            ? 'Nothing needed to run.'
            : `${lastRun === 'down' ? 'Reverted' : 'Applied'} ${plural(run.result.length, 'migration')}: ${run.result.map((m) => m.name).join(', ')}.`}
        </div>
      ) : null}
      {confirm ? <ConfirmDialog request={confirm} onConfirm={(reason) => void confirmed(reason)} onCancel={() => setConfirm(null)} /> : null}
    </section>
  );
}
