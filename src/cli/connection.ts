import { ZodError } from 'zod';
import { partsFromUrl, type UrlParts } from '../core/db/profile-url.js';
import { PoolError } from '../shared/errors.js';
import { connectionProfileSchema, type ConnectionProfile } from '../shared/profile.js';

export const CONNECTION_OPTIONS = {
  url: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  database: { type: 'string' },
  socket: { type: 'string' },
} as const;

export interface ConnectionFlags {
  url?: string;
  host?: string;
  port?: string;
  user?: string;
  password?: string;
  database?: string;
  socket?: string;
}

/**
 * The profile from --url, else POOL_DATABASE_URL, with single flags overriding its parts;
 * POOL_DATABASE_PASSWORD keeps the password off the command line (and out of `ps`).
 */
export function profileFromFlags(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): ConnectionProfile {
  const url = flags.url ?? env.POOL_DATABASE_URL;
  // The URL's parts are validated only after the flags are applied: `--url mysql://root@host/
  // --database booking` is complete even though the URL alone is not.
  const base: UrlParts = url ? partsFromUrl(url) : {};
  const database = flags.database ?? base.database;
  if (!database) {
    throw new PoolError('INVALID_INPUT', 'No database given: pass --url mysql://user:password@host:port/database, set POOL_DATABASE_URL, or pass --host, --user and --database.');
  }
  try {
    return connectionProfileSchema.parse({
      host: flags.host ?? base.host,
      // digits only: Number() would also take '', '0x50' or '1e3'
      port: flags.port !== undefined ? (/^\d+$/.test(flags.port.trim()) ? Number(flags.port) : Number.NaN) : base.port,
      user: flags.user ?? base.user ?? 'root',
      password: flags.password ?? env.POOL_DATABASE_PASSWORD ?? base.password ?? '',
      database,
      socketPath: flags.socket ?? base.socketPath,
    });
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    const issue = error.issues[0];
    const flag = issue?.path[0] === 'socketPath' ? 'socket' : (issue?.path.join('.') ?? 'option');
    throw new PoolError('INVALID_INPUT', `Invalid --${flag}: ${issue?.message ?? 'rejected'}.`);
  }
}
