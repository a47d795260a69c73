import type { StatsSample } from '../../../shared/contract';
import { formatClock, formatCount, formatDuration } from '../../../shared/format';

type ErrorSample = Extract<StatsSample, { kind: 'error' }>;

/** What the label leads with for a failed sample: the connection's true state, never "Live". */
const FAILING_WORDS: Record<ErrorSample['connection'], string> = {
  'not-responding': 'Not responding',
  lost: 'Connection lost',
  'database-missing': 'Database missing',
  connected: 'Sample failed',
  connecting: 'Connecting',
  disconnected: 'Not connected',
};

export interface LiveLabelInput {
  /** Set while the view is paused. */
  paused: { at: number; newSamples: number } | null;
  /** The newest sample when it failed. */
  failing: ErrorSample | null;
  lastGood: { t: number; durationMs: number; recordedAt: number; recorder: string | null; exact: boolean } | null;
  database: string | null | undefined;
  connected: boolean;
}

/** The Overview's live label: paused, failing (with the connection's state), live, or waiting. */
export function liveLabel({ paused, failing, lastGood, database, connected }: LiveLabelInput): string {
  if (paused) return `Paused at ${formatClock(paused.at)} · still collecting (${formatCount(paused.newSamples)} new samples)`;
  if (failing) {
    const word = FAILING_WORDS[failing.connection];
    if (!lastGood) return `${word} · no sample read yet`;
    const seconds = (failing.at.getTime() - lastGood.t) / 1000;
    return `${word} · no live numbers for ${formatDuration(seconds)} (last read ${formatClock(lastGood.t)})`;
  }
  if (lastGood) return `Live · sample read ${formatClock(lastGood.t)} in ${Math.round(lastGood.durationMs)} ms · ${figuresSource(lastGood)}`;
  return connected ? `Waiting for the first sample from ${database ?? 'the database'}…` : 'Waiting for the connection…';
}

/** Whose figures the live numbers are: the recorder's row (and whether it is an estimate), or a direct count. */
function figuresSource({ recordedAt, recorder, exact }: NonNullable<LiveLabelInput['lastGood']>): string {
  if (recorder === null) return 'counted directly (no recorded row)';
  return `recorded ${formatClock(recordedAt)}${exact ? '' : ' (estimate: last exact count plus events since)'}`;
}
