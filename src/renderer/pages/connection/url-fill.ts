import { PoolError } from '../../../shared/errors';
import { partsFromUrl, type UrlParts } from '../../../shared/profile-url';

export type UrlFill = { ok: true; parts: UrlParts; filled: string[] } | { ok: false; message: string };

/** Whether text pasted or typed into Host is a whole database URL rather than a host name. */
export function looksLikeDatabaseUrl(text: string): boolean {
  return /^\s*(mysql|mariadb):\/\//i.test(text);
}

/**
 * The profile fields a mysql:// URL gives, and their names for the note (the password is named,
 * never shown). A URL that does not parse gives the parser's message, which never quotes the URL.
 */
export function fillFromUrl(text: string): UrlFill {
  try {
    const parts = partsFromUrl(text.trim());
    const filled = (['host', 'port', 'user', 'database', 'password'] as const).filter((key) => parts[key] !== undefined);
    return { ok: true, parts, filled };
  } catch (error) {
    return { ok: false, message: error instanceof PoolError ? error.message : 'The database URL could not be read.' };
  }
}
