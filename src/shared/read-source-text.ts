import type { ReadSource } from './results/replica.js';

/**
 * Where a figure was read, in words: "replica, 3 s behind", or "reading the primary: replica 45 s
 * behind (threshold 30 s)". One wording for the pages and the command line.
 */
export function readSourceText(source: ReadSource): string {
  if (source.server === 'replica') return `replica, ${source.lagSeconds === null ? 'lag unknown' : `${source.lagSeconds} s behind`}`;
  return source.fallbackReason ? `reading the primary: ${source.fallbackReason}` : 'primary';
}
