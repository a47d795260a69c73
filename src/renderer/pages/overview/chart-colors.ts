/*
 * Chart colours come from the stylesheet's variables, resolved to concrete values once: an SVG
 * attribute holding `var(--x)` would lose its colour when the chart is exported as an image.
 */

const FALLBACK = {
  waiting: '#4ea1ff',
  ready: '#9d7bff',
  processing: '#e0a341',
  failed: '#e5534b',
  accent: '#4ea1ff',
  ok: '#3fb27f',
  warn: '#e0a341',
  bad: '#e5534b',
  text: '#dde3ea',
  muted: '#8b97a5',
  line: '#2b3440',
  panel: '#171d24',
  bg: '#0f1419',
} as const;

export type ChartColors = Record<keyof typeof FALLBACK, string>;

export function readChartColors(root: Element = document.documentElement): ChartColors {
  const style = getComputedStyle(root);
  const colors = {} as ChartColors;
  for (const [name, fallback] of Object.entries(FALLBACK) as [keyof ChartColors, string][]) {
    colors[name] = style.getPropertyValue(`--${name}`).trim() || fallback;
  }
  return colors;
}

function rgb(color: string): [number, number, number] | null {
  const hex = /^#([0-9a-f]{6})$/i.exec(color.trim())?.[1];
  if (hex) return [0, 2, 4].map((start) => parseInt(hex.slice(start, start + 2), 16)) as [number, number, number];
  const short = /^#([0-9a-f]{3})$/i.exec(color.trim())?.[1];
  if (short) return [...short].map((digit) => parseInt(digit + digit, 16)) as [number, number, number];
  return null;
}

/**
 * `color` at `alpha` over `background`, as an opaque colour: the live areas are drawn in pieces
 * that touch, and see-through pieces would show their seams. Null when a colour is not hex.
 */
export function blend(color: string, background: string, alpha: number): string | null {
  const top = rgb(color);
  const bottom = rgb(background);
  if (!top || !bottom) return null;
  const mixed = top.map((channel, index) => Math.round(channel * alpha + bottom[index]! * (1 - alpha)));
  return `#${mixed.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;
}
