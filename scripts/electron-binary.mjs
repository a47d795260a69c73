/* global process */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Electron's binary, found the way the electron package finds it (path.txt naming a file under
 * dist/, or ELECTRON_OVERRIDE_DIST_PATH) but without require('electron'), which tries to
 * download a missing binary. null when it is not installed (an offline `npm install`).
 */
export function electronBinary(env = process.env) {
  let packageDir;
  try {
    packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const dist = env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = dist ? path.join(dist, executable || 'electron') : executable ? path.join(packageDir, 'dist', executable) : null;
  return binary && existsSync(binary) ? binary : null;
}
