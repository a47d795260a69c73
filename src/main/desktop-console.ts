import { join } from 'node:path';
import { ConsoleService } from '../core/console/console-service.js';
import { ProfileStore, type SecretBox } from '../core/console/profile-store.js';
import type { SandboxLauncher } from '../core/console/sandbox-launcher.js';
import { CONSOLE_VERSION } from '../core/version.js';
import type { LogLine } from '../shared/contract.js';
import type { LogSink } from './log-sink';
import { rememberSecret } from './secret-registry';

export interface DesktopConsoleOptions {
  /** Electron's userData folder: profiles.json, logs and the sandbox live here. */
  userData: string;
  box: SecretBox;
  sandbox: SandboxLauncher | null;
  logs: { recent(limit: number): LogLine[] };
  log: LogSink;
  /**
   * The organisation's read-only profiles file (index.ts passes managedProfilesPath()); null:
   * none. Required, so no test reads the machine's own /etc/pool-console by accident.
   */
  managedProfiles: string | null;
}

/** Every password a connection uses this session is remembered, so no log line can show it. */
class RememberingProfileStore extends ProfileStore {
  override async connectionProfile(name: string): ReturnType<ProfileStore['connectionProfile']> {
    const found = await super.connectionProfile(name);
    rememberSecret(found.connection.password);
    return found;
  }
}

function rememberingSandbox(launcher: SandboxLauncher): SandboxLauncher {
  return {
    open: async (onProgress) => {
      const opened = await launcher.open(onProgress);
      rememberSecret(opened.profile.password);
      return opened;
    },
    close: () => launcher.close(),
  };
}

export const PROFILES_FILE = 'profiles.json';

/** The console's back as the desktop app runs it: profiles in userData, passwords in the OS keychain. */
export function createDesktopConsole(options: DesktopConsoleOptions): ConsoleService {
  return new ConsoleService({
    profiles: new RememberingProfileStore(join(options.userData, PROFILES_FILE), options.box, options.managedProfiles),
    sandbox: options.sandbox ? rememberingSandbox(options.sandbox) : null,
    info: { version: CONSOLE_VERSION, shell: 'desktop', platform: process.platform, node: process.version, dataDir: options.userData },
    logs: options.logs,
    onError: (operation, error) => options.log.warn(`'${operation}' failed: ${error.code} ${error.message}`),
  });
}
