import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The one page this app shows: the built index.html in production, or the dev server's URL
 * that `electron-vite dev` passes in ELECTRON_RENDERER_URL.
 */
export function appPageUrl(env: NodeJS.ProcessEnv = process.env, outDir: string = join(import.meta.dirname, '..')): URL {
  const devUrl = env['ELECTRON_RENDERER_URL'];
  if (devUrl) return new URL(devUrl);
  return pathToFileURL(join(outDir, 'renderer', 'index.html'));
}

/** '/', '/index.html' and '' all name the dev server's one page. */
function pagePath(pathname: string): string {
  return pathname.replace(/\/index\.html$/, '/').replace(/^$/, '/');
}

/**
 * Whether `url` is the app's own page (any query or #fragment). For file: the path must be
 * the exact index.html (every file:// URL shares the opaque origin 'null'); for the dev server
 * the origin and the page's path must match.
 */
export function isAppPage(url: string, appUrl: URL): boolean {
  let candidate: URL;
  try {
    candidate = new URL(url);
  } catch {
    return false;
  }
  if (candidate.protocol !== appUrl.protocol) return false;
  if (appUrl.protocol === 'file:') return candidate.host === appUrl.host && candidate.pathname === appUrl.pathname;
  return candidate.origin === appUrl.origin && pagePath(candidate.pathname) === pagePath(appUrl.pathname);
}

/** Whether a resource (script, style, the page) is served from where the app's page is. */
export function isAppResource(url: string, appUrl: URL): boolean {
  try {
    const candidate = new URL(url);
    return appUrl.protocol === 'file:' ? candidate.protocol === 'file:' : candidate.origin === appUrl.origin;
  } catch {
    return false;
  }
}
