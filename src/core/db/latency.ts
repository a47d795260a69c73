import type { LatencySummary } from '../../shared/results/latency.js';

export type { LatencySummary } from '../../shared/results/latency.js';

export class LatencyRecorder {
  private readonly samples = new Map<string, { ring: number[]; next: number; count: number }>();

  constructor(private readonly capacity = 500) {}

  record(name: string, milliseconds: number): void {
    let series = this.samples.get(name);
    if (!series) {
      series = { ring: [], next: 0, count: 0 };
      this.samples.set(name, series);
    }
    if (series.ring.length < this.capacity) series.ring.push(milliseconds);
    else series.ring[series.next] = milliseconds;
    series.next = (series.next + 1) % this.capacity;
    series.count += 1;
  }

  /** Summary of one query name, or of all of them; `lastN` recent samples, oldest first. */
  summary(lastN = 60): LatencySummary[] {
    return [...this.samples.entries()].map(([name, series]) => {
      const chronological =
        series.ring.length < this.capacity
          ? series.ring
          : [...series.ring.slice(series.next), ...series.ring.slice(0, series.next)];
      const sorted = [...series.ring].sort((a, b) => a - b);
      return {
        name,
        count: series.count,
        p50: percentile(sorted, 0.5),
        p95: percentile(sorted, 0.95),
        p99: percentile(sorted, 0.99),
        last: chronological.slice(-lastN),
      };
    });
  }

  reset(): void {
    this.samples.clear();
  }
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(fraction * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? 0;
}
