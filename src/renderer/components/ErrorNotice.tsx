import { WHAT_TO_DO, type CallError } from '../api/call-error';

/** An error as the back described it, with what to do about it. */
export function ErrorNotice({ error, title }: { error: CallError | null; title?: string }) {
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert">
      <strong>{title ?? 'That did not work'}</strong> <code className="code-tag">{error.code}</code>
      <p>{error.message}</p>
      <p className="muted">{WHAT_TO_DO[error.code]}</p>
    </div>
  );
}
