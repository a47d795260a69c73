import { memo, useMemo, useState } from 'react';
import { CartesianGrid, ComposedChart, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { ChartColors } from './chart-colors';
import { LiveContext, type LiveFrame } from './live-context';
import { LiveLayer } from './LiveLayer';
import type { LivePoint } from './live-points';
import type { ErrorRun } from './overview-model';
import { yTicks, type PathSeries } from './series-paths';

export interface SeriesSpec extends PathSeries {
  /** False: drawn but not listed (a p50 line shares its query's colour and legend entry). */
  legend?: boolean;
}

export interface TimeSeriesChartProps {
  id: string;
  title: string;
  /** A line under the title: what the numbers are, and what they cannot say. */
  note?: string;
  kind: 'stacked-area' | 'line';
  data: LivePoint[];
  domain: [number, number];
  errorRuns: ErrorRun[];
  series: readonly SeriesSpec[];
  unit: string;
  colors: ChartColors;
  /** Draw the zero line (for net flows that go both ways). */
  zeroLine?: boolean;
  height?: number;
}

const MARGIN = { top: 6, right: 12, bottom: 0, left: 0 };

/**
 * The same array while the values are the same: a new one would rebuild the chart's frame, and
 * recharts re-registers an axis whose props change, which costs a good part of a frame.
 */
function useStable<T extends readonly unknown[]>(next: T): T {
  const [kept, setKept] = useState(next);
  const same = kept.length === next.length && kept.every((value, index) => value === next[index]);
  // Adjusting state while rendering: React renders this component again at once, before its children.
  if (!same) setKept(next);
  return same ? kept : next;
}

const tickNumber = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
/** A tick says its own value: 12.5, not 13. */
const valueTick = (value: number) => tickNumber.format(value);

/**
 * A live chart over time, in two parts. The frame — recharts' chart with its grid and axes — has
 * fixed domains (the time axis counts back from the window's end) and is a kept element, so a new
 * sample does not re-render it; it changes only when the y axis needs other ticks. The live
 * layer inside it gets each sample's data by context and draws what moves: the series, the red
 * bands of failed samples, the clock times. Nothing re-mounts, nothing animates, no dots.
 */
export const TimeSeriesChart = memo(function TimeSeriesChart(props: TimeSeriesChartProps) {
  const { id, title, note, kind, data, domain, errorRuns, series, unit, colors, zeroLine, height = 170 } = props;
  const stacked = kind === 'stacked-area';
  const windowMs = domain[1] - domain[0];
  const yAxisTicks = useStable(useMemo(() => yTicks(data, series, stacked), [data, series, stacked]));
  const yDomain = useMemo<[number, number]>(() => [yAxisTicks[0]!, yAxisTicks.at(-1)!], [yAxisTicks]);
  const live = useMemo<LiveFrame>(() => ({ data, domain, errorRuns }), [data, domain, errorRuns]);
  const caption = useMemo(
    () => (
      <figcaption>
        <span className="chart-title">{title}</span>
        <ul className="chart-legend">
          {series
            .filter((spec) => spec.legend !== false)
            .map((spec) => (
              <li key={spec.key} data-color={spec.color} data-dashed={spec.dashed ? 'true' : undefined}>
                <span className={spec.dashed ? 'swatch swatch-dashed' : 'swatch'} style={{ background: spec.dashed ? 'transparent' : spec.color, borderColor: spec.color }} />
                {spec.label}
              </li>
            ))}
        </ul>
        {note ? <span className="chart-note">{note}</span> : null}
      </figcaption>
    ),
    [title, note, series],
  );
  const frame = useMemo(() => {
    const tickStyle = { fill: colors.muted, fontSize: 11 };
    return (
      <ResponsiveContainer width="100%" height={height}>
        <ComposedChart margin={MARGIN}>
          <CartesianGrid stroke={colors.line} strokeDasharray="3 3" vertical={false} />
          {/* The live layer writes the clock times: the axis itself never moves. */}
          <XAxis type="number" dataKey="t" domain={[-windowMs, 0]} allowDataOverflow niceTicks="none" tick={false} stroke={colors.line} />
          <YAxis type="number" width={48} domain={yDomain} ticks={yAxisTicks} allowDataOverflow niceTicks="none" stroke={colors.line} tick={tickStyle} tickFormatter={valueTick} />
          {zeroLine ? <ReferenceLine y={0} stroke={colors.muted} strokeDasharray="2 2" /> : null}
          <LiveLayer series={series} stacked={stacked} windowMs={windowMs} yDomain={yDomain} unit={unit} colors={colors} />
        </ComposedChart>
      </ResponsiveContainer>
    );
  }, [height, colors, windowMs, yDomain, yAxisTicks, zeroLine, series, stacked, unit]);
  return (
    // The span drawn, as data (points and the oldest one's time): what a test or a screen reader can check.
    <figure className="chart" data-chart={id} data-points={data.length} data-first-t={data[0]?.t}>
      {caption}
      <LiveContext.Provider value={live}>{frame}</LiveContext.Provider>
    </figure>
  );
});
