import { formatUtc } from '../../../shared/format';
import { ALERT_KIND_TEXT, type AlertRule } from '../../../shared/results/alerts';
import { WriteButton } from '../../components/ActionButton';
import { formatAlertValue, thresholdUsed } from './alert-text';

/** Every rule with what its two numbers mean (ALERT_KIND_TEXT), who changed it last, and Edit. */
export function RulesTable({ rules, firingKinds, onEdit }: { rules: readonly AlertRule[]; firingKinds: ReadonlySet<string>; onEdit: (rule: AlertRule) => void }) {
  return (
    <div className="table-scroll">
      <table className="alert-rules" aria-label="Alert rules">
        <thead>
          <tr>
            <th>Rule</th>
            <th>On</th>
            <th>Threshold</th>
            <th>Window</th>
            <th>Last changed</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rules.map((rule) => {
            const text = ALERT_KIND_TEXT[rule.kind];
            return (
              <tr key={rule.kind} data-testid={`rule-${rule.kind}`} data-enabled={rule.enabled} className={firingKinds.has(rule.kind) ? 'rule-firing' : undefined}>
                <td>
                  <strong>{text.title}</strong>
                  {firingKinds.has(rule.kind) ? <span className="verdict-bad"> · firing</span> : null}
                </td>
                <td>{rule.enabled ? 'on' : <span className="muted">off</span>}</td>
                <td data-testid="threshold">
                  {thresholdUsed(rule.kind) ? <>{formatAlertValue(rule.threshold)} </> : null}
                  <span className="muted">{text.threshold}</span>
                </td>
                <td data-testid="window">
                  {rule.windowMinutes} min <span className="muted">{text.window}</span>
                </td>
                <td>{rule.updatedBy ? `${rule.updatedBy}, ${formatUtc(rule.updatedAt)}` : <span className="muted">shipped default</span>}</td>
                <td>
                  <WriteButton onClick={() => onEdit(rule)} aria-label={`Edit ${text.title}`}>
                    Edit
                  </WriteButton>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
