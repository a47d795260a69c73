import type { Session } from 'electron';
import { isAppResource } from './app-page';

/**
 * The app's pages may load code and styles only from the app itself and talk to nothing (the
 * desktop renderer speaks IPC). Sent as a header as well as index.html's meta tag: a header
 * also covers frame-ancestors, and both apply, so neither can loosen the other.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Adds the CSP to the app's responses and refuses every permission (camera, notifications…). */
export function hardenSession(session: Session, appUrl: URL): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppResource(details.url, appUrl)) {
      callback({});
      return;
    }
    const headers = Object.fromEntries(Object.entries(details.responseHeaders ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'));
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
