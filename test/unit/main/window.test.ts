import { beforeEach, describe, expect, it, vi } from 'vitest';
import { appPageUrl, isAppPage } from '../../../src/main/app-page.js';
import { openExternalSafely } from '../../../src/main/external-links.js';
import { CONTENT_SECURITY_POLICY, hardenSession } from '../../../src/main/session-security.js';
import { createMainWindow } from '../../../src/main/window.js';
import { BrowserWindow, FakeSession, navigationEvent, shell } from './fake-electron.js';

vi.mock('electron', () => import('./fake-electron.js'));

const APP = new URL('file:///opt/pool-console/out/renderer/index.html');

function recordingLog() {
  const lines: string[] = [];
  return { lines, warn: (...data: unknown[]) => lines.push(data.join(' ')), error: (...data: unknown[]) => lines.push(data.join(' ')) };
}

function openWindow() {
  const log = recordingLog();
  createMainWindow({ appUrl: APP, dev: false, log, preloadPath: '/opt/pool-console/out/preload/index.cjs' });
  const win = BrowserWindow.created.at(-1)!;
  return { win, contents: win.webContents, log };
}

beforeEach(() => {
  shell.opened.length = 0;
});

describe('the main window', () => {
  it('runs the page isolated, sandboxed, without Node and with web security', () => {
    const { win } = openWindow();
    expect(win.options['webPreferences']).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
      preload: '/opt/pool-console/out/preload/index.cjs',
    });
  });

  it('loads the app page', () => {
    const { contents } = openWindow();
    expect(contents.loaded).toEqual([APP.href]);
  });

  it('cancels navigation and redirects to anything but the app page', () => {
    const { contents, log } = openWindow();
    for (const channel of ['will-navigate', 'will-redirect']) {
      const away = navigationEvent('https://evil.example/phish');
      contents.emit(channel, away);
      expect(away.defaultPrevented).toBe(true);

      const otherFile = navigationEvent('file:///etc/passwd');
      contents.emit(channel, otherFile);
      expect(otherFile.defaultPrevented).toBe(true);

      const home = navigationEvent(`${APP.href}#/entries`);
      contents.emit(channel, home);
      expect(home.defaultPrevented).toBe(false);
    }
    expect(log.lines.some((line) => line.includes('https://evil.example/phish'))).toBe(true);
  });

  it('refuses webviews', () => {
    const { contents } = openWindow();
    const attach = navigationEvent('');
    contents.emit('will-attach-webview', attach);
    expect(attach.defaultPrevented).toBe(true);
  });

  it('denies every new window; an https link opens in the browser instead, nothing else does', async () => {
    const { contents, log } = openWindow();
    const open = contents.windowOpenHandler!;
    expect(open({ url: 'https://mariadb.com/kb/en/' })).toEqual({ action: 'deny' });
    expect(open({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(open({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(log.lines.filter((line) => line.startsWith('Refused to open'))).toHaveLength(2));
    expect(shell.opened).toEqual(['https://mariadb.com/kb/en/']);
  });
});

describe('openExternalSafely', () => {
  it('opens https: URLs only', async () => {
    expect(await openExternalSafely('https://example.com/docs?a=1')).toBe(true);
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-settings:', 'not a url', '', 'https://user:pw@example.com/']) {
      expect(await openExternalSafely(url), url).toBe(false);
    }
    expect(shell.opened).toEqual(['https://example.com/docs?a=1']);
  });
});

describe('the session', () => {
  it('denies every permission request and check', () => {
    const session = new FakeSession();
    hardenSession(session as never, APP);
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      const answer = vi.fn();
      session.permissionRequestHandler!({}, permission, answer);
      expect(answer).toHaveBeenCalledWith(false);
      expect(session.permissionCheckHandler!({}, permission)).toBe(false);
    }
  });

  it("puts the strict CSP on the app's responses, replacing any other", () => {
    const session = new FakeSession();
    hardenSession(session as never, APP);
    const answer = vi.fn();
    session.headersListener!({ url: APP.href, responseHeaders: { 'content-security-policy': ["default-src *"], 'X-Other': ['1'] } }, answer);
    expect(answer).toHaveBeenCalledWith({ responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY], 'X-Other': ['1'] } });
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });

  it('adds the CSP in development on the dev server origin, and leaves other responses alone', () => {
    const session = new FakeSession();
    hardenSession(session as never, new URL('http://localhost:5173/'));
    const mine = vi.fn();
    session.headersListener!({ url: 'http://localhost:5173/src/main.tsx', responseHeaders: {} }, mine);
    expect(mine.mock.calls[0]![0].responseHeaders['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    const other = vi.fn();
    session.headersListener!({ url: 'https://example.com/', responseHeaders: {} }, other);
    expect(other).toHaveBeenCalledWith({});
  });
});

describe("the app's page", () => {
  it('is the built index.html, or the dev server in development', () => {
    expect(appPageUrl({}, '/opt/pool-console/out').href).toBe('file:///opt/pool-console/out/renderer/index.html');
    expect(appPageUrl({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }).href).toBe('http://localhost:5173/');
  });

  it('matches only that page, whatever its query or fragment', () => {
    expect(isAppPage(`${APP.href}?x=1#/maintenance`, APP)).toBe(true);
    expect(isAppPage('file:///opt/pool-console/out/renderer/other.html', APP)).toBe(false);
    expect(isAppPage('file:///etc/passwd', APP)).toBe(false);
    expect(isAppPage('https://opt/pool-console/out/renderer/index.html', APP)).toBe(false);
    const dev = new URL('http://localhost:5173/');
    expect(isAppPage('http://localhost:5173/index.html#/x', dev)).toBe(true);
    expect(isAppPage('http://localhost:5174/', dev)).toBe(false);
    expect(isAppPage('http://localhost:5173/elsewhere', dev)).toBe(false);
    expect(isAppPage('not a url', dev)).toBe(false);
  });
});
