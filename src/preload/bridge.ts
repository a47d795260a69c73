import type { IpcRenderer } from 'electron';
import type { PoolConsoleBridge } from '../shared/bridge-client.js';
import { IPC_CHANNELS } from '../shared/ipc-protocol.js';
import { createProtocolClient } from '../shared/protocol-client.js';

type Ipc = Pick<IpcRenderer, 'send' | 'on'>;

/**
 * The object the page gets as `window.poolConsole`: `call` and `subscribe` from the shared
 * protocol client (shared/protocol-client.ts) over one IPC channel pair, and `notify` (an OS
 * notification, shown by main) on its own one-way channel; no raw IPC.
 *
 * How errors cross contextBridge: `call` never rejects, it RESOLVES with the reply envelope
 * `{ ok, result } | { ok: false, error: { code, message, details } }` (contextBridge would keep
 * only a thrown Error's message). `subscribe` throws for a stream outside the contract,
 * synchronously, like a typo. Cancel: `call`'s third argument is handed the call's abort.
 */
export function createBridge(ipc: Ipc): PoolConsoleBridge {
  const client = createProtocolClient(
    {
      send: (message) => ipc.send(IPC_CHANNELS.toMain, message),
      onMessage: (listener) => ipc.on(IPC_CHANNELS.toPage, (_event, message: unknown) => listener(message)),
    },
    {
      onSubscriptionRefused: (stream, error) => console.error(`Pool Console: the subscription to '${stream}' was refused: ${error.code} ${error.message}`),
    },
  );
  return {
    call(name, input, onCancel) {
      if (typeof onCancel !== 'function') return client.call(name, input);
      const controller = new AbortController();
      onCancel(() => controller.abort());
      return client.call(name, input, controller.signal);
    },
    subscribe: (stream, params, listener) => client.subscribe(stream, params, listener),
    // Only the two strings cross: whatever else the page passes stays behind.
    notify: (notice) => ipc.send(IPC_CHANNELS.notify, { title: String(notice?.title ?? ''), body: String(notice?.body ?? '') }),
  };
}
