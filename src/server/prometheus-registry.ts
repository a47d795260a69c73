import { Counter, Gauge, Registry } from 'prom-client';
import { POOL_EVENTS, type PoolEvent, type PoolMode, type PoolStatus } from '../shared/pool-types.js';

/** What one scrape shows: the recorder's newest row, already in memory (a scrape never queries the database). */
export interface PoolMetricsSnapshot {
  entries: { status: PoolStatus; mode: PoolMode | 'none'; count: number }[];
  eligible: number;
  overdue: number;
  expiredLeases: number;
  failedAtMaxAttempts: number;
  oldestEntryAgeSeconds: number | null;
  /** The running totals the row read (POOL_EVENT_COUNTS); null without that table: the counter is then absent. */
  eventTotals: Record<PoolEvent, number> | null;
  sampleDurationSeconds: number;
  /** The figures are an estimate (last exact count plus event deltas), not an exact count. */
  estimated: boolean;
}

export interface PoolMetricsSource {
  /** Null until the first row is known: the pool gauges are then absent, not zero. */
  snapshot(): PoolMetricsSnapshot | null;
  isLeader(): boolean;
}

export interface MetricsExposition {
  contentType: string;
  metrics(): Promise<string>;
}

/**
 * Prometheus text read from `source` at scrape time. Before the first row the pool metrics are left
 * out (prom-client would print an unlabelled gauge as 0, which reads as an empty pool); only
 * pool_recorder_is_leader is shown then.
 */
export function poolMetricsExposition(source: PoolMetricsSource): MetricsExposition {
  const registry = new Registry();
  const leaderRegistry = new Registry();
  const gauge = (name: string, help: string, read: (snapshot: PoolMetricsSnapshot) => number | null) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const snapshot = source.snapshot();
        const value = snapshot ? read(snapshot) : null;
        // an unknown figure (no entry yet has an age) is NaN, Prometheus' "no value"
        this.set(value ?? Number.NaN);
      },
    });

  new Gauge({
    name: 'pool_entries',
    help: 'Pool entries by status and mode (mode "none" for entries without one).',
    labelNames: ['status', 'mode'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { status, mode, count } of source.snapshot()?.entries ?? []) this.set({ status, mode }, count);
    },
  });
  gauge('pool_eligible', 'Entries a worker may claim now.', (s) => s.eligible);
  gauge('pool_overdue', 'Entries past their deadline and still in the pool.', (s) => s.overdue);
  gauge('pool_expired_leases', 'Processing entries whose lease has expired.', (s) => s.expiredLeases);
  gauge('pool_failed_at_max_attempts', 'Failed entries that reached the attempt limit.', (s) => s.failedAtMaxAttempts);
  gauge('pool_oldest_entry_age_seconds', 'Age of the oldest pool entry.', (s) => s.oldestEntryAgeSeconds);
  gauge('pool_sample_duration_seconds', 'Database time of the newest sample.', (s) => s.sampleDurationSeconds);
  gauge('pool_figures_estimated', '1 when the pool figures are an estimate (last exact count plus event deltas).', (s) => (s.estimated ? 1 : 0));
  new Gauge({
    name: 'pool_recorder_is_leader',
    help: '1 when this process is the database’s recorder, 0 when it reads the leader’s rows.',
    registers: [leaderRegistry],
    collect() {
      this.set(source.isLeader() ? 1 : 0);
    },
  });
  new Counter({
    name: 'pool_events_total',
    help: 'Pool events (entered, claimed, completed, failed, retried, removed, reset) as counted in POOL_EVENT_COUNTS (a counter: it restarts from zero if that table is recreated).',
    labelNames: ['event'],
    registers: [registry],
    collect() {
      this.reset();
      const totals = source.snapshot()?.eventTotals;
      if (!totals) return;
      for (const event of POOL_EVENTS) this.inc({ event }, totals[event]);
    },
  });
  const withPool = Registry.merge([leaderRegistry, registry]);
  return {
    contentType: registry.contentType,
    metrics: () => (source.snapshot() ? withPool : leaderRegistry).metrics(),
  };
}
