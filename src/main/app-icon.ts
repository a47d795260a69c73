import { join } from 'node:path';

/**
 * The app's icon (resources/icon.png, 512×512) as a real file. Packaged, resources/ is unpacked
 * next to app.asar (electron-builder.yml's asarUnpack), because the window manager and dialogs
 * are handed a path, and a path inside an archive means nothing to them.
 */
export function appIconPath(appPath: string): string {
  const root = appPath.endsWith('.asar') ? `${appPath}.unpacked` : appPath;
  return join(root, 'resources', 'icon.png');
}
