import { WHAT_TO_DO, type CallError } from '../api/call-error';

/**
 * An error as the back described it, with what to do about it. A cancelled call is no failure:
 * it shows as a neutral notice with the back's account of what was done.
 */
export function ErrorNotice({ error, title }: { error: CallError | null; title?: string }) {
  if (!error) return null;
  if (error.code === 'CANCELLED') {
    return (
      <div className="notice notice-cancelled" role="status" aria-label="Cancelled">
        <strong>Cancelled:</strong> {error.message}
      </div>
    );
  }
  return (
    <div className="notice notice-error" role="alert">
      <strong>{title ?? 'That did not work'}</strong> <code className="code-tag">{error.code}</code>
      <p>{error.message}</p>
      <p className="muted">{WHAT_TO_DO[error.code]}</p>
    </div>
  );
}
