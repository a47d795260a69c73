import { PoolError } from './errors.js';
import { connectionProfileSchema, type ConnectionProfile } from './profile.js';

const EXPECTED = 'Expected mysql://user:password@host:port/database.';

/** What a database URL says, before validation: a part the URL leaves out is undefined. */
export interface UrlParts {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  socketPath?: string;
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    // never echo the part itself: it may be the password
    throw new PoolError('INVALID_INPUT', `The database URL's ${what} has a malformed %-escape (write % as %25). ${EXPECTED}`);
  }
}

/**
 * The parts of mysql://user:password@host:port/database[?socket=/path], unvalidated, so that
 * command-line flags can still fill in or override some of them before the profile is checked.
 */
export function partsFromUrl(url: string): UrlParts {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PoolError('INVALID_INPUT', `The database URL is not a URL. ${EXPECTED}`);
  }
  if (!['mysql:', 'mariadb:'].includes(parsed.protocol)) {
    throw new PoolError('INVALID_INPUT', `The database URL must start with mysql:// or mariadb://, not ${parsed.protocol}//.`);
  }
  const orUndefined = (value: string) => (value === '' ? undefined : value);
  return {
    // an IPv6 literal comes back bracketed ([::1]); the driver wants it bare
    host: orUndefined(parsed.hostname.replace(/^\[(.*)\]$/, '$1')),
    port: parsed.port ? Number(parsed.port) : undefined,
    user: orUndefined(decode(parsed.username, 'user')),
    password: orUndefined(decode(parsed.password, 'password')),
    database: orUndefined(decode(parsed.pathname.replace(/^\//, ''), 'database')),
    socketPath: parsed.searchParams.get('socket') ?? undefined,
  };
}

/** mysql://user:password@host:port/database[?socket=/path] → a validated profile. */
export function profileFromUrl(url: string): ConnectionProfile {
  const parts = partsFromUrl(url);
  const result = connectionProfileSchema.safeParse({
    host: parts.host ?? '127.0.0.1',
    port: parts.port ?? 3306,
    user: parts.user ?? '',
    password: parts.password ?? '',
    database: parts.database ?? '',
    socketPath: parts.socketPath,
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new PoolError('INVALID_INPUT', `The database URL has no valid ${issue?.path.join('.') ?? 'part'}: ${issue?.message ?? ''}. ${EXPECTED}`);
  }
  return result.data;
}
