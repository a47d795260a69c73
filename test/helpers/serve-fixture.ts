import fs from 'node:fs/promises';
import path from 'node:path';
import { ConsoleService } from '../../src/core/console/console-service.js';
import { NO_SECRET_BOX, ProfileStore } from '../../src/core/console/profile-store.js';
import { MemoryLog } from '../../src/server/memory-log.js';
import { savedProfileSchema, type ConnectionProfile, type SavedProfile } from '../../src/shared/profile.js';
import { makeTempDir } from './temp-dirs.js';

/** What the console needs to run in a test: a profile store in a temp dir, a memory log, no sandbox. */
export async function consoleService(): Promise<{ service: ConsoleService; profiles: ProfileStore; log: MemoryLog; dir: string }> {
  const dir = await makeTempDir();
  const profiles = new ProfileStore(path.join(dir, 'profiles.json'), NO_SECRET_BOX);
  const log = new MemoryLog();
  const service = new ConsoleService({
    profiles,
    sandbox: null,
    info: { version: 'test', shell: 'serve', platform: process.platform, node: process.version, dataDir: dir },
    logs: log,
    actor: 'serve-test',
    onError: (operation, error) => log.add('warn', `${operation}: ${error.code} ${error.message}`),
  });
  return { service, profiles, log, dir };
}

/** A saved profile for a test database. */
export function savedFor(name: string, profile: ConnectionProfile, extra: Partial<SavedProfile> = {}): SavedProfile {
  return savedProfileSchema.parse({
    name, host: profile.host, port: profile.port, user: profile.user, database: profile.database, environment: 'staging', ...extra,
  });
}

/**
 * A stand-in for electron-vite's out/renderer (index.html and one asset) in a temp dir, with a
 * file next to it that the static server must never hand out.
 */
export async function staticSite(): Promise<{ staticDir: string; secret: string; asset: string }> {
  const root = await makeTempDir();
  const staticDir = path.join(root, 'renderer');
  await fs.mkdir(path.join(staticDir, 'assets'), { recursive: true });
  await fs.writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Pool Console</title><script type="module" src="./assets/index-test.js"></script>\n');
  await fs.writeFile(path.join(staticDir, 'assets', 'index-test.js'), 'console.log("pool console");\n');
  await fs.writeFile(path.join(staticDir, '.env'), 'NOT_FOR_BROWSERS=1\n');
  const secret = `secret-${Math.random().toString(36).slice(2)}`;
  await fs.writeFile(path.join(root, 'secret.txt'), `${secret}\n`);
  return { staticDir, secret, asset: '/assets/index-test.js' };
}
