import { useState } from 'react';
import type { ProfileSummary } from '../../shared/profile';
import { useAction, useCall } from '../api/hooks';
import { useConnection } from '../app/connection-context';
import type { PageProps } from '../app/pages';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorNotice } from '../components/ErrorNotice';
import { CurrentConnection } from './connection/CurrentConnection';
import { ProfileForm } from './connection/ProfileForm';
import { ProfilesTable } from './connection/ProfilesTable';
import { SandboxPanel } from './connection/SandboxPanel';

/** Page 1: saved profiles (add, edit, test, connect, delete, read-only, a managed one's password) and the local sandbox. */
export function ConnectionPage({ navigate }: PageProps) {
  const { state, refresh } = useConnection();
  const info = useCall('app.info', {});
  const profiles = useCall('profiles.list', {});
  const connect = useAction('connection.connect');
  const remove = useAction('profiles.delete');
  const [connectingTo, setConnectingTo] = useState<string | null>(null);
  const [editing, setEditing] = useState<ProfileSummary | 'new' | null>(null);
  const [deleting, setDeleting] = useState<ProfileSummary | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const encryption = info.data?.passwordEncryption !== false;
  const list = profiles.data ?? [];
  const noProfiles = profiles.data !== undefined && list.length === 0;
  // The sandbox is the first thing to offer only while nothing is open yet.
  const offerSandboxFirst = noProfiles && !state?.sandbox;

  // Once connected, every page's connection state must know at once; then the incident view.
  const connected = async () => {
    await refresh();
    navigate('overview');
  };
  const connectTo = async (name: string) => {
    setMessage(null);
    setConnectingTo(name);
    const result = await connect.run({ profile: name });
    setConnectingTo(null);
    if (result) await connected();
  };
  // The profile writes make the list stale themselves (api/invalidates.ts).
  const changed = (text: string) => setMessage(text);
  const confirmDelete = async () => {
    const profile = deleting;
    setDeleting(null);
    if (!profile) return;
    const result = await remove.run({ name: profile.name });
    if (result) changed(result.deleted ? `Profile '${profile.name}' deleted.` : `Profile '${profile.name}' was already gone.`);
  };

  return (
    <div className="page connection-page">
      <div className="row page-head">
        <h1>Connection</h1>
        <button type="button" className="push-right" onClick={() => setEditing('new')} disabled={editing !== null}>
          Add profile
        </button>
      </div>
      <CurrentConnection state={state} />
      {!encryption ? (
        <div className="notice notice-warn" role="note">
          Encryption unavailable: passwords kept for this session only. They are never written to disk, so enter them again after a restart.
        </div>
      ) : null}
      {message ? (
        <div className="notice notice-ok" role="status">
          {message}
        </div>
      ) : null}
      {offerSandboxFirst ? <SandboxPanel prominent onOpened={() => void connected()} /> : null}
      {editing ? (
        <ProfileForm
          key={editing === 'new' ? 'new' : editing.name}
          initial={editing === 'new' ? null : editing}
          encryption={encryption}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            changed(`Profile '${saved.name}' saved.`);
          }}
        />
      ) : null}
      <section className="panel" aria-label="Saved profiles">
        <h2>Saved profiles</h2>
        <ErrorNotice error={profiles.error} title="Could not read the saved profiles" />
        <ErrorNotice error={connect.error} title="Could not connect" />
        <ErrorNotice error={remove.error} title="The profile was not deleted" />
        {noProfiles ? <p className="muted">No saved profiles yet: add one for your booking database, or open the local sandbox above.</p> : null}
        {list.length ? (
          <ProfilesTable
            profiles={list}
            current={state}
            connecting={connectingTo}
            onConnect={(name) => void connectTo(name)}
            onEdit={(profile) => setEditing(profile)}
            onDelete={(profile) => setDeleting(profile)}
            onChanged={changed}
            encryption={encryption}
          />
        ) : null}
      </section>
      {!offerSandboxFirst && profiles.data ? <SandboxPanel prominent={false} onOpened={() => void connected()} /> : null}
      {deleting ? (
        <ConfirmDialog
          request={{
            title: `Delete profile '${deleting.name}'?`,
            database: deleting.database,
            rows: null,
            body: <p>Only the saved profile and its stored password are deleted; the database itself is not touched.</p>,
            confirmLabel: 'Delete profile',
          }}
          onConfirm={() => void confirmDelete()}
          onCancel={() => setDeleting(null)}
        />
      ) : null}
    </div>
  );
}
