import { useState, type MouseEvent } from 'react';
import type { ChartColors } from './chart-colors';
import { formatClock, formatRate } from '../../../shared/format';
import type { LivePoint } from './live-points';
import { firstIndexFrom } from './live-series';
import type { Mapping, PathSeries } from './series-paths';

interface ReadoutProps {
  data: LivePoint[];
  series: readonly PathSeries[];
  stacked: boolean;
  plot: { x: number; y: number; width: number; height: number };
  x: Mapping;
  y: Mapping;
  xDomain: [number, number];
  unit: string;
  colors: ChartColors;
}

const LINE_HEIGHT = 15;

/** The values at the sample nearest the pointer: a cursor line, a dot per series and a box. */
export function HoverReadout({ data, series, stacked, plot, x, y, xDomain, unit, colors }: ReadoutProps) {
  const [pointerX, setPointerX] = useState<number | null>(null);
  const onMove = (event: MouseEvent<SVGRectElement>) => {
    const svg = event.currentTarget.ownerSVGElement;
    if (svg) setPointerX(event.clientX - svg.getBoundingClientRect().left);
  };
  let point: LivePoint | undefined;
  if (pointerX !== null && data.length) {
    const t = xDomain[0] + ((pointerX - x(xDomain[0])) / (x(xDomain[1]) - x(xDomain[0]))) * (xDomain[1] - xDomain[0]);
    const index = Math.min(firstIndexFrom(data, t), data.length - 1);
    const before = data[Math.max(0, index - 1)]!;
    point = Math.abs(before.t - t) < Math.abs(data[index]!.t - t) ? before : data[index];
  }
  const lines = point
    ? [
        formatClock(point.t),
        ...(point.sample?.kind === 'error' ? [`failed: ${point.sample.error.message}`] : point.sample ? [] : ['no sample']),
        ...series.map((spec) => {
          const value = point[spec.key];
          return `${spec.name ?? spec.label}: ${value === null ? '—' : `${formatRate(value)} ${unit}`}`;
        }),
      ]
    : [];
  const cursorX = point ? x(point.t) : 0;
  const boxWidth = Math.max(...lines.map((line) => line.length)) * 6.6 + 16;
  const boxX = cursorX + boxWidth + 12 > plot.x + plot.width ? cursorX - boxWidth - 8 : cursorX + 8;
  // Each dot sits on top of the ones before it when the chart is stacked.
  const dots: { key: string; y: number; color: string }[] = [];
  if (point) {
    let stack = 0;
    for (const spec of series) {
      const value = point[spec.key];
      if (value === null) continue;
      stack = stacked ? stack + value : value;
      dots.push({ key: spec.key, y: y(stack), color: spec.color });
    }
  }
  return (
    <g className="live-readout" data-export="skip">
      {point ? (
        <g pointerEvents="none">
          <line x1={cursorX} x2={cursorX} y1={plot.y} y2={plot.y + plot.height} stroke={colors.muted} strokeDasharray="3 3" />
          {dots.map((dot) => (
            <circle key={dot.key} cx={cursorX} cy={dot.y} r={3} fill={dot.color} />
          ))}
          <rect x={boxX} y={plot.y + 4} width={boxWidth} height={lines.length * LINE_HEIGHT + 8} rx={4} fill={colors.panel} stroke={colors.line} opacity={0.95} />
          {lines.map((line, index) => (
            <text key={index} x={boxX + 8} y={plot.y + 8 + (index + 1) * LINE_HEIGHT - 3} fill={index === 0 ? colors.text : colors.muted} fontSize={11}>
              {line}
            </text>
          ))}
        </g>
      ) : null}
      <rect
        x={plot.x}
        y={plot.y}
        width={plot.width}
        height={plot.height}
        fill="transparent"
        onMouseMove={onMove}
        onMouseLeave={() => setPointerX(null)}
        data-testid="chart-hover"
      />
    </g>
  );
}
