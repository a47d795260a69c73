import { Menu, type MenuItemConstructorOptions } from 'electron';

/** What the menu's own items do; main wires them to the dialog, the file manager and the clipboard. */
export interface MenuActions {
  about(): void;
  openLogsFolder(): void;
  copyDiagnostics(): void;
}

export interface MenuOptions {
  dev: boolean;
  platform: NodeJS.Platform;
  version: string;
  actions: MenuActions;
}

/**
 * File, Edit, View, Window and Help. Besides Electron's built-in roles, only three items of our
 * own, all local: About, the logs folder, diagnostics to the clipboard. Nothing loads remote
 * content (no "Learn more" links). Reload and developer tools exist only while developing.
 */
export function applicationMenuTemplate({ dev, platform, version, actions }: MenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [
    ...(dev
      ? ([
          { role: 'reload', accelerator: 'CmdOrCtrl+R' },
          { role: 'forceReload', accelerator: 'Shift+CmdOrCtrl+R' },
          { role: 'toggleDevTools', accelerator: mac ? 'Alt+Cmd+I' : 'Ctrl+Shift+I' },
          { type: 'separator' },
        ] satisfies MenuItemConstructorOptions[])
      : []),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  const help: MenuItemConstructorOptions[] = [
    { label: 'About Pool Console', click: () => actions.about() },
    { label: `Version ${version}`, enabled: false },
    { type: 'separator' },
    { label: 'Open Logs Folder', click: () => actions.openLogsFolder() },
    { label: 'Copy Diagnostics', click: () => actions.copyDiagnostics() },
  ];
  return [
    ...(mac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    { label: 'File', submenu: [mac ? { role: 'close' } : { role: 'quit' }] },
    // Copy and paste in text fields need the edit roles on macOS.
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    { role: 'help', label: 'Help', submenu: help },
  ];
}

export function installApplicationMenu(options: MenuOptions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate(options)));
}
