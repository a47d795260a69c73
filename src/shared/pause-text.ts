import { asDate } from './format.js';
import type { PauseInfo } from './results/control.js';

/*
 * How a pause is written, the same in the health banner, the Overview's PAUSED banner and the CLI:
 * "Claiming paused for URGENT since 14:02 UTC by ops@desk: INC-12; auto-resume 15:00 UTC".
 */

/** A database time to the minute, UTC: "14:02 UTC" on the day of `now`, "2026-12-01 14:02 UTC" otherwise. */
export function pauseTime(value: Date | string | null, now: Date | string): string {
  const date = asDate(value);
  if (!date) return '—';
  const iso = date.toISOString();
  const sameDay = iso.slice(0, 10) === (asDate(now) ?? date).toISOString().slice(0, 10);
  return `${sameDay ? iso.slice(11, 16) : iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** "the whole pool" or "URGENT". */
export function pauseScopeText(pause: Pick<PauseInfo, 'scope'>): string {
  return pause.scope === 'ALL' ? 'the whole pool' : pause.scope;
}

/** One pause in one line, judged at `now` (the database clock the state was read by). */
export function describePause(pause: PauseInfo, now: Date | string): string {
  const since = pause.since ? ` since ${pauseTime(pause.since, now)}` : '';
  const by = pause.pausedBy ? ` by ${pause.pausedBy}` : '';
  const why = pause.reason ? `: ${pause.reason}` : '';
  const until = pause.until ? `; auto-resume ${pauseTime(pause.until, now)}` : '; until someone resumes it';
  return `Claiming paused for ${pauseScopeText(pause)}${since}${by}${why}${until}`;
}
