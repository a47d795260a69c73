import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { renderInConsole } from './render-in-console';
import { PauseBanner } from '../../src/renderer/pages/overview/PauseBanner';
import { OverviewPage } from '../../src/renderer/pages/OverviewPage';
import { createInMemoryApi } from '../fakes/in-memory-api';

/* The Overview's PAUSED banner: pause (whole pool or a mode, optional auto-resume) and resume, each with a reason. */

const NOW = new Date('2026-12-02T14:02:00Z');

describe('Overview: pause and resume claiming', () => {
  it('pauses one mode with an auto-resume time after a reason, then shows PAUSED with who, why and until when', async () => {
    const fake = createInMemoryApi({ liveTimer: false, now: () => NOW });
    const user = renderInConsole(fake.api, <PauseBanner />);
    const open = await screen.findByRole('button', { name: 'Pause claiming…' });
    await waitFor(() => expect((open as HTMLButtonElement).disabled).toBe(false));
    expect(screen.queryByTestId('pause-banner')).toBeNull();

    await user.click(open);
    await user.selectOptions(screen.getByLabelText('Pause scope'), 'URGENT');
    await user.type(screen.getByLabelText(/Auto-resume after/), '58');
    await user.click(screen.getByRole('button', { name: 'Pause…' }));
    const dialog = screen.getByRole('dialog', { name: 'Pause claiming of URGENT' });
    expect(dialog.textContent).toContain('resumes by itself after 58 minutes');
    const confirm = within(dialog).getByRole('button', { name: 'Pause' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true); // no reason yet
    await user.type(within(dialog).getByLabelText(/Reason/), 'INC-77 interpreter API down');
    await user.click(confirm);

    const banner = await screen.findByTestId('pause-banner');
    expect(within(banner).getByText('PAUSED')).toBeTruthy();
    expect(banner.textContent).toContain('Claiming paused for URGENT since 14:02 UTC by ops@workstation: INC-77 interpreter API down; auto-resume 15:00 UTC');
    expect(fake.callsOf('pool.pause')).toEqual([{ mode: 'URGENT', forSeconds: 58 * 60, reason: 'INC-77 interpreter API down' }]);
    expect(fake.model.audit.at(-1)).toMatchObject({ action: 'pool.pause', reason: 'INC-77 interpreter API down' });
  });

  it('resumes the whole pool from the banner in one click and a reason; the banner goes', async () => {
    const fake = createInMemoryApi({ liveTimer: false, now: () => NOW });
    fake.model.pauses = [{ scope: 'ALL', pausedBy: 'ops@desk', reason: 'deploy', since: new Date('2026-12-02T13:50:00Z'), until: null }];
    const user = renderInConsole(fake.api, <PauseBanner />);
    const banner = await screen.findByTestId('pause-banner');
    expect(banner.textContent).toContain('Claiming paused for the whole pool since 13:50 UTC by ops@desk: deploy; until someone resumes it');

    await user.click(within(banner).getByRole('button', { name: 'Resume claiming' }));
    const dialog = screen.getByRole('dialog', { name: 'Resume claiming of the whole pool' });
    const confirm = within(dialog).getByRole('button', { name: 'Resume' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await user.type(within(dialog).getByLabelText(/Reason/), 'deploy finished');
    await user.click(confirm);

    await waitFor(() => expect(screen.queryByTestId('pause-banner')).toBeNull());
    expect(fake.callsOf('pool.resume')).toEqual([{ reason: 'deploy finished' }]);
    expect(fake.model.pauses).toEqual([]);
  });

  it('on a read-only profile shows PAUSED but offers no write', async () => {
    const fake = createInMemoryApi({ liveTimer: false, connection: 'read-only', now: () => NOW });
    fake.model.pauses = [{ scope: 'NORMAL', pausedBy: 'ops@desk', reason: 'backlog', since: NOW, until: null }];
    renderInConsole(fake.api, <PauseBanner />);
    const banner = await screen.findByTestId('pause-banner');
    await waitFor(() => expect((within(banner).getByRole('button', { name: /Resume NORMAL/ }) as HTMLButtonElement).disabled).toBe(true));
    expect((screen.getByRole('button', { name: /Pause claiming…/ }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('on the Overview, a pause is also a coded finding of the health banner, gone after the resume', async () => {
    const fake = createInMemoryApi({ liveTimer: false, now: () => NOW });
    fake.model.pauses = [{ scope: 'URGENT', pausedBy: 'ops@desk', reason: 'INC-9', since: NOW, until: new Date('2026-12-02T15:00:00Z') }];
    const user = renderInConsole(fake.api, <OverviewPage navigate={vi.fn()} />);
    const health = await screen.findByTestId('health-banner');
    await waitFor(() => expect(health.querySelector('[data-code="paused"]')?.textContent).toContain('Claiming paused for URGENT since 14:02 UTC by ops@desk: INC-9; auto-resume 15:00 UTC'));

    await user.click(within(await screen.findByTestId('pause-banner')).getByRole('button', { name: 'Resume URGENT' }));
    await user.type(within(screen.getByRole('dialog')).getByLabelText(/Reason/), 'INC-9 fixed');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(screen.getByTestId('health-banner').querySelector('[data-code="paused"]')).toBeNull());
    expect(screen.queryByTestId('pause-banner')).toBeNull();
  });
});
