/** Query timings per query name: percentiles over the last samples, for the live latency chart. */
export interface LatencySummary {
  name: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  last: number[];
}
