import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import { createInMemoryApi } from '../fakes/in-memory-api';

const MANAGED = { name: 'corp-replica', host: 'db-ro.corp.internal', port: 3306, user: 'ops', database: 'booking', environment: 'production', readOnly: true, hasPassword: false, passwordStorage: 'none', managed: true } as const;

function start() {
  const fake = createInMemoryApi({ liveTimer: false });
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
});
