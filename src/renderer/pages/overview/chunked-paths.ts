import type { LivePoint } from './live-points';
import { seriesPaths, type Mapping, type PathSeries, type SeriesPath } from './series-paths';

/*
 * A live update adds one sample at the right and drops one at the left; everything in between is
 * the same, only shifted. So the series are drawn in one-minute chunks, in pixels counted from a
 * fixed origin (the hour the window starts in), and the whole drawing is shifted with one
 * transform: an update rebuilds the newest chunk (and the cut one at the left edge), every other
 * chunk keeps its path strings, and React skips it. A new origin, width, window or y scale
 * rebuilds them all (about once an hour, or when the y axis changes its ticks).
 */

export const CHUNK_MS = 60_000;
const ORIGIN_MS = 60 * 60_000;

export interface Chunk {
  start: number;
  paths: SeriesPath[];
}

interface Cached extends Chunk {
  first: LivePoint;
  last: LivePoint;
  count: number;
}

export interface ChunkLayout {
  /** Time of pixel 0 of the chunks' drawing. */
  origin: number;
  chunks: Chunk[];
}

export class ChunkedPaths {
  private cache = new Map<number, Cached>();
  private key: unknown[] = [];

  /**
   * The chunks of `data`. `pxPerMs` is the x scale's slope; `y` maps values to pixels. Reuses a
   * chunk when its samples are the same objects as last time.
   */
  layout(data: readonly LivePoint[], series: readonly PathSeries[], stacked: boolean, pxPerMs: number, y: Mapping, yDomain: readonly number[]): ChunkLayout {
    if (data.length === 0) return { origin: 0, chunks: [] };
    const origin = Math.floor(data[0]!.t / ORIGIN_MS) * ORIGIN_MS;
    const key = [origin, pxPerMs, series, stacked, yDomain[0], yDomain[1], y(yDomain[0]!), y(yDomain[1]!)];
    if (key.some((part, index) => part !== this.key[index])) {
      this.cache.clear();
      this.key = key;
    }
    const x: Mapping = (t) => (t - origin) * pxPerMs;
    const next = new Map<number, Cached>();
    const chunks: Chunk[] = [];
    let begin = 0;
    while (begin < data.length) {
      const start = Math.floor(data[begin]!.t / CHUNK_MS) * CHUNK_MS;
      let end = begin + 1;
      while (end < data.length && data[end]!.t < start + CHUNK_MS) end += 1;
      // Up to and including the next chunk's first sample, so that the drawing has no seams.
      const stop = Math.min(end + 1, data.length);
      const first = data[begin]!;
      const last = data[stop - 1]!;
      const count = stop - begin;
      let chunk = this.cache.get(start);
      if (!chunk || chunk.first !== first || chunk.last !== last || chunk.count !== count) {
        chunk = { start, first, last, count, paths: seriesPaths(data.slice(begin, stop), series, stacked, x, y) };
      }
      next.set(start, chunk);
      chunks.push(chunk);
      begin = end;
    }
    this.cache = next;
    return { origin, chunks };
  }
}
