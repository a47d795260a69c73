import { alertEventLine, alertGroupSummary } from '../shared/alert-text.js';
import { ALERT_KIND_TEXT, type AlertEvent } from '../shared/results/alerts.js';

/* The body of one webhook POST: a group of alert events, as plain JSON or as a Slack-compatible message. */

export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Where the events come from, named in the body (never a password or the webhook's URL). */
export interface WebhookSource {
  /** The database's name, e.g. 'booking'. */
  database: string;
  /** Who sends: the agent's recorder identity (role user@host pid tag). */
  sender: string;
}

export interface JsonWebhookBody {
  summary: string;
  firing: number;
  resolved: number;
  database: string;
  sender: string;
  events: (Omit<AlertEvent, 'at'> & { at: string; title: string })[];
}

export interface SlackWebhookBody {
  text: string;
  blocks: { type: 'section' | 'context'; text?: { type: 'mrkdwn'; text: string }; elements?: { type: 'mrkdwn'; text: string }[] }[];
}

/** Slack's limit on a section's text is 3,000 characters; longer groups are cut with a count of what was left out. */
const SLACK_SECTION_MAX = 2900;

export function webhookBody(format: WebhookFormat, events: readonly AlertEvent[], source: WebhookSource): JsonWebhookBody | SlackWebhookBody {
  const summary = `${alertGroupSummary(events)} on ${source.database}`;
  if (format === 'json') {
    const firing = events.filter((event) => event.state === 'firing').length;
    return {
      summary,
      firing,
      resolved: events.length - firing,
      database: source.database,
      sender: source.sender,
      events: events.map((event) => ({ ...event, at: event.at.toISOString(), title: ALERT_KIND_TEXT[event.kind].title })),
    };
  }
  const lines = events.map((event) => `${event.state === 'firing' ? ':red_circle:' : ':large_green_circle:'} ${escapeSlack(alertEventLine(event))} _(${event.at.toISOString().slice(0, 19).replace('T', ' ')} UTC)_`);
  let detail = '';
  let shown = 0;
  for (const line of lines) {
    if (detail.length + line.length + 1 > SLACK_SECTION_MAX) break;
    detail += `${detail ? '\n' : ''}${line}`;
    shown += 1;
  }
  if (shown < lines.length) detail += `\n… and ${lines.length - shown} more`;
  return {
    text: `Pool Console: ${summary}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*Pool Console: ${escapeSlack(summary)}*` } },
      { type: 'section', text: { type: 'mrkdwn', text: detail } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `sent by ${escapeSlack(source.sender)}` }] },
    ],
  };
}

/** Slack's three control characters in message text. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
