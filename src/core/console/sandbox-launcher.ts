import type { ErrorEnvelope } from '../../shared/errors.js';
import type { ConnectionProfile, SavedProfile } from '../../shared/profile.js';
import { startSandbox, type Sandbox } from '../sandbox/sandbox.js';

/** Opens the local sandbox (a private server in the user-data folder), once per console. */
export interface SandboxLauncher {
  open(onProgress: (message: string) => void): Promise<{ saved: SavedProfile; profile: ConnectionProfile }>;
  close(): Promise<void>;
}

export const SANDBOX_PROFILE: SavedProfile = {
  name: 'Local sandbox',
  host: '127.0.0.1',
  port: 3306,
  user: 'root',
  database: 'pool_sandbox',
  environment: 'sandbox',
  readOnly: false,
};

/** The sandbox kept in `baseDir` between runs; started on first use, stopped with the console. */
export function createSandboxLauncher(baseDir: string, onError?: (error: ErrorEnvelope) => void): SandboxLauncher {
  let starting: Promise<Sandbox> | null = null;
  return {
    async open(onProgress) {
      starting ??= startSandbox({ baseDir, onProgress, onError });
      try {
        const sandbox = await starting;
        return { saved: { ...SANDBOX_PROFILE, port: sandbox.profile.port }, profile: sandbox.profile };
      } catch (error) {
        starting = null;
        throw error;
      }
    },
    async close() {
      const running = starting;
      starting = null;
      if (running) await (await running.catch(() => null))?.stop();
    },
  };
}
