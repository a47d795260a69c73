import { useId, useState, type FormEvent } from 'react';
import type { ProfileSummary } from '../../../shared/profile';
import { useAction } from '../../api/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PASSWORD_STORAGE_TEXT } from './profile-fields';

interface Props {
  /** A managed profile: its definition is the organisation's, the password the user's own. */
  profile: ProfileSummary;
  /** Whether the OS can encrypt a password (otherwise it is kept for this session only). */
  encryption: boolean;
  onSaved: (saved: ProfileSummary) => void;
  onCancel: () => void;
}

/**
 * The user's own password for a managed profile (profiles.setPassword): Save stores it, Clear
 * forgets it. Never pre-filled, never shown; the table shows only where it is kept.
 */
export function PasswordForm({ profile, encryption, onSaved, onCancel }: Props) {
  const [password, setPassword] = useState('');
  const save = useAction('profiles.setPassword');
  const id = useId();

  const run = async (value: string) => {
    const saved = await save.run({ name: profile.name, password: value });
    if (saved) onSaved(saved);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password) void run(password);
  };

  const hint = profile.hasPassword
    ? `Your password is stored (${PASSWORD_STORAGE_TEXT[profile.passwordStorage]}); a new one replaces it.`
    : encryption
      ? 'Stored encrypted by the OS, for you only; the profile itself stays as your organisation ships it.'
      : 'Encryption unavailable: kept for this session only.';

  return (
    <form className="password-form" onSubmit={submit} aria-label={`Password for ${profile.name}`}>
      <div className="row">
        <div className="form-field">
          <label htmlFor={id}>Your password for {profile.name}</label>
          <input
            id={id}
            type="password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            autoComplete="new-password"
            maxLength={1024}
            aria-describedby={`${id}-hint`}
            autoFocus
          />
        </div>
        <button type="submit" className="primary" disabled={save.running || !password}>
          {save.running ? 'Saving…' : 'Save password'}
        </button>
        {profile.hasPassword ? (
          <button type="button" onClick={() => void run('')} disabled={save.running}>
            Clear password
          </button>
        ) : null}
        <button type="button" onClick={onCancel} disabled={save.running}>
          Cancel
        </button>
      </div>
      <span id={`${id}-hint`} className="field-hint muted">
        {hint}
      </span>
      <ErrorNotice error={save.error} title="The password was not saved" />
    </form>
  );
}
