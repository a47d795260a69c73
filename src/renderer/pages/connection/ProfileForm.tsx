import { cloneElement, isValidElement, useId, useState, type FormEvent, type ReactNode } from 'react';
import type { InputOf } from '../../../shared/contract';
import { DEFAULT_MAX_LAG_SECONDS, ENVIRONMENTS, type Environment, type ProfileSummary, type SavedProfileInput } from '../../../shared/profile';
import { useAction } from '../../api/hooks';
import { FormErrorNotice } from './FormErrorNotice';
import { fieldErrors, PASSWORD_STORAGE_TEXT, toSavedInput } from './profile-fields';
import { TestResult } from './TestResult';
import { fillFromUrl, looksLikeDatabaseUrl } from './url-fill';

interface Props {
  /** The profile being edited, or null for a new one. */
  initial: ProfileSummary | null;
  /** Whether the OS can encrypt a password (otherwise it is kept for this session only). */
  encryption: boolean;
  onSaved: (saved: ProfileSummary) => void;
  onCancel: () => void;
}

/** Add or edit a profile. The password is never shown or pre-filled: left empty, the stored one is kept. */
export function ProfileForm({ initial, encryption, onSaved, onCancel }: Props) {
  const [name, setName] = useState(initial?.name ?? '');
  const [environment, setEnvironment] = useState<Environment>(initial?.environment ?? 'staging');
  const [host, setHost] = useState(initial?.host ?? '');
  const [port, setPort] = useState(String(initial?.port ?? 3306));
  const [user, setUser] = useState(initial?.user ?? '');
  const [database, setDatabase] = useState(initial?.database ?? '');
  const [readOnly, setReadOnly] = useState(initial?.readOnly ?? false);
  const [replicaHost, setReplicaHost] = useState(initial?.replica?.host ?? '');
  const [replicaPort, setReplicaPort] = useState(String(initial?.replica?.port ?? 3306));
  const [maxLag, setMaxLag] = useState(String(initial?.replica?.maxLagSeconds ?? DEFAULT_MAX_LAG_SECONDS));
  const [password, setPassword] = useState('');
  const [clearPassword, setClearPassword] = useState(false);
  const [urlNote, setUrlNote] = useState<{ ok: boolean; text: string } | null>(null);
  const save = useAction('profiles.save');
  const test = useAction('connection.test');
  const errors = fieldErrors(save.error ?? test.error);

  const draft = (): SavedProfileInput => ({
    ...(initial ? toSavedInput(initial) : {}),
    name, environment, host, port: Number(port), user, database, readOnly,
    replica: replicaHost.trim() ? { host: replicaHost, port: Number(replicaPort), maxLagSeconds: Number(maxLag) } : undefined,
  });
  // Empty keeps the stored password; '' is sent only to clear it on purpose.
  const passwordInput = clearPassword ? '' : password || undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    test.reset();
    const input: InputOf<'profiles.save'> = { profile: draft(), ...(passwordInput !== undefined ? { password: passwordInput } : {}) };
    const saved = await save.run(input);
    if (saved) onSaved(saved);
  };
  const runTest = () => {
    save.reset();
    void test.run({ draft: draft(), ...(passwordInput ? { password: passwordInput } : {}) });
  };

  // A mysql:// URL pasted (or typed) into Host fills the fields it names; the password goes only into the password field.
  const takeUrl = (text: string): boolean => {
    if (!looksLikeDatabaseUrl(text)) return false;
    const fill = fillFromUrl(text);
    if (!fill.ok) {
      setHost('');
      setUrlNote({ ok: false, text: fill.message });
      return true;
    }
    const { parts } = fill;
    setHost(parts.host ?? '');
    if (parts.port !== undefined) setPort(String(parts.port));
    if (parts.user !== undefined) setUser(parts.user);
    if (parts.database !== undefined) setDatabase(parts.database);
    if (parts.password !== undefined) {
      setPassword(parts.password);
      setClearPassword(false);
    }
    setUrlNote({ ok: true, text: `Filled from the URL: ${fill.filled.join(', ')}.` });
    return true;
  };

  const busy = save.running || test.running;
  return (
    <form className="panel profile-form" onSubmit={submit} aria-label={initial ? `Edit profile ${initial.name}` : 'New profile'}>
      <h2>{initial ? `Edit profile '${initial.name}'` : 'New profile'}</h2>
      <div className="profile-form-grid">
        <Field label="Name" error={errors.name} hint={initial ? 'The name identifies the profile; add a new one to rename.' : undefined}>
          <input value={name} onChange={(e) => setName(e.target.value)} readOnly={Boolean(initial)} required />
        </Field>
        <Field label="Environment" error={errors.environment}>
          <select value={environment} onChange={(e) => setEnvironment(e.target.value as Environment)}>
            {ENVIRONMENTS.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Host"
          error={errors.host ?? (urlNote && !urlNote.ok ? urlNote.text : undefined)}
          hint={urlNote?.ok ? urlNote.text : 'A server name, or paste a mysql:// URL to fill the fields.'}
        >
          <input
            value={host}
            onChange={(e) => {
              setHost(e.target.value);
              setUrlNote(null);
            }}
            onPaste={(e) => {
              if (takeUrl(e.clipboardData.getData('text'))) e.preventDefault();
            }}
            onBlur={() => takeUrl(host)}
          />
        </Field>
        <Field label="Port" error={errors.port}>
          <input value={port} onChange={(e) => setPort(e.target.value)} inputMode="numeric" />
        </Field>
        <Field label="User" error={errors.user}>
          <input value={user} onChange={(e) => setUser(e.target.value)} autoComplete="off" />
        </Field>
        <Field label="Database" error={errors.database}>
          <input value={database} onChange={(e) => setDatabase(e.target.value)} />
        </Field>
        <Field
          label="Password"
          error={errors.password}
          hint={
            initial?.hasPassword
              ? `Stored (${PASSWORD_STORAGE_TEXT[initial.passwordStorage]}); leave empty to keep it.`
              : encryption
                ? 'Stored encrypted by the OS.'
                : 'Encryption unavailable: kept for this session only.'
          }
        >
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" disabled={clearPassword} />
        </Field>
        <Field label="Read replica host (optional)" error={errors['replica.host'] ?? errors.replica} hint="Stats, history and entry lists read from it, sparing the primary.">
          <input value={replicaHost} onChange={(e) => setReplicaHost(e.target.value)} />
        </Field>
        {replicaHost.trim() ? (
          <>
            <Field label="Replica port" error={errors['replica.port']}>
              <input value={replicaPort} onChange={(e) => setReplicaPort(e.target.value)} inputMode="numeric" />
            </Field>
            <Field label="Max replica lag (seconds)" error={errors['replica.maxLagSeconds']} hint="Further behind than this, or not answering: reads go to the primary, and the pages say so.">
              <input value={maxLag} onChange={(e) => setMaxLag(e.target.value)} inputMode="numeric" />
            </Field>
          </>
        ) : null}
      </div>
      <div className="row profile-form-checks">
        <label className="checkbox-label">
          <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} /> Read-only (refuse every change)
        </label>
        {initial?.hasPassword ? (
          <label className="checkbox-label">
            <input type="checkbox" checked={clearPassword} onChange={(e) => setClearPassword(e.target.checked)} /> Forget the stored password
          </label>
        ) : null}
      </div>
      <FormErrorNotice error={save.error ?? test.error} fields={errors} title={save.error ? 'The profile was not saved' : 'The test failed'} />
      <TestResult name={name || 'draft'} result={test.error ? undefined : test.result} error={null} />
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {save.running ? 'Saving…' : 'Save profile'}
        </button>
        <button type="button" onClick={runTest} disabled={busy}>
          {test.running ? 'Testing…' : 'Test these settings'}
        </button>
        <button type="button" onClick={onCancel} disabled={save.running}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Field({ label, error, hint, children }: { label: string; error?: string; hint?: string; children: ReactNode }) {
  const id = useId();
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      <FieldControl id={id} invalid={Boolean(error)} describedBy={error ? `${id}-error` : hint ? `${id}-hint` : undefined}>
        {children}
      </FieldControl>
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : hint ? (
        <span id={`${id}-hint`} className="field-hint muted">
          {hint}
        </span>
      ) : null}
    </div>
  );
}

/** Gives the one input/select child its id and error state, so the label and message belong to it. */
function FieldControl({ id, invalid, describedBy, children }: { id: string; invalid: boolean; describedBy?: string; children: ReactNode }) {
  if (!isValidElement<Record<string, unknown>>(children)) return <>{children}</>;
  return cloneElement(children, { id, 'aria-invalid': invalid || undefined, 'aria-describedby': describedBy });
}
