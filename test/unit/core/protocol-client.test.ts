import { describe, expect, it, vi } from 'vitest';
import { Endpoint, type EndpointService } from '../../../src/core/console/endpoint.js';
import { createProtocolClient } from '../../../src/shared/protocol-client.js';
import type { ClientMessage, ServerMessage } from '../../../src/shared/protocol.js';
import type { Reply } from '../../../src/shared/wire.js';

/** The shared client and the endpoint joined by an in-memory port pair (copies, asynchronous, like IPC). */
function connected(service: EndpointService) {
  let toClient: (message: unknown) => void = () => undefined;
  let toEndpoint: (message: unknown) => void = () => undefined;
  const closers: (() => void)[] = [];
  const sent: ClientMessage[] = [];
  const endpoint = new Endpoint({
    send: (message: ServerMessage) => queueMicrotask(() => toClient(structuredClone(message))),
    onMessage: (listener) => (toEndpoint = listener),
    onClose: (listener) => closers.push(listener),
  }, service);
  const client = createProtocolClient({
    send: (message) => {
      sent.push(message);
      const copy = structuredClone(message);
      queueMicrotask(() => toEndpoint(copy));
    },
    onMessage: (listener) => (toClient = listener),
  }, { onSubscriptionRefused: () => undefined });
  return { client, endpoint, sent, close: () => closers.forEach((close) => close()) };
}

describe('the shared protocol client over the endpoint', () => {
  it('calls, and an aborted AbortSignal sends cancel, which aborts the signal the service was given', async () => {
    const given: AbortSignal[] = [];
    const service: EndpointService = {
      dispatch: (name, _input, options) => new Promise<Reply<unknown>>((resolve) => {
        if (name === 'app.info') return resolve({ ok: true, result: { version: 'x' } });
        given.push(options!.signal!);
        options!.signal!.addEventListener('abort', () => resolve({ ok: false, error: { code: 'CANCELLED', message: 'stopped after its batch' } }));
      }),
      subscribe: () => () => undefined,
    };
    const { client, sent } = connected(service);
    expect(await client.call('app.info', {})).toEqual({ ok: true, result: { version: 'x' } });

    const controller = new AbortController();
    const running = client.call('migrations.up', { reason: 'test' }, controller.signal);
    await vi.waitFor(() => expect(given).toHaveLength(1));
    controller.abort();
    expect(await running).toEqual({ ok: false, error: { code: 'CANCELLED', message: 'stopped after its batch' } });
    expect(given[0]!.aborted).toBe(true);
    expect(sent.map((message) => message.type)).toEqual(['call', 'call', 'cancel']);

    expect(await client.call('app.info', {}, controller.signal)).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(sent).toHaveLength(3); // already aborted: never sent
  });

  it('refuses what the contract does not list before sending it', () => {
    const { client, sent } = connected({ dispatch: async () => ({ ok: true, result: null }), subscribe: () => () => undefined });
    return client.call('db.dropEverything' as never, {} as never).then((reply) => {
      expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      expect(() => client.subscribe('everything' as never, {} as never, () => undefined)).toThrow(/Unknown stream/);
      expect(() => client.subscribe('stats.live', { intervalMs: 5 }, () => undefined)).toThrow(/intervalMs/);
      expect(sent).toEqual([]);
    });
  });

  it('subscribes, receives events, unsubscribes; the port closing ends the subscription on the back', async () => {
    let emit: (event: unknown) => void = () => undefined;
    const ended = vi.fn();
    const { client, endpoint, close } = connected({
      dispatch: async () => ({ ok: true, result: null }),
      subscribe: (_stream, _params, listener) => {
        emit = listener;
        return ended;
      },
    });
    const received: unknown[] = [];
    const unsubscribe = client.subscribe('progress', {}, (event) => received.push(event));
    await vi.waitFor(() => expect(endpoint.subscriptionCount).toBe(1));
    emit({ operation: 'migrations', message: 'step 1' });
    await vi.waitFor(() => expect(received).toEqual([{ operation: 'migrations', message: 'step 1' }]));
    unsubscribe();
    await vi.waitFor(() => expect(ended).toHaveBeenCalledTimes(1));

    client.subscribe('progress', {}, () => undefined);
    await vi.waitFor(() => expect(endpoint.subscriptionCount).toBe(1));
    close();
    expect(endpoint.subscriptionCount).toBe(0);
    expect(ended).toHaveBeenCalledTimes(2);
  });
});
