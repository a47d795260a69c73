import { formatCount } from '../../shared/format';
import { useId, useState, type ReactNode } from 'react';
import { isValidReason, REASON_HINT } from '../../shared/results/audit.js';

export interface ConfirmRequest {
  title: string;
  /** The database the change will touch: named, and typed back for a destructive change. */
  database: string;
  rows: number | null;
  body?: ReactNode;
  confirmLabel: string;
  /** Ask for a reason for the audit log: required (at least 3 non-blank characters) before the action can run. */
  askReason?: boolean;
  /** Make the operator type the database name (for big or destructive changes). */
  typeToConfirm?: boolean;
}

/** Confirms a destructive action, naming the database and the row count; collects the audit reason. */
export function ConfirmDialog({ request, onConfirm, onCancel }: { request: ConfirmRequest; onConfirm: (reason: string) => void; onCancel: () => void }) {
  const [reason, setReason] = useState('');
  const [typed, setTyped] = useState('');
  const hintId = useId();
  const reasonOk = !request.askReason || isValidReason(reason);
  const ready = reasonOk && (!request.typeToConfirm || typed === request.database);
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-label={request.title}>
        <h2>{request.title}</h2>
        <p>
          Database <strong>{request.database}</strong>
          {request.rows !== null ? (
            <>
              {' '}· <strong>{formatCount(request.rows)}</strong> row{request.rows === 1 ? '' : 's'}
            </>
          ) : null}
        </p>
        {request.body}
        {request.askReason ? (
          <label>
            Reason (required, recorded in the audit log)
            <input
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              maxLength={1000}
              required
              aria-invalid={!reasonOk}
              aria-describedby={reasonOk ? undefined : hintId}
            />
            {reasonOk ? null : (
              <span id={hintId} className="muted hint">
                {REASON_HINT}
              </span>
            )}
          </label>
        ) : null}
        {request.typeToConfirm ? (
          <label>
            Type <code>{request.database}</code> to confirm
            <input value={typed} onChange={(event) => setTyped(event.target.value)} aria-label="database name" />
          </label>
        ) : null}
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="danger" disabled={!ready} onClick={() => onConfirm(reason.trim())}>
            {request.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
