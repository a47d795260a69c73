import type { ConnectionState, StatsSample } from '../../../shared/contract';
import type { SystemStatus } from '../../../shared/results/health';
import type { OkSample } from './live-points';
import type { DrainProjection, TileValue, WindowView } from './overview-model';

/** A sample as exported: latency percentiles without the raw timings behind them (an hour of those is tens of MB). */
function exportedSample(sample: StatsSample) {
  if (sample.kind === 'error') return sample;
  return { ...sample, latency: sample.latency.map(({ name, count, p50, p95, p99 }) => ({ name, count, p50, p95, p99 })) };
}

export interface SnapshotInput {
  now: number;
  connection: ConnectionState | null;
  windowLabel: string;
  paused: boolean;
  view: WindowView;
  latest: OkSample | null;
  tiles: TileValue[];
  projection: DrainProjection;
  health: SystemStatus | null;
}

/** The numbers behind the Overview, as "Export snapshot" saves them. */
export function buildSnapshot({ now, connection, windowLabel, paused, view, latest, tiles, projection, health }: SnapshotInput) {
  return {
    exportedAt: new Date(now),
    connection: connection && {
      profile: connection.profileName,
      environment: connection.environment,
      host: connection.host,
      database: connection.database,
      status: connection.status,
    },
    window: { label: windowLabel, from: new Date(view.domain[0]), to: new Date(view.domain[1]), paused },
    current: latest && exportedSample(latest),
    tiles: tiles.map((tile) => ({
      id: tile.spec.id,
      label: tile.spec.label,
      value: tile.value,
      change: tile.delta,
      changeOverSeconds: tile.delta === null ? null : Math.round(tile.deltaSpanMs / 1000),
    })),
    deadlineRisk: latest ? { ...latest.stats.deadlineWithin, overdue: latest.stats.overdue, drain: projection } : null,
    health,
    samples: view.points.flatMap((point) => (point.sample ? [exportedSample(point.sample)] : [])),
  };
}
