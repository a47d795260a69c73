import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import { createInMemoryApi } from '../fakes/in-memory-api';

/* The profile form's read replica fields (issue 13): host, port and the lag threshold, checked by the back. */

async function newProfileForm() {
  const fake = createInMemoryApi({ liveTimer: false });
  render(<App api={fake.api} initialPage="connection" />);
  const user = userEvent.setup();
  await screen.findByTestId('profile-staging');
  await user.click(screen.getByRole('button', { name: 'Add profile' }));
  const form = screen.getByRole('form', { name: 'New profile' });
  await user.type(within(form).getByLabelText('Name'), 'reporting');
  await user.type(within(form).getByLabelText('Host'), 'db.example.internal');
  await user.type(within(form).getByLabelText('User'), 'reader');
  await user.type(within(form).getByLabelText('Database'), 'booking');
  return { fake, user, form };
}

describe('Connection page: read replica fields', () => {
  it('asks for the port and max lag once a replica host is given, and saves them', async () => {
    const { fake, user, form } = await newProfileForm();
    expect(within(form).queryByLabelText('Max replica lag (seconds)')).toBeNull();
    await user.type(within(form).getByLabelText('Read replica host (optional)'), 'db-ro.example.internal');
    expect((within(form).getByLabelText('Max replica lag (seconds)') as HTMLInputElement).value).toBe('30');
    await user.clear(within(form).getByLabelText('Replica port'));
    await user.type(within(form).getByLabelText('Replica port'), '3307');
    await user.clear(within(form).getByLabelText('Max replica lag (seconds)'));
    await user.type(within(form).getByLabelText('Max replica lag (seconds)'), '10');
    await user.click(within(form).getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(fake.callsOf('profiles.save')).toHaveLength(1));
    expect((fake.callsOf('profiles.save')[0] as { profile: { replica: unknown } }).profile.replica).toEqual({ host: 'db-ro.example.internal', port: 3307, maxLagSeconds: 10 });
  });

  it('shows a refused threshold at its field', async () => {
    const { fake, user, form } = await newProfileForm();
    await user.type(within(form).getByLabelText('Read replica host (optional)'), 'db-ro.example.internal');
    await user.clear(within(form).getByLabelText('Max replica lag (seconds)'));
    await user.type(within(form).getByLabelText('Max replica lag (seconds)'), '-5');
    await user.click(within(form).getByRole('button', { name: 'Save profile' }));
    const lag = within(form).getByLabelText('Max replica lag (seconds)');
    await waitFor(() => expect(lag.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(lag.getAttribute('aria-describedby')!)!.textContent).toBe('Max replica lag must be a whole number of seconds from 0 to 86400');
    expect(within(form).getByRole('alert').textContent).toContain('(Max replica lag)');
    expect(fake.model.profiles.map((p) => p.name)).not.toContain('reporting');
  });
});
