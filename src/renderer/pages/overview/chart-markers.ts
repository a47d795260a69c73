import type { ChartColors } from './chart-colors';

/**
 * Something that happened at one instant, drawn as a vertical line on every history chart: an
 * operator's action (audit log) or an alert's state change (alert events). One kind of marker,
 * one way of drawing it, whatever it comes from.
 */
export interface ChartMarker {
  source: 'audit' | 'alert';
  /** The row's id in its source (audit id, alert event id). */
  id: number;
  t: number;
  /** Short, beside the line: the action, or the rule. */
  label: string;
  /** On hover: the whole story. */
  text: string;
  /** action: an operator's change; failed: one that did not succeed; firing / resolved: an alert. */
  tone: 'action' | 'failed' | 'firing' | 'resolved';
}

/** Red for what went wrong (a failed action, an alert firing), green for an alert resolved. */
export function markerColor(tone: ChartMarker['tone'], colors: ChartColors): string {
  if (tone === 'failed' || tone === 'firing') return colors.bad;
  if (tone === 'resolved') return colors.ok;
  return colors.text;
}

export const byTime = (a: ChartMarker, b: ChartMarker) => a.t - b.t;
