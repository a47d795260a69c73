import { memo, useContext, useId, useMemo, useState } from 'react';
import { usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';
import { blend, type ChartColors } from './chart-colors';
import { ChunkedPaths, type Chunk } from './chunked-paths';
import { formatClock } from '../../../shared/format';
import { HoverReadout } from './HoverReadout';
import { LiveContext } from './live-context';
import type { Mapping, PathSeries } from './series-paths';

/** Linear value → pixel map through two points of a recharts scale (its domain's ends). */
function useLinear(scale: ((value: unknown) => number | undefined) | undefined, from: number, to: number): Mapping | null {
  return useMemo(() => {
    const a = scale?.(from);
    const b = scale?.(to);
    if (a === undefined || b === undefined || to === from) return null;
    const factor = (b - a) / (to - from);
    return (value: number) => a + (value - from) * factor;
  }, [scale, from, to]);
}

const MINUTE = 60_000;

/** Ticks on whole minutes: every minute in a 5-minute window, every 10 in an hour. */
export function timeTicks([from, to]: [number, number]): number[] {
  const step = to - from > 15 * MINUTE ? 10 * MINUTE : MINUTE;
  const ticks: number[] = [];
  for (let tick = Math.ceil(from / step) * step; tick <= to; tick += step) ticks.push(tick);
  return ticks;
}

const FILL_ALPHA = 0.5;

/** An area's fill: half its colour over the panel, opaque where the colours allow it. */
function Fill({ d, color, background }: { d: string; color: string; background: string }) {
  const opaque = blend(color, background, FILL_ALPHA);
  // Crisp edges on whole pixels: touching pieces leave no hairline between them (the line drawn
  // over the top edge is smooth).
  return opaque ? (
    <path d={d} fill={opaque} stroke="none" shapeRendering="crispEdges" />
  ) : (
    <path d={d} fill={color} fillOpacity={FILL_ALPHA} stroke="none" shapeRendering="crispEdges" />
  );
}

/** One minute of every series' fills, or of its lines; memoised, so an unchanged chunk costs React one comparison. */
const ChunkPaths = memo(function ChunkPaths({ chunk, kind, background }: { chunk: Chunk; kind: 'fill' | 'line'; background: string }) {
  return (
    <>
      {chunk.paths.map((path) =>
        path.kind !== kind ? null : kind === 'fill' ? (
          <Fill key={path.key} d={path.d} color={path.color} background={background} />
        ) : (
          <path key={path.key} d={path.d} fill="none" stroke={path.color} strokeWidth={1.5} strokeDasharray={path.dashed ? '4 3' : undefined} strokeLinejoin="round" />
        ),
      )}
    </>
  );
});

export interface LiveLayerProps {
  series: readonly PathSeries[];
  stacked: boolean;
  /** The x axis's domain, relative to the window's end: [−window, 0]. */
  windowMs: number;
  yDomain: [number, number];
  unit: string;
  colors: ChartColors;
}

/**
 * Everything of a live chart that moves with each sample, drawn inside the recharts chart with
 * its scales: the series (in one-minute chunks shifted together by one transform, see
 * chunked-paths.ts), the red bands of failed samples, the clock times under the axis, and the
 * hover readout. The chart's frame (axes, grid) has a fixed domain and does not re-render.
 */
export function LiveLayer({ series, stacked, windowMs, yDomain, unit, colors }: LiveLayerProps) {
  const { data, domain, errorRuns } = useContext(LiveContext);
  const plot = usePlotArea();
  const relative = useLinear(useXAxisScale(), -windowMs, 0);
  const y = useLinear(useYAxisScale(), yDomain[0], yDomain[1]);
  const end = domain[1];
  const x = useMemo<Mapping | null>(() => (relative ? (t: number) => relative(t - end) : null), [relative, end]);
  const clipId = `live-clip-${useId().replace(/:/g, '')}`;
  // One cache per mounted layer, made once.
  const [chunked] = useState(() => new ChunkedPaths());
  const pxPerMs = relative ? relative(1) - relative(0) : 0;
  const layout = useMemo(
    () => (y && pxPerMs ? chunked.layout(data, series, stacked, pxPerMs, y, yDomain) : null),
    [chunked, data, series, stacked, pxPerMs, y, yDomain],
  );
  if (!plot || !x || !y || !layout) return null;
  const bottom = plot.y + plot.height;
  return (
    <g className="live-layer">
      <defs>
        <clipPath id={clipId}>
          <rect x={plot.x} y={plot.y} width={plot.width} height={plot.height} />
        </clipPath>
      </defs>
      <g className="live-series" clipPath={`url(#${clipId})`}>
        <g transform={`translate(${Math.round(x(layout.origin))},0)`}>
          {/* Every fill under every line: the chunks touch, and a later fill would cover an earlier edge. */}
          {stacked ? layout.chunks.map((chunk) => <ChunkPaths key={chunk.start} chunk={chunk} kind="fill" background={colors.panel} />) : null}
          {layout.chunks.map((chunk) => (
            <ChunkPaths key={`line-${chunk.start}`} chunk={chunk} kind="line" background={colors.panel} />
          ))}
        </g>
        {errorRuns.map((run) => (
          <rect
            key={run.from}
            className="live-error-band"
            x={x(run.from)}
            y={plot.y}
            width={Math.max(2, x(run.to) - x(run.from))}
            height={plot.height}
            fill={colors.bad}
            fillOpacity={0.28}
            stroke={colors.bad}
            strokeOpacity={0.6}
          />
        ))}
      </g>
      <g className="live-time-axis">
        {timeTicks(domain).map((tick) => (
          <g key={tick} transform={`translate(${x(tick)},${bottom})`}>
            <line y2={6} stroke={colors.line} />
            <text className="live-time-tick" y={18} textAnchor="middle" fill={colors.muted} fontSize={11}>
              {formatClock(tick, false)}
            </text>
          </g>
        ))}
      </g>
      <HoverReadout data={data} series={series} stacked={stacked} plot={plot} x={x} y={y} xDomain={domain} unit={unit} colors={colors} />
    </g>
  );
}
