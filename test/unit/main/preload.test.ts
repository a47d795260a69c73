import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PoolConsoleBridge } from '../../../src/shared/bridge-client.js';
import { contextBridge, ipcMain, ipcRenderer } from './fake-electron.js';

vi.mock('electron', () => import('./fake-electron.js'));

/**
 * The preload as a sandboxed page gets it. Main's side here is a stand-in that answers each
 * channel, so these tests see exactly what the preload sends and delivers.
 */
let bridge: PoolConsoleBridge;
const subscribed: { id: number; stream: string; params: unknown }[] = [];
const unsubscribed: number[] = [];
const cancelled: number[] = [];
let refuseSubscriptions = false;
/** Calls main holds unanswered until the page cancels them (input { hold: true }). */
const held = new Map<number, () => void>();

beforeAll(async () => {
  ipcMain.on('pool:to-main', (event: { sender: { send(channel: string, message: unknown): void } }, message: { id: number; type: string; name?: string; input?: { hold?: boolean }; stream?: string; params?: unknown }) => {
    const answer = (reply: unknown) => event.sender.send('pool:to-page', { id: message.id, reply });
    if (message.type === 'call') {
      if (message.input?.hold) held.set(message.id, () => answer({ ok: false, error: { code: 'CANCELLED', message: 'cancelled' } }));
      else answer({ ok: true, result: { echoed: { name: message.name, input: message.input } } });
    } else if (message.type === 'subscribe') {
      subscribed.push(message as (typeof subscribed)[number]);
      answer(refuseSubscriptions ? { ok: false, error: { code: 'INVALID_INPUT', message: 'bad params' } } : { ok: true, result: { subscribed: true } });
    } else if (message.type === 'unsubscribe') {
      unsubscribed.push(message.id);
    } else if (message.type === 'cancel') {
      cancelled.push(message.id);
      held.get(message.id)?.();
    }
  });
  await import('../../../src/preload/index.js');
  bridge = contextBridge.exposed.get('poolConsole') as PoolConsoleBridge;
});

beforeEach(() => {
  ipcRenderer.sentToMain.length = 0;
  subscribed.length = 0;
  unsubscribed.length = 0;
  cancelled.length = 0;
  refuseSubscriptions = false;
});

/** Main sending a stream event to this page. */
function mainSends(id: unknown, event: unknown) {
  ipcRenderer.page.send('pool:to-page', { type: 'event', subscription: id, event });
}

describe('the preload', () => {
  it('exposes one object, poolConsole, with exactly call, subscribe and notify', () => {
    expect([...contextBridge.exposed.keys()]).toEqual(['poolConsole']);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'notify', 'subscribe']);
    expect(Object.values(bridge).every((value) => typeof value === 'function')).toBe(true);
  });

  it('sends a contract operation to main on its one channel and resolves with its reply envelope', async () => {
    const reply = await bridge.call('pool.stats', { leaseSeconds: 60 });
    expect(reply).toEqual({ ok: true, result: { echoed: { name: 'pool.stats', input: { leaseSeconds: 60 } } } });
    expect(ipcRenderer.sentToMain).toEqual([{ channel: 'pool:to-main', payload: { id: expect.any(Number), type: 'call', name: 'pool.stats', input: { leaseSeconds: 60 } } }]);
  });

  it('sends a notification to main on its own channel, the title and body only', () => {
    bridge.notify({ title: 'Alert firing: Failures', body: '7.5 failures per minute', onclick: () => 1 } as never);
    expect(ipcRenderer.sentToMain).toEqual([{ channel: 'pool:notify', payload: { title: 'Alert firing: Failures', body: '7.5 failures per minute' } }]);
  });

  it('refuses an operation outside the contract without sending it', async () => {
    for (const name of ['db.dropEverything', '__proto__', 'toString', 42]) {
      const reply = await bridge.call(name as never, {} as never);
      expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(ipcRenderer.sentToMain).toEqual([]);
  });

  it('answers an input that cannot cross IPC with an envelope, not a rejection', async () => {
    const reply = await bridge.call('pool.stats', { leaseSeconds: () => 1 } as never);
    expect(reply).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('refuses a stream outside the contract', () => {
    expect(() => bridge.subscribe('everything' as never, {} as never, () => undefined)).toThrow(/Unknown stream 'everything'/);
    expect(() => bridge.subscribe('progress', {}, 'not a function' as never)).toThrow(/listener/);
    expect(ipcRenderer.sentToMain).toEqual([]);
  });

  it('delivers the events of its own subscription and stops after unsubscribe', async () => {
    const received: unknown[] = [];
    const unsubscribe = bridge.subscribe('progress', {}, (event) => received.push(event));
    await vi.waitFor(() => expect(subscribed).toHaveLength(1));
    const { id, stream, params } = subscribed[0]!;
    expect({ stream, params }).toEqual({ stream: 'progress', params: {} });

    mainSends(id, { operation: 'migrations', message: 'step 1' });
    mainSends('someone-else', { operation: 'migrations', message: 'not mine' });
    expect(received).toEqual([{ operation: 'migrations', message: 'step 1' }]);

    unsubscribe();
    unsubscribe();
    await vi.waitFor(() => expect(unsubscribed).toEqual([id]));
    mainSends(id, { operation: 'migrations', message: 'too late' });
    expect(received).toHaveLength(1);
  });

  it('gives every subscription its own id', async () => {
    const first = bridge.subscribe('progress', {}, () => undefined);
    const second = bridge.subscribe('stats.live', { intervalMs: 2000 }, () => undefined);
    await vi.waitFor(() => expect(subscribed).toHaveLength(2));
    expect(subscribed[0]!.id).not.toBe(subscribed[1]!.id);
    first();
    second();
  });

  it('drops the listener when main refuses the subscription', async () => {
    refuseSubscriptions = true;
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const received: unknown[] = [];
    bridge.subscribe('stats.live', { intervalMs: 1000 }, (event) => received.push(event));
    await vi.waitFor(() => expect(error).toHaveBeenCalledWith(expect.stringContaining('bad params')));
    mainSends(subscribed[0]!.id, { kind: 'ok' });
    expect(received).toEqual([]);
    error.mockRestore();
  });

  it("sends cancel for a call whose abort the page triggers, and resolves with main's answer", async () => {
    let abort: () => void = () => undefined;
    const reply = bridge.call('migrations.up', { hold: true } as never, (given) => (abort = given));
    await vi.waitFor(() => expect(ipcRenderer.sentToMain).toHaveLength(1));
    const { id } = ipcRenderer.sentToMain[0]!.payload as { id: number };
    abort();
    expect(await reply).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(cancelled).toEqual([id]);
  });
});
