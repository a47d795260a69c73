import { Fragment, useState } from 'react';
import type { ConnectionState } from '../../../shared/contract';
import type { ProfileSummary } from '../../../shared/profile';
import { useAction } from '../../api/hooks';
import { EnvironmentBadge } from '../../components/EnvironmentBadge';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PasswordForm } from './PasswordForm';
import { PASSWORD_STORAGE_TEXT, toSavedInput } from './profile-fields';
import { TestResult } from './TestResult';

interface Props {
  profiles: ProfileSummary[];
  current: ConnectionState | null;
  /** The profile being connected to, while it is. */
  connecting: string | null;
  onConnect: (name: string) => void;
  onEdit: (profile: ProfileSummary) => void;
  onDelete: (profile: ProfileSummary) => void;
  /** A profile changed here (the read-only toggle, a managed profile's password): reload the list, say what happened. */
  onChanged: (message: string) => void;
  /** Whether the OS can encrypt a password (otherwise it is kept for this session only). */
  encryption?: boolean;
}

const COLUMNS = 8;

/**
 * The saved profiles with their test, connect, edit, delete and read-only controls; a managed
 * profile offers instead "Set password…", for the user's own password to it.
 */
export function ProfilesTable({ profiles, current, connecting, onConnect, onEdit, onDelete, onChanged, encryption = true }: Props) {
  const test = useAction('connection.test');
  const [tested, setTested] = useState<string | null>(null);
  /** The managed profile whose password form is open. */
  const [settingPassword, setSettingPassword] = useState<string | null>(null);
  const toggle = useAction('profiles.save');

  const runTest = (name: string) => {
    setTested(name);
    void test.run({ profile: name });
  };
  const setReadOnly = async (profile: ProfileSummary, readOnly: boolean) => {
    // No password in the input: the stored one stays as it is.
    const saved = await toggle.run({ profile: { ...toSavedInput(profile), readOnly } });
    if (!saved) return;
    const live = current?.connected && current.profileName === profile.name && !current.sandbox;
    onChanged(`'${profile.name}' is now ${readOnly ? 'read-only' : 'writable'}.${live ? ' Reconnect to apply it to the current connection.' : ''}`);
  };
  const passwordSaved = (saved: ProfileSummary) => {
    setSettingPassword(null);
    const live = current?.connected && current.profileName === saved.name && !current.sandbox;
    onChanged(
      (saved.hasPassword
        ? `Your password for '${saved.name}' is saved (${PASSWORD_STORAGE_TEXT[saved.passwordStorage]}).`
        : `Your password for '${saved.name}' is cleared.`) + (live ? ' Reconnect to use it for the current connection.' : ''),
    );
  };

  return (
    <>
      <ErrorNotice error={toggle.error} title="The read-only setting was not saved" />
      <table className="profiles-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Environment</th>
            <th>Host</th>
            <th>Database</th>
            <th>User</th>
            <th>Read-only</th>
            <th>Password</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {profiles.map((profile) => {
            const isCurrent = Boolean(current?.connected && !current.sandbox && current.profileName === profile.name);
            return (
              <Fragment key={profile.name}>
                <tr className={isCurrent ? 'profile-row current' : 'profile-row'} data-testid={`profile-${profile.name}`}>
                  <td>
                    <strong>{profile.name}</strong>
                    {profile.managed ? (
                      <span className="badge badge-managed" title="Shipped by your organisation: it cannot be edited or deleted here">
                        managed
                      </span>
                    ) : null}
                    {isCurrent ? <span className="muted"> · connected</span> : null}
                  </td>
                  <td>
                    <EnvironmentBadge environment={profile.environment} />
                  </td>
                  <td>
                    {profile.host}:{profile.port}
                    {profile.replica ? <span className="muted"> (replica {profile.replica.host}:{profile.replica.port}, reads it up to {profile.replica.maxLagSeconds} s behind)</span> : null}
                  </td>
                  <td>{profile.database}</td>
                  <td>{profile.user}</td>
                  <td>
                    <input
                      type="checkbox"
                      checked={profile.readOnly}
                      disabled={toggle.running || profile.managed}
                      aria-label={`Read-only: ${profile.name}`}
                      onChange={(event) => void setReadOnly(profile, event.target.checked)}
                    />
                  </td>
                  <td className={`password-${profile.passwordStorage}`}>{PASSWORD_STORAGE_TEXT[profile.passwordStorage]}</td>
                  <td className="profile-actions">
                    <button type="button" onClick={() => runTest(profile.name)} disabled={test.running} aria-label={`Test ${profile.name}`}>
                      {test.running && tested === profile.name ? 'Testing…' : 'Test'}
                    </button>
                    <button
                      type="button"
                      className="primary"
                      onClick={() => onConnect(profile.name)}
                      disabled={Boolean(connecting) || isCurrent}
                      aria-label={`Connect to ${profile.name}`}
                    >
                      {connecting === profile.name ? 'Connecting…' : isCurrent ? 'Connected' : 'Connect'}
                    </button>
                    {/* A managed profile is the organisation's: no edit or delete (the back refuses them too), only the user's own password. */}
                    {profile.managed ? (
                      <button
                        type="button"
                        onClick={() => setSettingPassword(settingPassword === profile.name ? null : profile.name)}
                        aria-label={`Set password for ${profile.name}`}
                        aria-expanded={settingPassword === profile.name}
                      >
                        Set password…
                      </button>
                    ) : (
                      <>
                        <button type="button" onClick={() => onEdit(profile)} aria-label={`Edit ${profile.name}`}>
                          Edit
                        </button>
                        <button type="button" onClick={() => onDelete(profile)} aria-label={`Delete ${profile.name}`}>
                          Delete
                        </button>
                      </>
                    )}
                  </td>
                </tr>
                {profile.managed && settingPassword === profile.name ? (
                  <tr className="profile-test-row">
                    <td colSpan={COLUMNS}>
                      <PasswordForm profile={profile} encryption={encryption} onSaved={passwordSaved} onCancel={() => setSettingPassword(null)} />
                    </td>
                  </tr>
                ) : null}
                {tested === profile.name && !test.running && (test.result || test.error) ? (
                  <tr className="profile-test-row">
                    <td colSpan={COLUMNS}>
                      <TestResult name={profile.name} result={test.result} error={test.error} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
