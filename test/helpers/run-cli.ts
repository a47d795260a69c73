import { spawn } from 'node:child_process';
import type { ConnectionProfile } from '../../src/shared/profile.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The database URL instead of the profile's; null: no --url (a command that connects to nothing). */
  url?: string | null;
  /** More environment, e.g. POOL_CONSOLE_HOME. */
  env?: Record<string, string>;
  /** Written to the process's stdin (else stdin is closed at once). */
  stdin?: string;
}

/**
 * `pool-console ARGS` as a child process against `profile`'s database (or `url`), the password
 * through POOL_DATABASE_PASSWORD as an operator would pass it; resolves once the process closes.
 */
export function runCli(profile: ConnectionProfile, args: string[], options: CliOptions = {}): Promise<CliRun> {
  const { host, port, user, password, database } = profile;
  const url = options.url === undefined ? `mysql://${encodeURIComponent(user)}@${host}:${port}/${database}` : options.url;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/pool-console.mjs', ...args, ...(url === null ? [] : ['--url', url])], {
      env: { ...process.env, POOL_DATABASE_URL: '', POOL_DATABASE_PASSWORD: password, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
