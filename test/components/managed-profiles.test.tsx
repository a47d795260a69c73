import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import { createInMemoryApi } from '../fakes/in-memory-api';

const MANAGED = { name: 'corp-replica', host: 'db-ro.corp.internal', port: 3306, user: 'ops', database: 'booking', environment: 'production', readOnly: true, hasPassword: false, passwordStorage: 'none', managed: true } as const;

function start(options: { passwordEncryption?: boolean } = {}) {
  const fake = createInMemoryApi({ liveTimer: false, ...options });
  fake.model.profiles.push({ ...MANAGED });
  render(<App api={fake.api} initialPage="connection" />);
  return { fake, user: userEvent.setup() };
}

describe('Connection page: managed profiles', () => {
  it('marks a managed profile and offers no edit, delete or read-only toggle for it; the user’s own keep theirs', async () => {
    const { user, fake } = start();
    const managed = await screen.findByTestId('profile-corp-replica');
    expect(within(managed).getByText('managed').className).toContain('badge-managed');
    expect(within(managed).queryByRole('button', { name: 'Edit corp-replica' })).toBeNull();
    expect(within(managed).queryByRole('button', { name: 'Delete corp-replica' })).toBeNull();
    expect((within(managed).getByRole('checkbox', { name: 'Read-only: corp-replica' }) as HTMLInputElement).disabled).toBe(true);

    // it can still be tested and connected to
    await user.click(within(managed).getByRole('button', { name: 'Test corp-replica' }));
    expect(fake.callsOf('connection.test')).toEqual([{ profile: 'corp-replica' }]);
    expect(within(managed).getByRole('button', { name: 'Connect to corp-replica' })).toBeTruthy();

    const own = await screen.findByTestId('profile-production');
    expect(within(own).queryByText('managed')).toBeNull();
    expect(within(own).getByRole('button', { name: 'Edit production' })).toBeTruthy();
    expect(within(own).getByRole('button', { name: 'Delete production' })).toBeTruthy();
  });

  it('offers "Set password…" on a managed row only; Save stores the password, the list refreshes and shows where it is kept; Clear forgets it', async () => {
    const { user, fake } = start();
    const managed = await screen.findByTestId('profile-corp-replica');
    expect(managed.textContent).toContain('no password');
    expect(within(await screen.findByTestId('profile-production')).queryByRole('button', { name: 'Set password for production' })).toBeNull();

    await user.click(within(managed).getByRole('button', { name: 'Set password for corp-replica' }));
    const form = screen.getByRole('form', { name: 'Password for corp-replica' });
    const input = within(form).getByLabelText('Your password for corp-replica') as HTMLInputElement;
    expect(input.type).toBe('password');
    expect((within(form).getByRole('button', { name: 'Save password' }) as HTMLButtonElement).disabled).toBe(true);
    expect(within(form).queryByRole('button', { name: 'Clear password' })).toBeNull();
    await user.type(input, 'hunter2');
    const listsBefore = fake.callsOf('profiles.list').length;
    await user.click(within(form).getByRole('button', { name: 'Save password' }));

    expect(fake.callsOf('profiles.setPassword')).toEqual([{ name: 'corp-replica', password: 'hunter2' }]);
    expect(await screen.findByText("Your password for 'corp-replica' is saved (encrypted).")).toBeTruthy();
    expect(screen.queryByRole('form', { name: 'Password for corp-replica' })).toBeNull();
    expect(fake.callsOf('profiles.list').length).toBeGreaterThan(listsBefore);
    const refreshed = await screen.findByTestId('profile-corp-replica');
    expect(refreshed.querySelector('.password-encrypted')?.textContent).toBe('encrypted');
    expect(document.body.textContent).not.toContain('hunter2');
    // the definition is untouched: still managed, no edit or delete
    expect(within(refreshed).getByText('managed')).toBeTruthy();
    expect(fake.callsOf('profiles.save')).toEqual([]);

    await user.click(within(refreshed).getByRole('button', { name: 'Set password for corp-replica' }));
    const again = screen.getByRole('form', { name: 'Password for corp-replica' });
    expect(again.textContent).toContain('Your password is stored (encrypted)');
    await user.click(within(again).getByRole('button', { name: 'Clear password' }));
    expect(fake.callsOf('profiles.setPassword').at(-1)).toEqual({ name: 'corp-replica', password: '' });
    expect(await screen.findByText("Your password for 'corp-replica' is cleared.")).toBeTruthy();
    expect((await screen.findByTestId('profile-corp-replica')).querySelector('.password-none')?.textContent).toBe('no password');
  });

  it('says the password is kept for this session only without encryption, and shows a refusal', async () => {
    const { user, fake } = start({ passwordEncryption: false });
    const managed = await screen.findByTestId('profile-corp-replica');
    await user.click(within(managed).getByRole('button', { name: 'Set password for corp-replica' }));
    const form = screen.getByRole('form', { name: 'Password for corp-replica' });
    expect(await within(form).findByText('Encryption unavailable: kept for this session only.')).toBeTruthy();
    await user.type(within(form).getByLabelText('Your password for corp-replica'), 'pw');
    await user.click(within(form).getByRole('button', { name: 'Save password' }));
    expect(await screen.findByText("Your password for 'corp-replica' is saved (this session only).")).toBeTruthy();
    expect((await screen.findByTestId('profile-corp-replica')).querySelector('.password-session-only')?.textContent).toBe('this session only');

    fake.failNext('profiles.setPassword', 'INTERNAL', 'The profiles file is damaged.');
    await user.click(within(await screen.findByTestId('profile-corp-replica')).getByRole('button', { name: 'Set password for corp-replica' }));
    const again = screen.getByRole('form', { name: 'Password for corp-replica' });
    await user.type(within(again).getByLabelText('Your password for corp-replica'), 'pw2');
    await user.click(within(again).getByRole('button', { name: 'Save password' }));
    expect(await within(again).findByText('The password was not saved')).toBeTruthy();
    expect(screen.getByRole('form', { name: 'Password for corp-replica' })).toBeTruthy();
  });
});
