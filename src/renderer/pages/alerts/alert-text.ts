import { formatDuration, formatUtc } from '../../../shared/format';
import { ALERT_KIND_TEXT, type AlertEvent, type AlertKind } from '../../../shared/results/alerts';

/** A rule's value as its kind reads it: the threshold of "unused" kinds means nothing. */
export function thresholdUsed(kind: AlertKind): boolean {
  return !ALERT_KIND_TEXT[kind].threshold.startsWith('unused');
}

const number = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
export const formatAlertValue = (value: number) => number.format(value);

/** "FIRING since 2026-12-03 10:00:00 UTC (12 m ago)" for the lists and the banner. */
export function sinceText(event: AlertEvent, now: number): string {
  return `since ${formatUtc(event.at)} (${formatDuration((now - event.at.getTime()) / 1000)} ago)`;
}

/** With no recorder interval known, the recorder's default. */
const DEFAULT_INTERVAL_MS = 10_000;

/**
 * Whether anyone evaluates the rules: the recorder's leader does on each sample, so an
 * evaluation older than three intervals (plus a little for the workstation's clock against the
 * database's) means no recorder is running, and no alert can fire or resolve.
 */
export function evaluationProblem(evaluatedAt: Date | null, now: number, intervalMs: number | null): string | null {
  if (evaluatedAt === null) {
    return 'No recorder has evaluated these rules yet: alerts fire only while a console or `pool-console agent` records the history (its leader evaluates them on each sample).';
  }
  const interval = intervalMs ?? DEFAULT_INTERVAL_MS;
  const age = now - evaluatedAt.getTime();
  if (age <= 3 * interval + 30_000) return null;
  return `No recorder is evaluating these rules: they were last evaluated at ${formatUtc(evaluatedAt)}, ${formatDuration(age / 1000)} ago. What is shown as firing may have ended, and nothing new can fire, until a console or \`pool-console agent\` records again.`;
}
