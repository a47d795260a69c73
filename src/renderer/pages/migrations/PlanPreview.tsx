import type { MigrationPlan } from '../../../shared/results/schema';

/** The SQL each migration of a run would execute, in order: what the operator reads before confirming. */
export function PlanPreview({ plans, direction }: { plans: MigrationPlan[]; direction: 'up' | 'down' }) {
  if (plans.length === 0) {
    return <p className="muted">Nothing to {direction === 'up' ? 'apply' : 'revert'}.</p>;
  }
  return (
    <ol className="plan-preview" aria-label="SQL preview">
      {plans.map((plan) => (
        <li key={plan.name}>
          <div>
            <code>{plan.name}</code> <span className="muted">{plan.description}</span>
          </div>
          {plan.steps.length === 0 ? <p className="muted">No statements.</p> : null}
          {plan.steps.map((step, index) => (
            <div key={index} className="plan-step">
              <div>{step.summary}</div>
              {step.sql ? <pre>{step.sql}</pre> : <p className="muted">Already present: adopted, no SQL runs.</p>}
              {step.fallbackSql ? (
                <details>
                  <summary className="muted">If the server refuses it</summary>
                  <pre>{step.fallbackSql}</pre>
                </details>
              ) : null}
            </div>
          ))}
        </li>
      ))}
    </ol>
  );
}
