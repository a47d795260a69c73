import { describe, expect, it, vi } from 'vitest';
import { applicationMenuTemplate, installApplicationMenu, type MenuActions } from '../../../src/main/menu.js';
import { Menu } from './fake-electron.js';

vi.mock('electron', () => import('./fake-electron.js'));

type Item = { role?: string; type?: string; label?: string; enabled?: boolean; submenu?: Item[]; click?: () => void; accelerator?: string };
const flatten = (items: Item[]): Item[] => items.flatMap((item) => [item, ...flatten(item.submenu ?? [])]);

function template(platform: NodeJS.Platform, dev = false) {
  const actions: MenuActions = { about: vi.fn(), openLogsFolder: vi.fn(), copyDiagnostics: vi.fn() };
  return { items: applicationMenuTemplate({ dev, platform, version: '1.2.3', actions }) as Item[], actions };
}

const titleOf = (item: Item) => item.label ?? item.role;

describe('the application menu', () => {
  it('is File, Edit, View, Window, Help (with the app menu first on macOS)', () => {
    expect(template('linux').items.map(titleOf)).toEqual(['File', 'editMenu', 'View', 'windowMenu', 'Help']);
    expect(template('win32').items.map(titleOf)).toEqual(['File', 'editMenu', 'View', 'windowMenu', 'Help']);
    expect(template('darwin').items.map(titleOf)).toEqual(['appMenu', 'File', 'editMenu', 'View', 'windowMenu', 'Help']);
    expect(template('linux').items[0]!.submenu!.map((item) => item.role)).toEqual(['quit']);
    expect(template('darwin').items[1]!.submenu!.map((item) => item.role)).toEqual(['close']);
  });

  it('has in Help: About, the version, the logs folder and diagnostics, each doing its own action', () => {
    const { items, actions } = template('linux');
    const help = items.find((item) => item.label === 'Help')!.submenu!;
    expect(help.filter((item) => item.type !== 'separator').map((item) => item.label)).toEqual([
      'About Pool Console',
      'Version 1.2.3',
      'Open Logs Folder',
      'Copy Diagnostics',
    ]);
    expect(help.find((item) => item.label === 'Version 1.2.3')!.enabled).toBe(false);
    help.find((item) => item.label === 'About Pool Console')!.click!();
    expect(actions.about).toHaveBeenCalledOnce();
    help.find((item) => item.label === 'Open Logs Folder')!.click!();
    expect(actions.openLogsFolder).toHaveBeenCalledOnce();
    help.find((item) => item.label === 'Copy Diagnostics')!.click!();
    expect(actions.copyDiagnostics).toHaveBeenCalledOnce();
    expect(actions.about).toHaveBeenCalledOnce();
  });

  it('has reload and developer tools only in development', () => {
    const production = flatten(template('linux').items);
    expect(production.map((item) => item.role)).not.toContain('reload');
    expect(production.map((item) => item.role)).not.toContain('toggleDevTools');
    const development = flatten(template('linux', true).items);
    expect(development.find((item) => item.role === 'reload')?.accelerator).toBe('CmdOrCtrl+R');
    expect(development.find((item) => item.role === 'toggleDevTools')?.accelerator).toBe('Ctrl+Shift+I');
  });

  it('is built-in roles plus the three local Help actions: nothing that could open remote content', () => {
    const own = ['About Pool Console', 'Open Logs Folder', 'Copy Diagnostics'];
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      for (const item of flatten(template(platform, true).items)) {
        if (item.click) expect(own, titleOf(item)).toContain(item.label);
        else expect(Boolean(item.role || item.submenu || item.type === 'separator' || item.enabled === false), titleOf(item)).toBe(true);
      }
    }
  });

  it('is installed as the application menu', () => {
    const actions: MenuActions = { about: vi.fn(), openLogsFolder: vi.fn(), copyDiagnostics: vi.fn() };
    installApplicationMenu({ dev: false, platform: 'linux', version: '1.2.3', actions });
    expect((Menu.applied as { template: Item[] }).template.map(titleOf)).toEqual(['File', 'editMenu', 'View', 'windowMenu', 'Help']);
  });
});
