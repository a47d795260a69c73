import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsoleService } from '../../../src/core/console/console-service.js';
import { Endpoint, MAX_IN_FLIGHT, type EndpointService } from '../../../src/core/console/endpoint.js';
import { NO_SECRET_BOX, ProfileStore } from '../../../src/core/console/profile-store.js';
import { MAX_SUBSCRIPTIONS, type ServerMessage } from '../../../src/shared/protocol.js';

/** The endpoint over an in-memory port: what the client sends, what comes back, and the close. */
class MemoryPort {
  readonly sent: ServerMessage[] = [];
  private listener: (message: unknown) => void = () => undefined;
  private closers: (() => void)[] = [];
  send(message: ServerMessage): void {
    this.sent.push(structuredClone(message));
  }
  onMessage(listener: (message: unknown) => void): void {
    this.listener = listener;
  }
  onClose(listener: () => void): void {
    this.closers.push(listener);
  }
  deliver(message: unknown): void {
    this.listener(message);
  }
  close(): void {
    for (const closer of this.closers) closer();
  }
  reply(id: unknown) {
    return this.sent.find((message) => 'reply' in message && message.id === id) as Extract<ServerMessage, { reply: unknown }> | undefined;
  }
}

let dir: string;
let service: ConsoleService;
let port: MemoryPort;
let endpoint: Endpoint;
const warnings: string[] = [];
const log = { warn: (...data: unknown[]) => warnings.push(data.join(' ')), error: (...data: unknown[]) => warnings.push(data.join(' ')) };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pool-console-endpoint-'));
  warnings.length = 0;
  service = new ConsoleService({
    profiles: new ProfileStore(join(dir, 'profiles.json'), NO_SECRET_BOX),
    sandbox: null,
    info: { version: 'test', shell: 'serve', platform: process.platform, node: process.version, dataDir: dir },
    logs: { recent: () => [] },
    actor: 'endpoint-test',
  });
  port = new MemoryPort();
  endpoint = new Endpoint(port, service, { log });
});

afterEach(async () => {
  port.close();
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the endpoint: calls', () => {
  it('runs a call through the service and answers with its id', async () => {
    port.deliver({ id: 1, type: 'call', name: 'app.info', input: {} });
    await vi.waitFor(() => expect(port.reply(1)).toBeDefined());
    expect(port.reply(1)!.reply).toMatchObject({ ok: true, result: { shell: 'serve', version: 'test' } });
  });

  it('answers malformed messages with INVALID_INPUT, with the id when one can be read', () => {
    for (const message of [null, 'app.info', [1], { id: 2, type: 'shout' }, { id: 3, type: 'call' }, { id: 4, type: 'call', name: 'app.info', extra: 1 }, { id: 'no spaces', type: 'subscribe', stream: 'progress' }]) {
      port.deliver(message);
    }
    expect(port.sent).toHaveLength(7);
    for (const message of port.sent) expect(message).toMatchObject({ reply: { ok: false, error: { code: 'INVALID_INPUT' } } });
    expect(port.sent.map((message) => ('id' in message ? message.id : 'event'))).toEqual([null, null, null, 2, 3, 4, null]);
  });

  it('answers a bad input with the contract schema’s issues', async () => {
    port.deliver({ id: 5, type: 'call', name: 'profiles.save', input: { profile: { name: 'x', host: 'h', user: 'u', database: 'd', port: 'x' } } });
    await vi.waitFor(() => expect(port.reply(5)).toBeDefined());
    expect(port.reply(5)!.reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: { issues: [expect.objectContaining({ path: 'profile.port' })] } } });
  });

  it('refuses and logs an operation outside the contract without reaching the service', () => {
    const dispatch = vi.spyOn(service, 'dispatch');
    port.deliver({ id: 6, type: 'call', name: 'database.dropEverything', input: {} });
    expect(port.reply(6)!.reply).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: "Unknown operation 'database.dropEverything'." } });
    expect(warnings).toContainEqual(expect.stringContaining("Refused unknown operation 'database.dropEverything'"));
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('refuses a write on a read-only profile (the service decides), and no stack or password crosses', async () => {
    vi.spyOn(service.session, 'require').mockReturnValue({ saved: { name: 'prod-ro', readOnly: true }, db: { target: { password: 'hunter2' } } } as never);
    port.deliver({ id: 7, type: 'call', name: 'maintenance.resetStuck', input: { olderThanSeconds: 60, reason: 'test' } });
    await vi.waitFor(() => expect(port.reply(7)).toBeDefined());
    const reply = port.reply(7)!.reply;
    expect(reply).toMatchObject({ ok: false, error: { code: 'NO_PRIVILEGE', message: expect.stringContaining('read-only') } });
    expect(JSON.stringify(reply)).not.toMatch(/hunter2|\n\s+at /);
  });

  it('answers a service that throws with an INTERNAL envelope and no stack', async () => {
    const broken: EndpointService = { dispatch: () => Promise.reject(new Error('boom at /secret/path')), subscribe: () => () => undefined };
    const other = new MemoryPort();
    new Endpoint(other, broken);
    other.deliver({ id: 1, type: 'call', name: 'app.info', input: {} });
    await vi.waitFor(() => expect(other.reply(1)).toBeDefined());
    expect(other.reply(1)!.reply).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'The console failed to answer this call.' } });
  });
});

