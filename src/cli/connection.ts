import { ZodError } from 'zod';
import { profileFromUrl } from '../core/db/profile-url.js';
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
  const base: Partial<ConnectionProfile> = url ? profileFromUrl(url) : {};
  if (!url && !flags.database) {
    throw new PoolError('INVALID_INPUT', 'No database given: pass --url mysql://user:password@host:port/database, set POOL_DATABASE_URL, or pass --host, --user and --database.');
  }
  try {
    return connectionProfileSchema.parse({
      ...base,
      host: flags.host ?? base.host,
      port: flags.port !== undefined ? Number(flags.port) : base.port,
      user: flags.user ?? base.user ?? 'root',
      password: flags.password ?? env.POOL_DATABASE_PASSWORD ?? base.password ?? '',
      database: flags.database ?? base.database,
      socketPath: flags.socket ?? base.socketPath,
    });
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    const issue = error.issues[0];
    throw new PoolError('INVALID_INPUT', `Invalid --${issue?.path.join('.') ?? 'option'}: ${issue?.message ?? 'rejected'}.`);
  }
}
