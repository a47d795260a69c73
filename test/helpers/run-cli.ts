import { spawn } from 'node:child_process';
import type { ConnectionProfile } from '../../src/shared/profile.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `pool-console ARGS` as a child process against `profile`'s database (or `url`), the password
 * through POOL_DATABASE_PASSWORD as an operator would pass it; resolves once the process closes.
 */
export function runCli(profile: ConnectionProfile, args: string[], options: { url?: string } = {}): Promise<CliRun> {
  const { host, port, user, password, database } = profile;
  const url = options.url ?? `mysql://${encodeURIComponent(user)}@${host}:${port}/${database}`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/pool-console.mjs', ...args, '--url', url], {
      env: { ...process.env, POOL_DATABASE_URL: '', POOL_DATABASE_PASSWORD: password },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
