import { plural } from '../shared/plural.js';
import { redactSecrets, redactWebhookUrl } from '../shared/redact.js';
import type { AlertEvent } from '../shared/results/alerts.js';
import { webhookBody, type WebhookFormat, type WebhookSource } from './alert-webhook-body.js';

/*
 * The agent's webhook: alert events POSTed as JSON (or a Slack-compatible message). Never a storm:
 * the events that arrive together go in one POST, and at most one POST starts per `minIntervalMs`;
 * events that arrive meanwhile wait and go, grouped, in the next one (none is dropped for the
 * limit). A POST that fails on the network, with a 5xx or with 429 is tried again with exponential
 * backoff and jitter, up to `maxAttempts` attempts; any other 4xx is not (the request itself is
 * wrong: retrying would only repeat it). The URL's path and query are never logged: they are often
 * the secret (Slack's incoming webhooks).
 */

export interface AlertWebhookOptions {
  url: string;
  format: WebhookFormat;
  source: WebhookSource;
  /** At most one POST starts per this many milliseconds (the first at once). */
  minIntervalMs: number;
  /** Attempts per POST, the first included (default 5). */
  maxAttempts?: number;
  /** The first retry waits about this long, each next one twice as long (default 1,000 ms; tests lower it). */
  backoffBaseMs?: number;
  /** The longest wait between attempts (default 60 s). */
  backoffMaxMs?: number;
  /** One attempt's bound (default 10 s). */
  timeoutMs?: number;
  /** What happened, one line each, the URL redacted. */
  log: (line: string) => void;
}

export interface WebhookDelivery {
  /** Event ids in the POST. */
  ids: number[];
  attempts: number;
  /** The last answer's status, or null when the last attempt failed on the network. */
  status: number | null;
  delivered: boolean;
}

/** Statuses worth another attempt: the receiver is overloaded or failing, not refusing the request. */
const retriable = (status: number) => status >= 500 || status === 429 || status === 408;

export class AlertWebhook {
  private readonly pending: AlertEvent[] = [];
  private readonly stopping = new AbortController();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sending: Promise<void> | null = null;
  private lastPostAt = Number.NEGATIVE_INFINITY;
  private readonly deliveryListeners = new Set<(delivery: WebhookDelivery) => void>();
  readonly target: string;

  constructor(private readonly options: AlertWebhookOptions) {
    this.target = redactWebhookUrl(options.url);
  }

  /** Queues events for the next POST (at once, or when the rate limit allows). */
  enqueue(events: readonly AlertEvent[]): void {
    if (events.length === 0 || this.stopping.signal.aborted) return;
    this.pending.push(...events);
    this.kick();
  }

  /** Events waiting for their POST. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Called after each POST, delivered or given up; returns the unsubscribe. */
  onDelivery(listener: (delivery: WebhookDelivery) => void): () => void {
    this.deliveryListeners.add(listener);
    return () => this.deliveryListeners.delete(listener);
  }

  /** Stops: a POST under way ends at its current attempt; events still waiting are reported as not sent. */
  async close(): Promise<void> {
    this.stopping.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sending;
    if (this.pending.length) this.options.log(`webhook ${this.target}: stopping with ${plural(this.pending.length, 'alert event')} not sent (ids ${idRange(this.pending)})`);
  }

  private kick(): void {
    if (this.sending || this.timer || this.pending.length === 0 || this.stopping.signal.aborted) return;
    const wait = Math.max(0, this.lastPostAt + this.options.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.sending = this.post(this.pending.splice(0)).finally(() => {
        this.sending = null;
        this.kick();
      });
    }, wait);
  }

  /** One POST of `events`, with its retries. */
  private async post(events: AlertEvent[]): Promise<void> {
    this.lastPostAt = Date.now();
    const body = JSON.stringify(webhookBody(this.options.format, events, this.options.source));
    const maxAttempts = this.options.maxAttempts ?? 5;
    const ids = events.map((event) => event.id);
    for (let attempt = 1; ; attempt += 1) {
      let failure: string;
      let status: number | null = null;
      try {
        const response = await fetch(this.options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'pool-console-agent' },
          body,
          redirect: 'error',
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        });
        status = response.status;
        await response.body?.cancel().catch(() => undefined);
        if (response.ok) {
          this.options.log(`webhook ${this.target}: sent ${plural(events.length, 'alert event')} (ids ${idRange(events)})${attempt > 1 ? ` at attempt ${attempt}` : ''}`);
          return this.report({ ids, attempts: attempt, status, delivered: true });
        }
        if (!retriable(response.status)) {
          this.options.log(`webhook ${this.target}: refused with HTTP ${response.status}; not retried (the request would be refused again): ${plural(events.length, 'alert event')} not delivered (ids ${idRange(events)})`);
          return this.report({ ids, attempts: attempt, status, delivered: false });
        }
        failure = `HTTP ${response.status}`;
        const after = retryAfterMs(response.headers.get('retry-after'));
        if (attempt < maxAttempts && !this.stopping.signal.aborted) {
          await this.pause(Math.max(after ?? 0, this.backoff(attempt)));
          continue;
        }
      } catch (error) {
        failure = redactSecrets(describeFailure(error), [this.options.url, new URL(this.options.url).pathname]);
        if (attempt < maxAttempts && !this.stopping.signal.aborted) {
          this.options.log(`webhook ${this.target}: attempt ${attempt} failed (${failure}); trying again`);
          await this.pause(this.backoff(attempt));
          continue;
        }
      }
      this.options.log(`webhook ${this.target}: gave up after ${attempt} attempts (${failure}): ${plural(events.length, 'alert event')} not delivered (ids ${idRange(events)})`);
      return this.report({ ids, attempts: attempt, status, delivered: false });
    }
  }

  /** Exponential with full jitter between half and all of it, so agents that failed together do not retry together. */
  private backoff(attempt: number): number {
    const base = this.options.backoffBaseMs ?? 1000;
    const ceiling = Math.min(this.options.backoffMaxMs ?? 60_000, base * 2 ** (attempt - 1));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  /** Waits `ms`, or less when the webhook is closed meanwhile. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.stopping.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }

  private report(delivery: WebhookDelivery): void {
    for (const listener of this.deliveryListeners) {
      try {
        listener(delivery);
      } catch (error) {
        this.options.log(`webhook ${this.target}: a delivery listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

function idRange(events: readonly Pick<AlertEvent, 'id'>[]): string {
  const first = events[0]?.id;
  const last = events[events.length - 1]?.id;
  return first === last ? `#${first}` : `#${first}–#${last}`;
}

/** Retry-After in seconds (the HTTP-date form is rare for webhooks and left to the backoff). */
function retryAfterMs(header: string | null): number | null {
  if (!header || !/^\d+$/.test(header.trim())) return null;
  return Math.min(Number(header) * 1000, 300_000);
}

/** fetch's "fetch failed" says nothing; its cause says what (ECONNREFUSED, a timeout…). */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'no answer in time';
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}
