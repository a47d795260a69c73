import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { found: true; file: string; size: number; contentType: string }
  | { found: false; status: 400 | 403 | 404 };

/**
 * The file under `root` that a URL path names, or why there is none. The decoded path is resolved
 * and must stay inside root, before and after following symlinks; directories and dot-files are
 * never served (so there is no listing and no .env).
 */
export async function lookupStatic(root: string, urlPath: string): Promise<StaticLookup> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { found: false, status: 400 };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { found: false, status: 400 };
  const base = path.resolve(root);
  const resolved = path.resolve(base, `.${path.posix.normalize(`/${decoded}`)}`);
  if (!isInside(base, resolved)) return { found: false, status: 403 };
  if (path.relative(base, resolved).split(path.sep).some((part) => part.startsWith('.'))) return { found: false, status: 404 };
  try {
    const real = await realpath(resolved);
    if (!isInside(await realpath(base), real)) return { found: false, status: 403 };
    const info = await stat(real);
    if (!info.isFile()) return { found: false, status: 404 };
    return { found: true, file: real, size: info.size, contentType: contentType(real) };
  } catch {
    return { found: false, status: 404 };
  }
}

function isInside(base: string, candidate: string): boolean {
  return candidate === base || candidate.startsWith(base + path.sep);
}

export function openStatic(file: string) {
  return createReadStream(file);
}
