import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AlertWebhook, type AlertWebhookOptions, type WebhookDelivery } from '../../src/server/alert-webhook.js';
import type { JsonWebhookBody, SlackWebhookBody } from '../../src/server/alert-webhook-body.js';
import type { AlertEvent, AlertKind, AlertState } from '../../src/shared/results/alerts.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';

/*
 * The agent's webhook against a local HTTP receiver (node:http on 127.0.0.1): the body (JSON and
 * Slack), grouping, retries, no retry on a 4xx, the rate limit; then the agent itself, spawned as
 * ops run it, sending what its evaluation writes. Waits poll with generous deadlines; the backoff
 * and the agent's poll are shortened through their options (never a timed assertion).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/pool-console.mjs');
const GENEROUS = { timeout: 60_000, interval: 50 };
const SECRET = 'T0001/B0002/s3cr3tXYZ';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

interface Receiver {
  url: string;
  requests: Received[];
  /** Statuses to answer, in order; 200 once they are used up. */
  answers: number[];
  close(): Promise<void>;
}

const receivers: Receiver[] = [];

async function receiver(answers: number[] = []): Promise<Receiver> {
  const requests: Received[] = [];
  const server = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      requests.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(text) });
      response.writeHead(state.answers.shift() ?? 200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const state: Receiver = {
    url: `http://127.0.0.1:${port}/services/${SECRET}?token=abc123`,
    requests,
    answers,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  receivers.push(state);
  return state;
}

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

let nextId = 1;
function event(kind: AlertKind, state: AlertState = 'firing'): AlertEvent {
  return { id: nextId++, kind, state, at: new Date('2026-12-03T04:00:00.000Z'), value: 12, message: `${kind} crafted message` };
}

const webhooks: AlertWebhook[] = [];
afterEach(async () => {
  await Promise.all(webhooks.splice(0).map((webhook) => webhook.close()));
});

function webhook(url: string, options: Partial<AlertWebhookOptions> = {}): { webhook: AlertWebhook; deliveries: WebhookDelivery[]; log: string[] } {
  const deliveries: WebhookDelivery[] = [];
  const log: string[] = [];
  const sender = new AlertWebhook({
    url,
    format: 'json',
    source: { database: 'booking', sender: 'agent ops@host 123 #t' },
    minIntervalMs: 0,
    backoffBaseMs: 10,
    log: (line) => log.push(line),
    ...options,
  });
  sender.onDelivery((delivery) => deliveries.push(delivery));
  webhooks.push(sender);
  return { webhook: sender, deliveries, log };
}

describe('the webhook sender', () => {
  it('posts one JSON body per group: summary, counts, each event with its title', async () => {
    const r = await receiver();
    const { webhook: w, deliveries } = webhook(r.url);
    const group = [event('stuck-leases'), event('no-claims'), event('failure-rate', 'resolved')];
    w.enqueue(group);
    await vi.waitFor(() => expect(deliveries).toHaveLength(1), GENEROUS);
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]!.headers['content-type']).toBe('application/json');
    const body = r.requests[0]!.body as JsonWebhookBody;
    expect(body).toEqual({
      summary: '2 alerts firing, 1 resolved on booking',
      firing: 2,
      resolved: 1,
      database: 'booking',
      sender: 'agent ops@host 123 #t',
      events: group.map((e) => ({ ...e, at: '2026-12-03T04:00:00.000Z', title: expect.any(String) })),
    });
    expect(body.events[0]!.title).toBe('Stuck leases');
    expect(deliveries[0]).toEqual({ ids: group.map((e) => e.id), attempts: 1, status: 200, delivered: true });
  });

  it('posts a Slack-compatible body: text, and blocks naming each event', async () => {
    const r = await receiver();
    const { webhook: w, deliveries } = webhook(r.url, { format: 'slack' });
    w.enqueue([event('paused-too-long'), event('recorder-gap', 'resolved')]);
    await vi.waitFor(() => expect(deliveries).toHaveLength(1), GENEROUS);
    const body = r.requests[0]!.body as SlackWebhookBody;
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
    expect(body.text).toBe('Pool Console: 1 alert firing, 1 resolved on booking');
    const detail = body.blocks.map((block) => block.text?.text ?? '').join('\n');
    expect(detail).toContain('FIRING Paused too long: paused-too-long crafted message');
    expect(detail).toContain('RESOLVED Recorder gap: recorder-gap crafted message');
  });

  it('retries a 500 and a 503 with backoff, then succeeds: the same body each time', async () => {
    const r = await receiver([500, 503]);
    const { webhook: w, deliveries, log } = webhook(r.url);
    w.enqueue([event('stuck-leases')]);
    await vi.waitFor(() => expect(deliveries).toHaveLength(1), GENEROUS);
    expect(deliveries[0]).toMatchObject({ attempts: 3, status: 200, delivered: true });
    expect(r.requests).toHaveLength(3);
    expect(new Set(r.requests.map((request) => JSON.stringify(request.body))).size).toBe(1);
    expect(log.join('\n')).toContain('at attempt 3');
  });

  it('retries a 429, and gives up after the bounded attempts', async () => {
    const r = await receiver([429, 502, 502, 502, 502, 502]);
    const { webhook: w, deliveries, log } = webhook(r.url, { maxAttempts: 4 });
    w.enqueue([event('no-claims')]);
    await vi.waitFor(() => expect(deliveries).toHaveLength(1), GENEROUS);
    expect(deliveries[0]).toMatchObject({ attempts: 4, status: 502, delivered: false });
    expect(r.requests).toHaveLength(4);
    expect(log.at(-1)).toMatch(/gave up after 4 attempts \(HTTP 502\): 1 alert event not delivered/);
  });

  it('does not retry a 400, and keeps sending the next groups', async () => {
    const r = await receiver([400]);
    const { webhook: w, deliveries, log } = webhook(r.url);
    w.enqueue([event('stuck-leases')]);
    await vi.waitFor(() => expect(deliveries).toHaveLength(1), GENEROUS);
    expect(deliveries[0]).toMatchObject({ attempts: 1, status: 400, delivered: false });
    expect(log.join('\n')).toContain('refused with HTTP 400; not retried');
    w.enqueue([event('stuck-leases', 'resolved')]);
    await vi.waitFor(() => expect(deliveries).toHaveLength(2), GENEROUS);
    expect(deliveries[1]).toMatchObject({ attempts: 1, delivered: true });
    expect(r.requests).toHaveLength(2);
  });

  it('retries a refused connection, and never logs the URL beyond its host', async () => {
    const r = await receiver();
    await r.close();
    const { webhook: w, deliveries, log } = webhook(r.url, { maxAttempts: 3 });
    w.enqueue([event('recorder-gap')]);
    await vi.waitFor(() => expect(deliveries).toHaveLength(1), GENEROUS);
    expect(deliveries[0]).toMatchObject({ attempts: 3, status: null, delivered: false });
    expect(log.join('\n')).toContain('ECONNREFUSED');
    expect(log.join('\n')).toContain('http://127.0.0.1:');
    expect(log.join('\n')).not.toMatch(/s3cr3t|abc123|services/);
  });

  it('rate limit: a burst within the interval waits and goes grouped in the next POST; none is lost', async () => {
    const r = await receiver();
    const { webhook: w, deliveries } = webhook(r.url, { minIntervalMs: 3000 });
    const first = [event('stuck-leases'), event('no-claims')];
    w.enqueue(first);
    await vi.waitFor(() => expect(r.requests).toHaveLength(1), GENEROUS);
    // two bursts right after the first POST: within its interval
    const second = [event('stuck-leases', 'resolved')];
    const third = [event('failure-rate'), event('no-claims', 'resolved')];
    w.enqueue(second);
    w.enqueue(third);
    expect(w.waiting).toBe(3);
    await vi.waitFor(() => expect(deliveries).toHaveLength(2), GENEROUS);
    expect(r.requests).toHaveLength(2);
    const ids = r.requests.map((request) => (request.body as JsonWebhookBody).events.map((e) => e.id));
    expect(ids).toEqual([first.map((e) => e.id), [...second, ...third].map((e) => e.id)]);
    expect((r.requests[1]!.body as JsonWebhookBody).summary).toBe('1 alert firing, 2 resolved on booking');
  });
});

