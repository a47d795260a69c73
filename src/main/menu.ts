import { Menu, type MenuItemConstructorOptions } from 'electron';

/**
 * A small menu of built-in roles only: nothing loads remote content (no "Learn more" links).
 * Reload and developer tools, with their accelerators, exist only while developing.
 */
export function applicationMenuTemplate({ dev, platform }: { dev: boolean; platform: NodeJS.Platform }): MenuItemConstructorOptions[] {
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
  return [
    ...(mac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    // Copy and paste in text fields need the edit roles on macOS.
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
}

export function installApplicationMenu(options: { dev: boolean; platform: NodeJS.Platform }): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate(options)));
}
