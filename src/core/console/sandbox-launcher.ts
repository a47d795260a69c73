import type { ConnectionProfile, SavedProfile } from '../../shared/profile.js';

/** Opens the local sandbox (a private server in the user-data folder), once per console. */
export interface SandboxLauncher {
  open(onProgress: (message: string) => void): Promise<{ saved: SavedProfile; profile: ConnectionProfile }>;
  close(): Promise<void>;
}