describe('pool-console agent --webhook', () => {
  const t = poolDatabase();
  let child: ChildProcessWithoutNullStreams | null = null;
  let stderr = '';

  beforeAll(async () => {
    await t.admin.query("UPDATE POOL_ALERT_RULES SET ENABLED = (KIND IN ('stuck-leases', 'paused-too-long')), THRESHOLD = 0, WINDOW_MINUTES = 30");
    // history the agent must not replay
    await t.admin.query("INSERT INTO POOL_ALERT_EVENTS (KIND, ALERT_STATE, EVENT_TIME, FIGURE, MESSAGE) VALUES ('no-claims', 'firing', UTC_TIMESTAMP(3) - INTERVAL 1 DAY, 4, 'old news'), ('no-claims', 'resolved', UTC_TIMESTAMP(3) - INTERVAL 23 HOUR, 0, 'old news resolved')");
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('sends what the evaluation writes, grouped, in Slack form; no history replayed; the secret never printed', async () => {
    const r = await receiver();
    const ids = await insertBookings(t.admin, { count: 2 });
    await poolDirectly(t.admin, ids, { status: 'processing', claimedBy: 'dead-worker', claimedSecondsAgo: 7200 });
    await t.admin.query("UPDATE POOL_CONTROL SET PAUSED = 1, PAUSED_BY = 'ops@desk', PAUSE_REASON = 'INC-5', PAUSED_AT = UTC_TIMESTAMP(3) - INTERVAL 2 HOUR WHERE SCOPE = 'ALL'");

    const { host, port, user, database, password } = t.profile;
    child = spawn(
      process.execPath,
      // the URL from the environment, as the systemd unit passes it (kept out of the process list)
      [BIN, 'agent', '--interval', '1', '--webhook-format', 'slack', '--webhook-min-interval', '1', '--url', `mysql://${encodeURIComponent(user)}@${host}:${port}/${database}`],
      { env: { ...process.env, POOL_DATABASE_URL: '', POOL_DATABASE_PASSWORD: password, POOL_ALERT_POLL_MS: '100', POOL_WEBHOOK_BACKOFF_MS: '10', POOL_ALERT_WEBHOOK_URL: r.url } },
    );
    const exited = new Promise<number | null>((resolve) => child!.on('close', (code) => resolve(code)));
    child.stdout.resume();
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    await vi.waitFor(() => expect(r.requests).toHaveLength(1), GENEROUS);
    const body = r.requests[0]!.body as SlackWebhookBody;
    expect(body.text).toBe(`Pool Console: 2 alerts firing on ${database}`);
    const detail = body.blocks.map((block) => block.text?.text ?? '').join('\n');
    expect(detail).toContain('FIRING Stuck leases: 2 leases held longer than 30 min');
    expect(detail).toContain('FIRING Paused too long: Claiming paused for the whole pool');
    expect(detail).not.toContain('old news');

    // the data fixed: the two resolutions come in one or two more POSTs, and nothing else
    await poolDirectly(t.admin, ids, { status: 'waiting', deadlineHoursFromNow: 5 });
    await t.admin.query("UPDATE POOL_CONTROL SET PAUSED = 0 WHERE SCOPE = 'ALL'");
    await vi.waitFor(() => {
      const later = r.requests.slice(1).map((request) => (request.body as SlackWebhookBody).blocks.map((block) => block.text?.text ?? '').join('\n')).join('\n');
      expect(later).toContain('RESOLVED Stuck leases');
      expect(later).toContain('RESOLVED Paused too long');
    }, GENEROUS);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toContain('sending alert events to http://127.0.0.1:');
    expect(stderr).toMatch(/sent 2 alert events/);
    expect(stderr).not.toMatch(/s3cr3t|abc123|services/);
  });

  it('refuses a webhook URL that is not http(s) without printing it, and --webhook-format without --webhook', async () => {
    const { host, port, user, database, password } = t.profile;
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const agent = spawn(process.execPath, [BIN, 'agent', ...args, '--url', `mysql://${encodeURIComponent(user)}@${host}:${port}/${database}`], {
          env: { ...process.env, POOL_DATABASE_URL: '', POOL_DATABASE_PASSWORD: password, POOL_ALERT_WEBHOOK_URL: '' },
        });
        let err = '';
        agent.stdout.resume();
        agent.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
        agent.on('close', (code) => resolve({ code, stderr: err }));
      });
    const badScheme = await run(['--webhook', `ftp://hooks.example/${SECRET}`]);
    expect(badScheme.code).toBe(2);
    expect(badScheme.stderr).toContain("Invalid --webhook: must be an http:// or https:// URL (got 'ftp://hooks.example/***')");
    expect(badScheme.stderr).not.toContain('s3cr3t');
    const lonely = await run(['--webhook-format', 'slack']);
    expect(lonely.code).toBe(2);
    expect(lonely.stderr).toContain('Invalid --webhook-format: applies only with --webhook URL');
  });
});
