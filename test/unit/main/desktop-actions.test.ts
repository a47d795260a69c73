import { beforeEach, describe, expect, it, vi } from 'vitest';
import { appIconPath } from '../../../src/main/app-icon.js';
import { desktopActions } from '../../../src/main/desktop-actions.js';
import { RecentLogLines } from '../../../src/main/recent-log-lines.js';
import { rememberSecret } from '../../../src/main/secret-registry.js';
import { clipboard, dialog, shell } from './fake-electron.js';

vi.mock('electron', () => import('./fake-electron.js'));

const PASSWORD = 'Tr0ub4dor&3-horse';

function actions(lines: string[] = []) {
  const logs = new RecentLogLines();
  for (const message of lines) logs.add({ time: new Date('2026-01-02T03:04:05Z'), level: 'info', message });
  const warnings: string[] = [];
  const made = desktopActions({
    version: '1.2.3',
    iconPath: '/opt/pool-console/resources/icon.png',
    userData: '/home/ops/.config/Pool Console',
    logsFolder: '/home/ops/.config/Pool Console/logs',
    managedProfilesFile: '/etc/pool-console/profiles.json',
    passwordEncryption: true,
    logs,
    log: { warn: (...data: unknown[]) => warnings.push(data.join(' ')), error: (...data: unknown[]) => warnings.push(data.join(' ')) },
    window: () => null,
  });
  return { made, warnings };
}

beforeEach(() => {
  clipboard.text = '';
  dialog.shown.length = 0;
  shell.openedPaths.length = 0;
  shell.opened.length = 0;
});

describe("the menu's own actions", () => {
  it('About shows the version and the app icon', () => {
    actions().made.about();
    expect(dialog.shown).toHaveLength(1);
    expect(dialog.shown[0]!.options).toMatchObject({ title: 'About Pool Console', message: 'Pool Console 1.2.3', icon: { fromPath: '/opt/pool-console/resources/icon.png' } });
  });

  it('opens the logs folder in the file manager, never as a URL', () => {
    actions().made.openLogsFolder();
    expect(shell.openedPaths).toEqual(['/home/ops/.config/Pool Console/logs']);
    expect(shell.opened).toEqual([]);
  });

  it('copies diagnostics with versions, OS and folders, and no secret', () => {
    rememberSecret(PASSWORD);
    actions([
      'Pool Console started',
      `connect failed: Access denied for user 'ops' (using password: YES) ${PASSWORD}`,
      'serve url mysql://ops:s3cr3t-in-url@db.example:3306/booking',
      'token=abcdef123456 password=plain-one',
    ]).made.copyDiagnostics();
    const text = clipboard.text;
    expect(text).toContain('Pool Console 1.2.3');
    expect(text).toContain(`Node ${process.versions.node}`);
    expect(text).toContain(`OS: ${process.platform}`);
    expect(text).toContain('Logs folder: /home/ops/.config/Pool Console/logs');
    expect(text).toContain('Managed profiles file: /etc/pool-console/profiles.json');
    expect(text).toContain('Password encryption: OS keychain');
    expect(text).toContain('[info] Pool Console started');
    for (const secret of [PASSWORD, 's3cr3t-in-url', 'abcdef123456', 'plain-one']) expect(text).not.toContain(secret);
  });
});

describe("the app's icon file", () => {
  it('is resources/icon.png of the app, next to app.asar when packaged', () => {
    expect(appIconPath('/work/pool-console')).toBe('/work/pool-console/resources/icon.png');
    expect(appIconPath('/opt/Pool Console/resources/app.asar')).toBe('/opt/Pool Console/resources/app.asar.unpacked/resources/icon.png');
  });
});
