import { useState } from 'react';
import { ALERT_KIND_TEXT, alertRuleChangeSchema, type AlertRule } from '../../../shared/results/alerts';
import type { InputOf } from '../../../shared/contract';
import { WriteButton } from '../../components/ActionButton';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { thresholdUsed } from './alert-text';

export type RuleChange = Omit<InputOf<'alerts.rules.update'>, 'reason'>;

/** A decimal written as a person writes it ("5", "2.5"); null for anything else. */
function parseNumber(text: string): number | null {
  return /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : null;
}

/**
 * One rule's switch and numbers, checked as the back checks them (alertRuleChangeSchema), and
 * only what changed is sent, after a reason for the audit log.
 */
export function RuleEditor({ rule, database, saving, onSave, onCancel }: { rule: AlertRule; database: string; saving: boolean; onSave: (change: RuleChange, reason: string) => void; onCancel: () => void }) {
  const text = ALERT_KIND_TEXT[rule.kind];
  const [enabled, setEnabled] = useState(rule.enabled);
  const [thresholdText, setThresholdText] = useState(String(rule.threshold));
  const [windowText, setWindowText] = useState(String(rule.windowMinutes));
  const [confirming, setConfirming] = useState(false);

  const threshold = parseNumber(thresholdText);
  const windowMinutes = parseNumber(windowText);
  const change: RuleChange = {
    kind: rule.kind,
    ...(enabled !== rule.enabled ? { enabled } : {}),
    ...(threshold !== null && threshold !== rule.threshold ? { threshold } : {}),
    ...(windowMinutes !== null && windowMinutes !== rule.windowMinutes ? { windowMinutes } : {}),
  };
  const checked = alertRuleChangeSchema.safeParse(change);
  const thresholdBad = threshold === null || !alertRuleChangeSchema.shape.threshold.safeParse(threshold).success;
  const windowBad = windowMinutes === null || !alertRuleChangeSchema.shape.windowMinutes.safeParse(windowMinutes).success;
  const changed = Object.keys(change).length > 1;
  const ready = changed && checked.success && !thresholdBad && !windowBad;

  return (
    <section className="panel rule-editor" aria-label={`Edit ${text.title}`}>
      <h2>Edit: {text.title}</h2>
      <div className="row">
        <label>
          <input type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} /> Rule on
        </label>
        <label>
          Threshold ({text.threshold})
          <input value={thresholdText} onChange={(event) => setThresholdText(event.target.value)} inputMode="decimal" size={10} aria-invalid={thresholdBad} disabled={!thresholdUsed(rule.kind)} />
        </label>
        <label>
          Window in minutes ({text.window})
          <input value={windowText} onChange={(event) => setWindowText(event.target.value)} inputMode="numeric" size={8} aria-invalid={windowBad} />
        </label>
      </div>
      {thresholdBad ? <p className="verdict-bad">The threshold is a number from 0 to 1,000,000.</p> : null}
      {windowBad ? <p className="verdict-bad">The window is a whole number of minutes from 1 to 10,080 (7 days).</p> : null}
      <div className="row">
        <WriteButton className="primary" onClick={() => setConfirming(true)} disabled={!ready || saving}>
          Save…
        </WriteButton>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        {!changed && !thresholdBad && !windowBad ? <span className="muted">Nothing changed yet.</span> : null}
      </div>
      {confirming ? (
        <ConfirmDialog
          request={{
            title: `Change the rule “${text.title}”`,
            database,
            rows: null,
            confirmLabel: 'Save rule',
            askReason: true,
            body: <p>Every console and the agent share this rule: the recorder's leader uses the new values from its next sample.</p>,
          }}
          onConfirm={(reason) => {
            setConfirming(false);
            onSave(change, reason);
          }}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
    </section>
  );
}
