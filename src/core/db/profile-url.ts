import { PoolError } from '../../shared/errors.js';
import { connectionProfileSchema, type ConnectionProfile } from '../../shared/profile.js';

/** mysql://user:password@host:port/database[?socket=/path] → a validated profile. */
export function profileFromUrl(url: string): ConnectionProfile {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PoolError('INVALID_INPUT', 'The database URL is not a URL; expected mysql://user:password@host:port/database.');
  }
  if (!['mysql:', 'mariadb:'].includes(parsed.protocol)) {
    throw new PoolError('INVALID_INPUT', `The database URL must start with mysql:// or mariadb://, not ${parsed.protocol}//.`);
  }
  const result = connectionProfileSchema.safeParse({
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    socketPath: parsed.searchParams.get('socket') ?? undefined,
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new PoolError('INVALID_INPUT', `The database URL has no valid ${issue?.path.join('.') ?? 'part'}: ${issue?.message ?? ''}. Expected mysql://user:password@host:port/database.`);
  }
  return result.data;
}
