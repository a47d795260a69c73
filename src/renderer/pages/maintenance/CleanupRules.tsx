import { useEffect, useRef, useState } from 'react';
import type { CleanupRuleId, RuleFinding } from '../../../shared/results/maintenance';
import { useAction, useCall } from '../../api/hooks';
import { WriteButton } from '../../components/ActionButton';
import { changedCount } from '../../components/changed-count';
import { ConfirmDialog, type ConfirmRequest } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ProgressNotice } from '../../components/ProgressNotice';
import { formatCount, formatUtc } from '../../../shared/format';
import { plural } from '../../../shared/plural';

interface PendingApply {
  /** undefined = every rule, in the defined order. */
  rules: CleanupRuleId[] | undefined;
  request: ConfirmRequest;
}

/**
 * Each cleanup rule with what it detects, what its fix does, how many rows and which; apply one
 * rule or all of them. The back insists on `confirm` = the database's name, typed in the dialog.
 */
export function CleanupRules({ database }: { database: string }) {
  const preview = useCall('maintenance.cleanup.preview', {});
  const apply = useAction('maintenance.cleanup.apply');
  const [pending, setPending] = useState<PendingApply | null>(null);
  // What the confirmed preview counted, set against what the apply then changed.
  const [confirmedRows, setConfirmedRows] = useState<{ rules: CleanupRuleId[] | undefined; rows: number } | null>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  // The result appears at the top of the section; bring it into view where the operator is looking.
  useEffect(() => {
    if (apply.result) resultRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [apply.result]);
  const rules = preview.data?.rules ?? [];
  const total = rules.reduce((sum, rule) => sum + rule.count, 0);
  const titleOf = (id: CleanupRuleId) => rules.find((rule) => rule.id === id)?.title ?? id;

  const ask = (chosen: RuleFinding[] | 'all') => {
    const one = chosen === 'all' ? null : chosen[0];
    const rows = one ? one.count : total;
    setPending({
      rules: one ? [one.id] : undefined,
      request: {
        title: one ? `Apply cleanup: ${one.title}` : 'Apply every cleanup rule',
        database,
        rows,
        confirmLabel: one ? 'Apply this rule' : 'Apply all rules',
        askReason: true,
        typeToConfirm: true,
        body: one ? (
          <p>{one.fix}</p>
        ) : (
          <p>
            Runs the {plural(rules.length, 'rule')} in order. A row fixed under two rules counts twice, so fewer rows may change than the count.
          </p>
        ),
      },
    });
  };

  const confirmed = async (reason: string) => {
    if (!pending) return;
    const { rules: chosen, request } = pending;
    setPending(null);
    setConfirmedRows({ rules: chosen, rows: request.rows ?? 0 });
    apply.reset();
    await apply.run({ ...(chosen ? { rules: chosen } : {}), confirm: request.database, reason });
  };

  return (
    <section className="panel" aria-labelledby="cleanup-rules">
      <div className="row page-title">
        <h2 id="cleanup-rules">Cleanup rules</h2>
        {preview.data ? <span className="muted">counted at {formatUtc(preview.data.measuredAt)}</span> : null}
        <button type="button" onClick={preview.reload} disabled={preview.loading}>
          {preview.loading ? 'Counting…' : 'Count again'}
        </button>
        <WriteButton className="danger" onClick={() => ask('all')} disabled={total === 0 || apply.running || !preview.data} title={total === 0 ? 'Nothing to fix' : undefined}>
          Apply all ({plural(total, 'row')})
        </WriteButton>
      </div>
      <ProgressNotice operation="cleanup" active={apply.running} onCancel={apply.cancel} />
      <ErrorNotice error={apply.error} title="The cleanup stopped" />
      {apply.result ? (
        <div className="notice notice-ok" role="status" aria-label="Cleanup result" ref={resultRef}>
          <p>
            Cleanup applied on <strong>{database}</strong>:{' '}
            {changedCount(
              apply.result.total,
              confirmedRows?.rows ?? null,
              'row',
              undefined,
              confirmedRows?.rules ? 'the pool changed in between' : 'a row fixed under two rules counts once, or the pool changed in between',
            )}
            .
          </p>
          <ul>
            {apply.result.rules.map((rule) => (
              <li key={rule.id}>
                {titleOf(rule.id)}: {formatCount(rule.fixed)} fixed
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <ErrorNotice error={preview.error} title="Could not count the cleanup rules" />
      {preview.loading && !preview.data ? <p className="muted">Counting what each rule would fix…</p> : null}
      {rules.length > 0 ? (
        <table aria-label="Cleanup rules" className="rules-table">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Detects</th>
              <th>Fix</th>
              <th>Rows</th>
              <th>Sample booking ids</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => (
              <tr key={rule.id} data-testid={`rule-${rule.id}`} className={rule.count > 0 ? 'rule-finds' : undefined}>
                <td className="wrap">
                  <strong>{rule.title}</strong>
                  <div className="muted">
                    <code>{rule.id}</code>
                  </div>
                </td>
                <td className="wrap">{rule.detects}</td>
                <td className="wrap">{rule.fix}</td>
                <td className={rule.count > 0 ? 'verdict-warn' : 'verdict-good'}>{formatCount(rule.count)}</td>
                <td className="wrap">
                  {rule.sampleIds.length === 0 ? '—' : rule.sampleIds.join(', ')}
                  {rule.count > rule.sampleIds.length ? <span className="muted"> and {formatCount(rule.count - rule.sampleIds.length)} more</span> : null}
                </td>
                <td>
                  <WriteButton onClick={() => ask([rule])} disabled={rule.count === 0 || apply.running} title={rule.count === 0 ? 'Nothing to fix' : undefined}>
                    Apply
                  </WriteButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {pending ? <ConfirmDialog request={pending.request} onConfirm={(reason) => void confirmed(reason)} onCancel={() => setPending(null)} /> : null}
    </section>
  );
}
