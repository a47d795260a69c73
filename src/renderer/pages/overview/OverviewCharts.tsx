import { memo, useMemo } from 'react';
import type { ChartColors } from './chart-colors';
import { latestOk } from './live-series';
import { EVENT_FLOWS, KEY_QUERIES, NET_FLOWS, type LatencyKey } from './live-points';
import type { WindowView } from './overview-model';
import { TimeSeriesChart, type SeriesSpec } from './TimeSeriesChart';

const THROUGHPUT_NOTE = "Events per minute over the last 60 s, from the pool's running event totals.";
const NET_FLOW_NOTE =
  'Change per minute over the last 60 s; removals count as leaving. This database has no event counters yet ' +
  '(migration 0005-pool-event-counts is pending): entered, claimed and completed cannot be told apart.';

function seriesFor(colors: ChartColors) {
  const status: SeriesSpec[] = [
    { key: 'waiting', label: 'waiting', color: colors.waiting },
    { key: 'ready', label: 'ready', color: colors.ready },
    { key: 'processing', label: 'processing', color: colors.processing },
    { key: 'failed', label: 'failed', color: colors.failed },
  ];
  const flowColors = [colors.accent, colors.ok, colors.failed];
  const netFlow: SeriesSpec[] = NET_FLOWS.map((flow, index) => ({ key: flow.key, label: flow.label, color: flowColors[index]! }));
  const eventColors = [colors.accent, colors.processing, colors.ok, colors.failed];
  const throughput: SeriesSpec[] = EVENT_FLOWS.map((flow, index) => ({ key: flow.key, label: flow.label, color: eventColors[index]! }));
  const queryColors = [colors.waiting, colors.ready, colors.processing, colors.ok];
  const latency: SeriesSpec[] = KEY_QUERIES.flatMap((query, index) => [
    { key: `lat_${query.id}_p95` as LatencyKey, label: query.label, name: `${query.label} p95`, color: queryColors[index]! },
    { key: `lat_${query.id}_p50` as LatencyKey, label: `${query.label} p50`, color: queryColors[index]!, dashed: true, legend: false },
  ]);
  return { status, throughput, netFlow, latency };
}

/** The three live charts of the Overview; the page lays them out, the chart benchmark mounts them alone. */
export const OverviewCharts = memo(function OverviewCharts({ view, colors }: { view: WindowView; colors: ChartColors }) {
  const series = useMemo(() => seriesFor(colors), [colors]);
  const { points, domain, errorRuns } = view;
  // Event rates, unless the newest sample says the database has no event counters: then net flows.
  const newest = latestOk(points);
  const events = !newest || newest.sample.stats.eventTotals != null;
  return (
    <>
      <div className="overview-status">
        <TimeSeriesChart
          id="status"
          title="Entries by status"
          kind="stacked-area"
          data={points}
          domain={domain}
          errorRuns={errorRuns}
          series={series.status}
          unit="entries"
          colors={colors}
          height={180}
        />
      </div>
      <div className="overview-throughput">
        <TimeSeriesChart
          id="throughput"
          title={events ? 'Throughput per minute' : 'Net flow per minute'}
          note={events ? THROUGHPUT_NOTE : NET_FLOW_NOTE}
          kind="line"
          data={points}
          domain={domain}
          errorRuns={errorRuns}
          series={events ? series.throughput : series.netFlow}
          unit="/ min"
          colors={colors}
          zeroLine={!events}
        />
      </div>
      <div className="overview-latency">
        <TimeSeriesChart
          id="latency"
          title="Query latency (ms; p95 solid, p50 dashed)"
          kind="line"
          data={points}
          domain={domain}
          errorRuns={errorRuns}
          series={series.latency}
          unit="ms"
          colors={colors}
        />
      </div>
    </>
  );
});
