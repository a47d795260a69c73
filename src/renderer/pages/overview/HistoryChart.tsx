import { memo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatClock } from '../../../shared/format';
import type { ChartColors } from './chart-colors';
import { markerColor, type ChartMarker } from './chart-markers';
import type { HistoryRow, RowKey } from './history-rows';

export interface HistorySeries {
  key: RowKey;
  label: string;
  color: string;
  dashed?: boolean;
}

export interface HistoryChartProps {
  id: string;
  title: string;
  note?: string;
  rows: HistoryRow[];
  series: readonly HistorySeries[];
  domain: [number, number];
  markers: readonly ChartMarker[];
  estimates: readonly [number, number][];
  colors: ChartColors;
  /** A span dragged across the chart: shown as a custom range. */
  onZoom: (from: number, to: number) => void;
  /** The marker under the pointer (null when it leaves): the panel shows its text. */
  onMarkerHover: (marker: ChartMarker | null) => void;
}

const DAY = 86_400_000;
const MARGIN = { top: 14, right: 12, bottom: 0, left: 0 };

/** Clock times within a day; the date in front beyond one. */
function timeTick(domainMs: number) {
  return (t: number) => (domainMs > DAY ? `${new Date(t).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${formatClock(t, false)}` : formatClock(t, false));
}

const valueFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/**
 * One chart of the recorded history: lines that break at every gap (a null row, never a zero),
 * estimated stretches shaded and labelled, operators' actions and alerts as dashed vertical markers, and a
 * span dragged across it zooms in.
 */
export const HistoryChart = memo(function HistoryChart(props: HistoryChartProps) {
  const { id, title, note, rows, series, domain, markers, estimates, colors, onZoom, onMarkerHover } = props;
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const valued = rows.filter((row) => row.source !== 'gap');
  const tick = timeTick(domain[1] - domain[0]);
  // The hovered row's time on the workstation's clock, as the axis writes it.
  const label = (value: unknown) => (typeof value === 'number' ? `${new Date(value).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${formatClock(value)}` : String(value));
  const finishDrag = () => {
    if (drag && Math.abs(drag.to - drag.from) > 0) onZoom(Math.min(drag.from, drag.to), Math.max(drag.from, drag.to));
    setDrag(null);
  };
  return (
    <figure
      className="chart history-chart"
      data-history-chart={id}
      data-points={valued.length}
      data-first-t={valued[0]?.t}
      data-last-t={valued.at(-1)?.t}
      data-gaps={rows.filter((row) => row.source === 'gap').length}
      data-estimated={valued.filter((row) => row.estimated).length}
    >
      <figcaption>
        <span className="chart-title">{title}</span>
        <ul className="chart-legend">
          {series.map((spec) => (
            <li key={spec.key} data-color={spec.color}>
              <span className={spec.dashed ? 'swatch swatch-dashed' : 'swatch'} style={{ background: spec.dashed ? 'transparent' : spec.color, borderColor: spec.color }} />
              {spec.label}
            </li>
          ))}
        </ul>
        {note ? <span className="chart-note">{note}</span> : null}
      </figcaption>
      <ResponsiveContainer width="100%" height={170}>
        <LineChart
          data={rows}
          margin={MARGIN}
          onMouseDown={(state) => {
            if (typeof state.activeLabel === 'number') setDrag({ from: state.activeLabel, to: state.activeLabel });
          }}
          onMouseMove={(state) => {
            if (drag && typeof state.activeLabel === 'number') setDrag({ ...drag, to: state.activeLabel });
          }}
          onMouseUp={finishDrag}
          onMouseLeave={() => setDrag(null)}
        >
          <CartesianGrid stroke={colors.line} strokeDasharray="3 3" vertical={false} />
          <XAxis type="number" dataKey="t" domain={domain} allowDataOverflow scale="time" tickFormatter={tick} stroke={colors.line} tick={{ fill: colors.muted, fontSize: 11 }} minTickGap={40} />
          <YAxis width={48} stroke={colors.line} tick={{ fill: colors.muted, fontSize: 11 }} tickFormatter={(value: number) => valueFormat.format(value)} allowDecimals />
          <Tooltip labelFormatter={label} formatter={(value) => (typeof value === 'number' ? valueFormat.format(value) : '—')} contentStyle={{ background: colors.panel, borderColor: colors.line }} isAnimationActive={false} />
          {estimates.map(([from, to]) => (
            <ReferenceArea key={`estimate-${from}`} x1={from} x2={to === from ? to + 1 : to} fill={colors.warn} fillOpacity={0.08} stroke={colors.warn} strokeDasharray="3 3" label={{ value: 'estimate', fill: colors.warn, fontSize: 10, position: 'insideTop' }} ifOverflow="hidden" />
          ))}
          {series.map((spec) => (
            <Line key={spec.key} type="linear" dataKey={spec.key} name={spec.label} stroke={spec.color} strokeWidth={1.5} strokeDasharray={spec.dashed ? '4 3' : undefined} dot={false} connectNulls={false} isAnimationActive={false} />
          ))}
          {markers.map((marker) => (
            <ReferenceLine
              key={`${marker.source}-${marker.id}`}
              x={marker.t}
              ifOverflow="hidden"
              shape={(line: { x1?: number; y1?: number; x2?: number; y2?: number }) => (
                <g
                  className={`${marker.source}-marker`}
                  data-marker={marker.source === 'audit' ? marker.id : undefined}
                  data-alert-marker={marker.source === 'alert' ? marker.id : undefined}
                  data-tone={marker.tone}
                  data-marker-t={marker.t}
                  onMouseEnter={() => onMarkerHover(marker)}
                  onMouseLeave={() => onMarkerHover(null)}
                >
                  <line x1={line.x1} y1={line.y1} x2={line.x2} y2={line.y2} stroke={markerColor(marker.tone, colors)} strokeDasharray={marker.source === 'alert' ? '5 2' : '2 3'} strokeWidth={1.5} />
                  {/* A wider invisible band: the pointer finds a 1-pixel line hard to hit. */}
                  <line x1={line.x1} y1={line.y1} x2={line.x2} y2={line.y2} stroke="transparent" strokeWidth={9} />
                  {/* Left of the line: most actions looked for are recent, at the right edge. */}
                  <text x={(line.x1 ?? 0) - 3} y={(line.y1 ?? 0) + 9} textAnchor="end" fill={colors.muted} fontSize={10}>
                    {marker.label}
                  </text>
                  <title>{marker.text}</title>
                </g>
              )}
            />
          ))}
          {drag ? <ReferenceArea x1={drag.from} x2={drag.to} fill={colors.accent} fillOpacity={0.15} /> : null}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
});
