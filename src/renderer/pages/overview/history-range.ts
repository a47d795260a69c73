/** The Overview's history ranges: the presets end now; a custom one (typed or dragged) is fixed. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const HISTORY_RANGES = [
  { id: '15m', label: '15 min', ms: 15 * MINUTE },
  { id: '1h', label: '1 h', ms: HOUR },
  { id: '6h', label: '6 h', ms: 6 * HOUR },
  { id: '24h', label: '24 h', ms: DAY },
  { id: '7d', label: '7 d', ms: 7 * DAY },
  { id: '14d', label: '14 d', ms: 14 * DAY },
] as const;
export type PresetId = (typeof HISTORY_RANGES)[number]['id'];
/** Hours, not minutes: an incident has usually begun before anyone opens the console. */
export const DEFAULT_RANGE: PresetId = '6h';

/**
 * What is shown: a preset, anchored at the moment it was chosen (so its query stays the same while
 * the live tail carries it on), or a fixed custom span.
 */
export type HistoryRange = { kind: 'preset'; id: PresetId; anchor: number } | { kind: 'custom'; from: number; to: number };

export function presetRange(id: PresetId, now = Date.now()): HistoryRange {
  return { kind: 'preset', id, anchor: now };
}

/** The span history.read is asked for. */
export function rangeBounds(range: HistoryRange): { from: number; to: number } {
  if (range.kind === 'custom') return { from: range.from, to: range.to };
  const preset = HISTORY_RANGES.find((option) => option.id === range.id)!;
  return { from: range.anchor - preset.ms, to: range.anchor };
}

/** Only a range ending now gets the live samples appended. */
export const endsNow = (range: HistoryRange) => range.kind === 'preset';

/** A `datetime-local` input's value (local time, minutes) for a time, and back. */
export function toLocalInput(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function fromLocalInput(value: string): number | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}
