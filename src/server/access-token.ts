import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_PARAM } from '../shared/socket-protocol.js';

/**
 * The access token of one serve-mode process. It is minted when the server starts, held only in
 * this process's memory (never written to disk or a log), and dies with the process: every start
 * prints a new one. The printed URL carries it once; the page exchanges it for an HttpOnly,
 * SameSite=Strict cookie and drops it from the address bar, so reloads, assets and the socket
 * work without the token showing on screen.
 */
export class AccessToken {
  readonly value = randomBytes(32).toString('base64url');
  private readonly digest = sha256(this.value);

  /** The cookie's name carries the port: cookies ignore ports, so two consoles would clobber each other. */
  constructor(readonly port: number) {}

  get cookieName(): string {
    return `pool_console_${this.port}`;
  }

  /** A constant-time comparison (of digests, so the lengths always match). */
  matches(candidate: string | undefined | null): boolean {
    if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > 256) return false;
    return timingSafeEqual(sha256(candidate), this.digest);
  }

  /** The Set-Cookie value that lets this browser back in for the life of the process. */
  cookie(): string {
    return `${this.cookieName}=${this.value}; Path=/; HttpOnly; SameSite=Strict`;
  }

  /**
   * What a request presents: the query token if there is one (it must be right: a wrong one is
   * not rescued by a good cookie), else the cookie.
   */
  presented(request: IncomingMessage, url: URL): { source: 'query' | 'cookie' | 'none'; valid: boolean } {
    const fromQuery = url.searchParams.get(TOKEN_PARAM);
    if (fromQuery !== null) return { source: 'query', valid: this.matches(fromQuery) };
    const fromCookie = readCookie(request.headers.cookie, this.cookieName);
    if (fromCookie !== undefined) return { source: 'cookie', valid: this.matches(fromCookie) };
    return { source: 'none', valid: false };
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}
