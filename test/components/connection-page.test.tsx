import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import { WHAT_TO_DO } from '../../src/renderer/api/call-error';
import { createInMemoryApi, type InMemoryApiOptions } from '../fakes/in-memory-api';

function start(options: InMemoryApiOptions = {}, seed?: (fake: ReturnType<typeof createInMemoryApi>) => void) {
  const fake = createInMemoryApi({ liveTimer: false, ...options });
  seed?.(fake);
  render(<App api={fake.api} initialPage="connection" />);
  return { fake, user: userEvent.setup() };
}

const row = (name: string) => screen.findByTestId(`profile-${name}`);
const navItem = (title: string) => within(screen.getByRole('navigation', { name: 'Pages' })).getByRole('button', { name: new RegExp(`^${title}`) });

describe('Connection page', () => {
  it('lists the profiles with environment, host, database, read-only and where the password lives', async () => {
    start();
    const production = await row('production');
    expect(within(production).getByTestId('environment-badge').textContent).toBe('PRODUCTION');
    expect(within(production).getByTestId('environment-badge').className).toContain('badge-production');
    expect(production.textContent).toContain('db-prod.example.internal:3306');
    expect(production.textContent).toContain('booking');
    expect(production.textContent).toContain('encrypted');
    expect((within(production).getByRole('checkbox', { name: 'Read-only: production' }) as HTMLInputElement).checked).toBe(true);
    const staging = await row('staging');
    expect(within(staging).getByTestId('environment-badge').textContent).toBe('STAGING');
    expect((within(staging).getByRole('checkbox', { name: 'Read-only: staging' }) as HTMLInputElement).checked).toBe(false);
    // The current connection is named, and its Connect button says so.
    expect(within(staging).getByRole('button', { name: 'Connect to staging' }).textContent).toBe('Connected');
    expect(screen.getByRole('region', { name: 'Current connection' }).textContent).toContain('booking_staging');
    expect(screen.queryByText(/Encryption unavailable/)).toBeNull();
  });

  it('says when passwords are kept for this session only', async () => {
    start({ passwordEncryption: false }, (fake) => {
      fake.model.profiles[1]!.passwordStorage = 'session-only';
      fake.model.profiles[0]!.passwordStorage = 'none';
      fake.model.profiles[0]!.hasPassword = false;
    });
    expect(await screen.findByText(/Encryption unavailable: passwords kept for this session only/)).toBeTruthy();
    expect((await row('staging')).textContent).toContain('this session only');
    expect((await row('production')).textContent).toContain('no password');
  });

  it('adds a profile: the back’s validation message shows at the field, then the corrected profile is saved', async () => {
    const { user, fake } = start();
    await row('staging');
    await user.click(screen.getByRole('button', { name: 'Add profile' }));
    const form = screen.getByRole('form', { name: 'New profile' });
    await user.type(within(form).getByLabelText('Name'), 'reporting');
    await user.type(within(form).getByLabelText('Host'), 'db-report.example.internal');
    await user.type(within(form).getByLabelText('User'), 'reader');
    await user.type(within(form).getByLabelText('Database'), 'booking report');
    await user.type(within(form).getByLabelText('Password'), 's3cret');
    await user.click(within(form).getByRole('button', { name: 'Save profile' }));

    expect(await within(form).findByText('letters, digits, _, $ or - only')).toBeTruthy();
    expect(within(form).getByLabelText('Database').getAttribute('aria-invalid')).toBe('true');
    expect(within(form).getByRole('alert').textContent).toContain('Correct the highlighted field (Database) and try again.');
    expect(fake.model.profiles.map((p) => p.name)).not.toContain('reporting');

    await user.clear(within(form).getByLabelText('Database'));
    await user.type(within(form).getByLabelText('Database'), 'booking_report');
    await user.click(within(form).getByRole('button', { name: 'Save profile' }));

    expect(await screen.findByText("Profile 'reporting' saved.")).toBeTruthy();
    expect(screen.queryByRole('form', { name: 'New profile' })).toBeNull();
    const saved = await row('reporting');
    expect(saved.textContent).toContain('db-report.example.internal:3306');
    expect(saved.textContent).toContain('encrypted');
    expect(fake.callsOf('profiles.save').at(-1)).toEqual({
      profile: expect.objectContaining({ name: 'reporting', host: 'db-report.example.internal', port: 3306, user: 'reader', database: 'booking_report', environment: 'staging', readOnly: false }),
      password: 's3cret',
    });
  });

  it('words a refused field as a person would, at the field, without the contract path or zod phrasing', async () => {
    const { user, fake } = start();
    await row('staging');
    await user.click(screen.getByRole('button', { name: 'Add profile' }));
    const form = screen.getByRole('form', { name: 'New profile' });
    await user.type(within(form).getByLabelText('Name'), 'reporting');
    await user.type(within(form).getByLabelText('Host'), 'db-report.example.internal');
    await user.clear(within(form).getByLabelText('Port'));
    await user.type(within(form).getByLabelText('Port'), '70000');
    await user.type(within(form).getByLabelText('User'), 'reader');
    await user.type(within(form).getByLabelText('Database'), 'booking_report');

    for (const button of ['Test these settings', 'Save profile']) {
      await user.click(within(form).getByRole('button', { name: button }));
      const port = within(form).getByLabelText('Port');
      await waitFor(() => expect(port.getAttribute('aria-invalid')).toBe('true'));
      expect(document.getElementById(port.getAttribute('aria-describedby')!)!.textContent).toBe('Port must be a whole number between 1 and 65535');
      expect(within(form).getByRole('alert').textContent).toContain('Correct the highlighted field (Port) and try again.');
      expect(form.textContent).not.toMatch(/draft\.port|profile\.port|Too big|<=65535/);
    }
    expect(fake.model.profiles.map((p) => p.name)).not.toContain('reporting');
  });

  it('fills host, port, user, database and password from a mysql:// URL pasted into Host, never showing the password', async () => {
    const { user, fake } = start();
    await row('staging');
    await user.click(screen.getByRole('button', { name: 'Add profile' }));
    const form = screen.getByRole('form', { name: 'New profile' });
    const value = (label: string) => (within(form).getByLabelText(label) as HTMLInputElement).value;
    await user.type(within(form).getByLabelText('Name'), 'reporting');
    await user.click(within(form).getByLabelText('Host'));
    await user.paste('mysql://reader:s3cr%40t@db-report.example.internal:3307/booking_report');

    expect(value('Host')).toBe('db-report.example.internal');
    expect(value('Port')).toBe('3307');
    expect(value('User')).toBe('reader');
    expect(value('Database')).toBe('booking_report');
    expect(value('Password')).toBe('s3cr@t');
    expect(form.textContent).toContain('Filled from the URL: host, port, user, database, password.');
    expect(form.textContent).not.toMatch(/s3cr/);

    await user.click(within(form).getByRole('button', { name: 'Save profile' }));
    expect(await screen.findByText("Profile 'reporting' saved.")).toBeTruthy();
    expect(fake.callsOf('profiles.save').at(-1)).toEqual({
      profile: expect.objectContaining({ name: 'reporting', host: 'db-report.example.internal', port: 3307, user: 'reader', database: 'booking_report' }),
      password: 's3cr@t',
    });
  });

  it('says at Host why a pasted URL cannot be read, without echoing it', async () => {
    const { user, fake } = start();
    await row('staging');
    await user.click(screen.getByRole('button', { name: 'Add profile' }));
    const form = screen.getByRole('form', { name: 'New profile' });
    await user.click(within(form).getByLabelText('Host'));
    await user.paste('mysql://reader:hunter2@db-report.example.internal:99999/booking');

    const host = within(form).getByLabelText('Host') as HTMLInputElement;
    expect(host.value).toBe('');
    expect(host.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(host.getAttribute('aria-describedby')!)!.textContent).toContain('Expected mysql://user:password@host:port/database.');
    expect(form.textContent).not.toMatch(/hunter2/);
    expect(fake.callsOf('profiles.save')).toEqual([]);
  });

  it('edits a profile without showing its password; left empty, the stored password is kept', async () => {
    const { user, fake } = start();
    await user.click(within(await row('production')).getByRole('button', { name: 'Edit production' }));
    const form = screen.getByRole('form', { name: 'Edit profile production' });
    const password = within(form).getByLabelText('Password') as HTMLInputElement;
    expect(password.value).toBe('');
    expect(password.type).toBe('password');
    expect(form.textContent).toContain('leave empty to keep it');
    await user.clear(within(form).getByLabelText('Host'));
    await user.type(within(form).getByLabelText('Host'), 'db-prod-2.example.internal');
    await user.click(within(form).getByRole('button', { name: 'Save profile' }));

    await waitFor(() => expect((screen.getByTestId('profile-production')).textContent).toContain('db-prod-2.example.internal'));
    const input = fake.callsOf('profiles.save').at(-1) as Record<string, unknown>;
    expect(input).not.toHaveProperty('password');
    expect(input.profile).toMatchObject({ name: 'production', environment: 'production', readOnly: true });
    expect(fake.model.profiles.find((p) => p.name === 'production')?.passwordStorage).toBe('encrypted');
  });

  it('tests a profile: the server, round trip and BOOKING_PLAN — or the error and what to do', async () => {
    const { user, fake } = start({}, (f) => {
      f.model.profiles.push({ name: 'legacy', host: 'db-old.example.internal', port: 3306, user: 'ops', database: 'booking', environment: 'staging', readOnly: false, hasPassword: false, passwordStorage: 'none', managed: false });
    });
    await user.click(within(await row('staging')).getByRole('button', { name: 'Test staging' }));
    const result = await screen.findByRole('status', { name: 'Test result for staging' });
    expect(result.textContent).toContain('10.11.8-MariaDB');
    expect(result.textContent).toContain('round trip 2.4 ms');
    expect(result.textContent).toContain('BOOKING_PLAN found.');
    expect(fake.callsOf('connection.test')).toEqual([{ profile: 'staging' }]);

    await user.click(screen.getByRole('button', { name: 'Test legacy' }));
    const failure = await screen.findByText(/Test of 'legacy' failed/);
    const notice = failure.closest('[role="alert"]')!;
    expect(notice.textContent).toContain('Cannot reach db-old.example.internal:3306');
    expect(notice.textContent).toContain(WHAT_TO_DO.UNREACHABLE);
    expect(screen.queryByRole('status', { name: 'Test result for staging' })).toBeNull();
  });

  it('connects to a profile and opens the Overview', async () => {
    const { user, fake } = start({ connection: 'disconnected' });
    await user.click(within(await row('staging')).getByRole('button', { name: 'Connect to staging' }));
    await waitFor(() => expect(navItem('Overview').getAttribute('aria-current')).toBe('page'));
    expect(fake.callsOf('connection.connect')).toEqual([{ profile: 'staging' }]);
    expect((await screen.findByTestId('connection-summary')).textContent).toContain('staging · booking_staging');
  });

  it('shows why a connection failed and stays on the page', async () => {
    const { user, fake } = start({ connection: 'disconnected' });
    fake.failNext('connection.connect', 'AUTH_FAILED', "Access denied for user 'pool_ops'");
    await user.click(within(await row('staging')).getByRole('button', { name: 'Connect to staging' }));
    const alert = await screen.findByText("Access denied for user 'pool_ops'");
    expect(alert.closest('[role="alert"]')!.textContent).toContain(WHAT_TO_DO.AUTH_FAILED);
    expect(navItem('Connection').getAttribute('aria-current')).toBe('page');
  });

  it('saves the read-only toggle, keeping the stored password', async () => {
    const { user, fake } = start();
    await user.click(within(await row('staging')).getByRole('checkbox', { name: 'Read-only: staging' }));
    expect(await screen.findByText(/'staging' is now read-only\. Reconnect to apply it/)).toBeTruthy();
    expect(fake.model.profiles.find((p) => p.name === 'staging')).toMatchObject({ readOnly: true, passwordStorage: 'encrypted' });
    const input = fake.callsOf('profiles.save').at(-1) as Record<string, unknown>;
    expect(input).not.toHaveProperty('password');
    await waitFor(() => expect((screen.getByRole('checkbox', { name: 'Read-only: staging' }) as HTMLInputElement).checked).toBe(true));
  });

  it('deletes a profile after a confirmation naming it', async () => {
    const { user, fake } = start();
    await user.click(within(await row('production')).getByRole('button', { name: 'Delete production' }));
    const dialog = screen.getByRole('dialog', { name: "Delete profile 'production'?" });
    expect(dialog.textContent).toContain('booking');
    await user.click(within(dialog).getByRole('button', { name: 'Delete profile' }));
    expect(await screen.findByText("Profile 'production' deleted.")).toBeTruthy();
    await waitFor(() => expect(screen.queryByTestId('profile-production')).toBeNull());
    expect(fake.callsOf('profiles.delete')).toEqual([{ name: 'production' }]);
  });

  it('opens the local sandbox with progress while it starts, then shows the Overview', async () => {
    const { user, fake } = start({ connection: 'disconnected', noProfiles: true });
    const panel = await screen.findByRole('region', { name: 'Local sandbox' });
    expect(panel.className).toContain('prominent');
    expect(screen.getByText(/No saved profiles yet/)).toBeTruthy();

    const release = fake.hold('connection.connect');
    await user.click(within(panel).getByRole('button', { name: 'Open the local sandbox' }));
    expect(await within(panel).findByText(/Starting the local database server/)).toBeTruthy();
    expect((within(panel).getByRole('button', { name: /Opening the sandbox/ }) as HTMLButtonElement).disabled).toBe(true);
    fake.emitProgress({ operation: 'connection', message: 'Initialising the data directory…' });
    expect(await within(panel).findByText(/Initialising the data directory/)).toBeTruthy();

    release();
    await waitFor(() => expect(navItem('Overview').getAttribute('aria-current')).toBe('page'));
    expect(fake.callsOf('connection.connect')).toEqual([{ sandbox: true }]);
    expect(within(await screen.findByTestId('connection-summary')).getByTestId('environment-badge').textContent).toBe('SANDBOX');
  });
});
