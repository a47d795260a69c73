import type { CallError } from '../../api/call-error';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FIELD_LABELS } from './profile-fields';

/**
 * The form's error: when the back refused fields the form shows (each message at its field), it
 * names those fields in words instead of repeating the back's "Invalid draft.port: …"; any other
 * error is shown as the back described it.
 */
export function FormErrorNotice({ error, fields, title }: { error: CallError | null; fields: Record<string, string>; title: string }) {
  const named = Object.keys(fields).filter((field) => field in FIELD_LABELS);
  if (!error || named.length === 0) return <ErrorNotice error={error} title={title} />;
  return (
    <div className="notice notice-error" role="alert">
      <strong>{title}</strong>
      <p>
        Correct the highlighted {named.length === 1 ? 'field' : 'fields'} ({named.map((field) => FIELD_LABELS[field]).join(', ')}) and try again.
      </p>
    </div>
  );
}