describe('the endpoint: cancel', () => {
  /** A service whose calls wait until their signal aborts, then answer CANCELLED. */
  function waitingService(signals: AbortSignal[]): EndpointService {
    return {
      dispatch: (_name, _input, options) => new Promise((resolve) => {
        const signal = options!.signal!;
        signals.push(signal);
        signal.addEventListener('abort', () => resolve({ ok: false, error: { code: 'CANCELLED', message: 'cancelled' } }));
      }),
      subscribe: () => () => undefined,
    };
  }

  it('passes each call its own signal and aborts only the cancelled one', async () => {
    const signals: AbortSignal[] = [];
    const other = new MemoryPort();
    new Endpoint(other, waitingService(signals));
    other.deliver({ id: 1, type: 'call', name: 'migrations.up', input: { reason: 'x' } });
    other.deliver({ id: 2, type: 'call', name: 'migrations.up', input: { reason: 'x' } });
    expect(signals).toHaveLength(2);
    other.deliver({ id: 1, type: 'cancel' });
    expect(signals.map((signal) => signal.aborted)).toEqual([true, false]);
    await vi.waitFor(() => expect(other.reply(1)).toBeDefined());
    expect(other.reply(1)!.reply).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(other.reply(2)).toBeUndefined();
    other.deliver({ id: 99, type: 'cancel' }); // nothing by that id: ignored
    other.close();
    expect(signals[1]!.aborted).toBe(true);
  });

  it('answers a call cancelled while still waiting its turn at once, without running it', async () => {
    const signals: AbortSignal[] = [];
    const other = new MemoryPort();
    new Endpoint(other, waitingService(signals));
    for (let id = 1; id <= MAX_IN_FLIGHT + 1; id += 1) other.deliver({ id, type: 'call', name: 'app.info', input: {} });
    expect(signals).toHaveLength(MAX_IN_FLIGHT);
    other.deliver({ id: MAX_IN_FLIGHT + 1, type: 'cancel' });
    expect(other.reply(MAX_IN_FLIGHT + 1)!.reply).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    other.close();
    expect(signals).toHaveLength(MAX_IN_FLIGHT);
  });

  it('the service refuses to start a call whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await service.dispatch('app.info', {}, { signal: controller.signal })).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
  });
});

describe('the endpoint: subscriptions', () => {
  const progress = () => service.dispatch('connection.connect', { sandbox: true });

  it('subscribes, delivers events tagged with the subscription id, and stops after unsubscribe', async () => {
    port.deliver({ id: 's1', type: 'subscribe', stream: 'progress', params: {} });
    expect(port.reply('s1')!.reply).toEqual({ ok: true, result: { subscribed: true } });
    (service as unknown as { context: { progress(event: unknown): void } }).context.progress({ operation: 'migrations', message: 'step 1' });
    expect(port.sent).toContainEqual({ type: 'event', subscription: 's1', event: { operation: 'migrations', message: 'step 1' } });
    port.deliver({ id: 's1', type: 'unsubscribe' });
    expect(endpoint.subscriptionCount).toBe(0);
    const before = port.sent.length;
    await progress();
    expect(port.sent).toHaveLength(before);
  });

  it('refuses an unknown stream (logged), bad parameters and a duplicate id', () => {
    port.deliver({ id: 1, type: 'subscribe', stream: 'everything', params: {} });
    port.deliver({ id: 2, type: 'subscribe', stream: 'progress', params: { extra: 1 } });
    port.deliver({ id: 3, type: 'subscribe', stream: 'progress', params: {} });
    port.deliver({ id: 3, type: 'subscribe', stream: 'progress', params: {} });
    expect(port.sent.map((message) => ('reply' in message ? message.reply.ok || message.reply.error.code : 'event'))).toEqual(['INVALID_INPUT', 'INVALID_INPUT', true, 'INVALID_INPUT']);
    expect(warnings).toContainEqual(expect.stringContaining("unknown stream 'everything'"));
    expect(endpoint.subscriptionCount).toBe(1);
  });

  it(`holds at most ${MAX_SUBSCRIPTIONS} subscriptions per port`, () => {
    for (let id = 1; id <= MAX_SUBSCRIPTIONS + 1; id += 1) port.deliver({ id, type: 'subscribe', stream: 'progress', params: {} });
    expect(endpoint.subscriptionCount).toBe(MAX_SUBSCRIPTIONS);
    expect(port.reply(MAX_SUBSCRIPTIONS + 1)!.reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining(String(MAX_SUBSCRIPTIONS)) } });
    port.deliver({ id: 1, type: 'unsubscribe' });
    port.deliver({ id: MAX_SUBSCRIPTIONS + 2, type: 'subscribe', stream: 'progress', params: {} });
    expect(port.reply(MAX_SUBSCRIPTIONS + 2)!.reply).toMatchObject({ ok: true });
  });

  it('ends every subscription when the port closes, and sends nothing after', async () => {
    const ended: number[] = [];
    const fake: EndpointService = { dispatch: service.dispatch.bind(service), subscribe: () => () => ended.push(1) };
    const other = new MemoryPort();
    const second = new Endpoint(other, fake);
    other.deliver({ id: 1, type: 'subscribe', stream: 'progress', params: {} });
    other.deliver({ id: 2, type: 'subscribe', stream: 'stats.live', params: { intervalMs: 2000 } });
    expect(second.subscriptionCount).toBe(2);
    other.close();
    expect(ended).toHaveLength(2);
    expect(second.subscriptionCount).toBe(0);
    const before = other.sent.length;
    other.deliver({ id: 3, type: 'call', name: 'app.info', input: {} });
    expect(other.sent).toHaveLength(before);
  });
});
