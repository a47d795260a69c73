import { afterEach, describe, expect, it } from 'vitest';
import { startMetricsHttp, type MetricsHttp } from '../../src/server/metrics-http.js';
import { poolMetricsExposition, type PoolMetricsSnapshot } from '../../src/server/prometheus-registry.js';

const snapshot: PoolMetricsSnapshot = {
  entries: [
    { status: 'waiting', mode: 'URGENT', count: 7 },
    { status: 'processing', mode: 'none', count: 2 },
  ],
  eligible: 5,
  overdue: 1,
  expiredLeases: 2,
  failedAtMaxAttempts: 3,
  oldestEntryAgeSeconds: 3600,
  eventTotals: { entered: 10, claimed: 4, completed: 3, failed: 1, retried: 0, removed: 0, reset: 2 },
  sampleDurationSeconds: 0.012,
  estimated: false,
};

/** `name{labels} value` lines of a Prometheus text exposition, as a map. */
function samples(text: string): Map<string, number> {
  const lines = text.split('\n').filter((line) => line && !line.startsWith('#'));
  return new Map(lines.map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]));
}

let http: MetricsHttp | null = null;
afterEach(async () => {
  await http?.close();
  http = null;
});

describe('pool metrics registry', () => {
  it('exports the snapshot under the documented names', async () => {
    const registry = poolMetricsExposition({ snapshot: () => snapshot, isLeader: () => true });
    const figures = samples(await registry.metrics());
    expect(figures.get('pool_entries{status="waiting",mode="URGENT"}')).toBe(7);
    expect(figures.get('pool_entries{status="processing",mode="none"}')).toBe(2);
    expect(figures.get('pool_eligible')).toBe(5);
    expect(figures.get('pool_overdue')).toBe(1);
    expect(figures.get('pool_expired_leases')).toBe(2);
    expect(figures.get('pool_failed_at_max_attempts')).toBe(3);
    expect(figures.get('pool_oldest_entry_age_seconds')).toBe(3600);
    expect(figures.get('pool_sample_duration_seconds')).toBe(0.012);
    expect(figures.get('pool_figures_estimated')).toBe(0);
    expect(figures.get('pool_recorder_is_leader')).toBe(1);
    expect(figures.get('pool_events_total{event="entered"}')).toBe(10);
    expect(figures.get('pool_events_total{event="reset"}')).toBe(2);
  });

  it('leaves the pool figures out, never zero, before the first row is known', async () => {
    const registry = poolMetricsExposition({ snapshot: () => null, isLeader: () => false });
    const figures = samples(await registry.metrics());
    expect(figures.get('pool_recorder_is_leader')).toBe(0);
    expect([...figures.keys()].filter((name) => name !== 'pool_recorder_is_leader')).toEqual([]);
  });

  it('reads the source at each scrape: an entry gone from the snapshot is gone from the output', async () => {
    let current: PoolMetricsSnapshot = snapshot;
    const registry = poolMetricsExposition({ snapshot: () => current, isLeader: () => true });
    expect(samples(await registry.metrics()).has('pool_entries{status="waiting",mode="URGENT"}')).toBe(true);
    current = { ...snapshot, entries: [{ status: 'ready', mode: 'NORMAL', count: 1 }], eligible: 0, oldestEntryAgeSeconds: null };
    const figures = samples(await registry.metrics());
    expect(figures.has('pool_entries{status="waiting",mode="URGENT"}')).toBe(false);
    expect(figures.get('pool_entries{status="ready",mode="NORMAL"}')).toBe(1);
    expect(figures.get('pool_eligible')).toBe(0);
    expect(figures.get('pool_oldest_entry_age_seconds')).toBeNaN();
  });
});

describe('metrics over HTTP', () => {
  it('serves /metrics on 127.0.0.1 by default, 404 elsewhere, 405 for writes', async () => {
    http = await startMetricsHttp({ registry: poolMetricsExposition({ snapshot: () => snapshot, isLeader: () => true }), port: 0 });
    expect(http.url).toBe(`http://127.0.0.1:${http.port}/metrics`);
    const response = await fetch(http.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(samples(await response.text()).get('pool_eligible')).toBe(5);
    expect((await fetch(`http://127.0.0.1:${http.port}/`)).status).toBe(404);
    expect((await fetch(http.url, { method: 'POST' })).status).toBe(405);
  });
});
