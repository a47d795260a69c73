import { useState, type FormEvent } from 'react';
import { EMPTY_FILTER, filterProblem, KNOWN_ACTIONS, type AuditFilterForm } from './audit-filter';

/** Filter by action, actor and time range; applied on submit so typing does not query on every key. */
export function AuditFilters({ applied, onApply }: { applied: AuditFilterForm; onApply: (filter: AuditFilterForm) => void }) {
  const [form, setForm] = useState<AuditFilterForm>(applied);
  const [problem, setProblem] = useState<string | null>(null);
  const set = (key: keyof AuditFilterForm) => (event: { target: { value: string } }) => setForm((previous) => ({ ...previous, [key]: event.target.value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const why = filterProblem(form);
    setProblem(why);
    if (!why) onApply(form);
  };
  const clear = () => {
    setForm(EMPTY_FILTER);
    setProblem(null);
    onApply(EMPTY_FILTER);
  };

  return (
    <form className="row audit-filters" onSubmit={submit} aria-label="Audit filters">
      <label>
        Action
        <input value={form.action} onChange={set('action')} list="audit-actions" placeholder="any (part of a name: cleanup)" title="Matches any action containing this text" />
        <datalist id="audit-actions">
          {KNOWN_ACTIONS.map((action) => (
            <option key={action} value={action} />
          ))}
        </datalist>
      </label>
      <label>
        Actor
        <input value={form.actor} onChange={set('actor')} placeholder="user@host" />
      </label>
      <label>
        From (UTC)
        <input type="datetime-local" value={form.from} onChange={set('from')} aria-invalid={problem?.includes('from') || undefined} />
      </label>
      <label>
        To (UTC)
        <input type="datetime-local" value={form.to} onChange={set('to')} aria-invalid={problem?.includes('"to"') || undefined} />
      </label>
      <button type="submit" className="primary">
        Apply
      </button>
      <button type="button" onClick={clear}>
        Clear
      </button>
      {problem ? (
        <span className="field-error" role="alert">
          {problem}
        </span>
      ) : null}
    </form>
  );
}
