import type { LivePoint, SeriesKey } from './live-points';

/*
 * The live series as SVG paths, built in one pass per series. recharts draws the frame (axes,
 * grid, bands, scales); the 3,600-point series are drawn here, because recharts' own Area and
 * Line cost tens of microseconds a point per update: 15 series × 3,600 points took 250 ms.
 *
 * An hour of samples is 5 to 8 samples per pixel column. Each column keeps its lowest and highest
 * value, in the order they came (min/max decimation): a line is drawn the same to the pixel, every
 * spike included, with a path a third as long; a stack keeps the samples with its lowest and
 * highest top, so its outline is exact and the boundaries inside it come from those samples.
 */

export interface PathSeries {
  key: SeriesKey;
  /** In the legend. */
  label: string;
  /** In the hover readout, when it differs from the label. */
  name?: string;
  color: string;
  dashed?: boolean;
}

export interface SeriesPath {
  key: string;
  d: string;
  kind: 'fill' | 'line';
  color: string;
  dashed?: boolean;
}

/** Pixels from values: a linear map, taken from two points of recharts' scale. */
export type Mapping = (value: number) => number;

/** The y axis: nice ticks over the data (stacked: over the stack's top), zero always included. */
export function yTicks(data: readonly LivePoint[], series: readonly PathSeries[], stacked: boolean): number[] {
  let min = 0;
  let max = 0;
  for (const point of data) {
    let sum = 0;
    for (const spec of series) {
      const value = point[spec.key];
      if (value === null) continue;
      if (stacked) sum += value;
      else {
        if (value < min) min = value;
        if (value > max) max = value;
      }
    }
    if (stacked && sum > max) max = sum;
  }
  return niceTicks(min, max);
}

/**
 * Five to seven ticks on steps of 1, 2, 2.5 or 5 × 10ⁿ covering [min, max]. Plain arithmetic: it runs
 * for every chart on every sample (recharts' own uses decimal.js, a millisecond a call).
 */
export function niceTicks(min: number, max: number): number[] {
  if (max <= min) max = min + 1;
  const rough = (max - min) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough)!;
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  // Rounded to the step's precision, so that 0.1 × 3 reads 0.3.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let index = first; index <= last; index += 1) ticks.push(Number((index * step).toFixed(digits)));
  return ticks;
}

/**
 * Walks `data` by pixel column, calling `emit` with the indices of each column's extremes of
 * `measure` (one index when they coincide), and `brk` where the series is missing.
 */
function byColumn(data: readonly LivePoint[], x: Mapping, measure: (point: LivePoint) => number | null, emit: (column: number, index: number) => void, brk: () => void): void {
  let column = Number.NaN;
  let low = -1;
  let high = -1;
  let lowValue = 0;
  let highValue = 0;
  const flush = () => {
    if (low < 0) return;
    if (low === high) emit(column, low);
    else if (low < high) {
      emit(column, low);
      emit(column, high);
    } else {
      emit(column, high);
      emit(column, low);
    }
    low = -1;
    high = -1;
  };
  for (let index = 0; index < data.length; index += 1) {
    const point = data[index]!;
    const value = measure(point);
    if (value === null) {
      flush();
      brk();
      continue;
    }
    const at = Math.round(x(point.t));
    if (at !== column) {
      flush();
      column = at;
    }
    if (low < 0 || value < lowValue) {
      low = index;
      lowValue = value;
    }
    if (high < 0 || value > highValue) {
      high = index;
      highValue = value;
    }
  }
  flush();
}

/** One line per series, broken where a value is missing (error samples and gaps are never zeros). */
function linePath(data: readonly LivePoint[], key: SeriesKey, x: Mapping, y: Mapping): string {
  let d = '';
  let open = false;
  byColumn(
    data,
    x,
    (point) => point[key],
    (column, index) => {
      d += `${open ? 'L' : 'M'}${column},${Math.round(y(data[index]![key]!))}`;
      open = true;
    },
    () => (open = false),
  );
  return d;
}

/**
 * Stacked areas, bottom series first: each a closed shape per run of samples, its top edge
 * forward and the series below's top edge back. A sample where every series is missing breaks
 * the runs; one missing value in a stack counts as zero, as recharts does. Columns keep the
 * samples with the lowest and highest stack.
 */
function stackedPaths(data: readonly LivePoint[], series: readonly PathSeries[], x: Mapping, y: Mapping): SeriesPath[] {
  const fills = series.map(() => '');
  const lines = series.map(() => '');
  const xs: number[] = [];
  const edges = series.map(() => [] as number[]); // top of each series, per kept sample
  const floor = Math.round(y(0));
  const closeRun = () => {
    if (xs.length === 0) return;
    series.forEach((_, index) => {
      const top = edges[index]!;
      const below = index > 0 ? edges[index - 1]! : null;
      let line = `M${xs[0]},${top[0]}`;
      for (let i = 1; i < xs.length; i += 1) line += `L${xs[i]},${top[i]}`;
      let fill = line;
      for (let i = xs.length - 1; i >= 0; i -= 1) fill += `L${xs[i]},${below ? below[i] : floor}`;
      fills[index] += `${fill}Z`;
      lines[index] += line;
    });
    xs.length = 0;
    for (const edge of edges) edge.length = 0;
  };
  const total = (point: LivePoint): number | null => {
    let sum: number | null = null;
    for (const spec of series) {
      const value = point[spec.key];
      if (value !== null) sum = (sum ?? 0) + value;
    }
    return sum;
  };
  byColumn(
    data,
    x,
    total,
    (column, index) => {
      const point = data[index]!;
      xs.push(column);
      let sum = 0;
      series.forEach((spec, position) => {
        sum += point[spec.key] ?? 0;
        edges[position]!.push(Math.round(y(sum)));
      });
    },
    closeRun,
  );
  closeRun();
  return series.flatMap((spec, index) => [
    { key: `${spec.key}-fill`, d: fills[index]!, kind: 'fill' as const, color: spec.color },
    { key: `${spec.key}-line`, d: lines[index]!, kind: 'line' as const, color: spec.color },
  ]);
}

export function seriesPaths(data: readonly LivePoint[], series: readonly PathSeries[], stacked: boolean, x: Mapping, y: Mapping): SeriesPath[] {
  if (stacked) return stackedPaths(data, series, x, y);
  return series.map((spec) => ({ key: spec.key, d: linePath(data, spec.key, x, y), kind: 'line', color: spec.color, dashed: spec.dashed }));
}
