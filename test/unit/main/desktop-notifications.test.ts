import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bindDesktopNotifications } from '../../../src/main/desktop-notifications.js';
import { FakeWebContents, invokeEvent, ipcMain, Notification } from './fake-electron.js';

vi.mock('electron', () => import('./fake-electron.js'));

/* Main's side of alert notifications: only the app's page, only a title and a body, shown by the OS. */

const APP_URL = new URL('file:///app/out/renderer/index.html');
let warnings: string[];
let clicks: number;
let unbind: () => void;

beforeEach(() => {
  warnings = [];
  clicks = 0;
  Notification.shown.length = 0;
  Notification.supported = true;
  unbind = bindDesktopNotifications({ appUrl: APP_URL, icon: '/opt/pool-console/icon.png', log: { warn: (...data) => warnings.push(data.join(' ')) }, onClick: () => clicks++ });
});
afterEach(() => unbind());

const page = () => new FakeWebContents(APP_URL.href);

describe('desktop notifications', () => {
  it("shows the app page's notice with the app icon, and a click brings the window forward", () => {
    expect(ipcMain.deliver('pool:notify', invokeEvent(page()), { title: 'Alert firing: Stuck leases', body: '14 leases expired' })).toBe(true);
    expect(Notification.shown.map((shown) => shown.options)).toEqual([{ title: 'Alert firing: Stuck leases', body: '14 leases expired', icon: '/opt/pool-console/icon.png' }]);
    Notification.shown[0]!.emit('click');
    expect(clicks).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('refuses a sub-frame or a foreign page, saying so in the log', () => {
    const contents = page();
    ipcMain.deliver('pool:notify', invokeEvent(contents, { url: 'https://evil.example/', parent: contents.mainFrame }), { title: 'Pay here', body: '' });
    ipcMain.deliver('pool:notify', invokeEvent(new FakeWebContents('https://evil.example/')), { title: 'Pay here', body: '' });
    expect(Notification.shown).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining("Refused 'pool:notify' from a sub-frame"), expect.stringContaining("Refused 'pool:notify' from a foreign page")]);
  });

  it('refuses anything but a title and a body of bounded length', () => {
    for (const bad of [null, 'text', { title: '', body: 'x' }, { title: 'x'.repeat(201), body: '' }, { title: 'a', body: 'b', icon: '/etc/passwd' }, { title: 1, body: 'b' }]) {
      ipcMain.deliver('pool:notify', invokeEvent(page()), bad);
    }
    expect(Notification.shown).toEqual([]);
    expect(warnings).toHaveLength(6);
    expect(warnings.every((warning) => warning.startsWith('Refused a desktop notification'))).toBe(true);
  });

  it('says in the log when the OS has no notifications, instead of failing silently', () => {
    Notification.supported = false;
    ipcMain.deliver('pool:notify', invokeEvent(page()), { title: 'Alert firing: Failures', body: '' });
    expect(Notification.shown).toEqual([]);
    expect(warnings).toEqual(["Desktop notifications are not supported here; not shown: Alert firing: Failures"]);
  });

  it('stops listening once unbound', () => {
    unbind();
    expect(ipcMain.deliver('pool:notify', invokeEvent(page()), { title: 'late', body: '' })).toBe(false);
    unbind = () => undefined;
  });
});
