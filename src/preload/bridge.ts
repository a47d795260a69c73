import type { IpcRenderer } from 'electron';
import type { PoolConsoleBridge } from '../shared/bridge-client.js';
import { isOperationName, isStreamName } from '../shared/contract.js';
import { IPC_CHANNELS, type StreamMessage } from '../shared/ipc-protocol.js';
import type { Reply } from '../shared/wire.js';

type Ipc = Pick<IpcRenderer, 'invoke' | 'on'>;

function failure(code: 'INVALID_INPUT' | 'INTERNAL', message: string): Reply<never> {
  return { ok: false, error: { code, message } };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The object the page gets as `window.poolConsole`: `call` and `subscribe`, built from the
 * contract's allow-lists, over the three invoke channels and one event channel; no raw IPC.
 *
 * How errors cross contextBridge: `call` never rejects, it RESOLVES with the reply envelope
 * `{ ok, result } | { ok: false, error: { code, message, details } }`. contextBridge copies a
 * thrown or rejected Error with its message only, losing code and details; a plain object
 * crosses whole (Dates included). The renderer unwraps it with `fromBridge`
 * (shared/bridge-client.ts), which throws a PoolError carrying the code. `subscribe` throws
 * (a plain Error, message only) for a stream outside the contract, synchronously, like a typo.
 */
export function createBridge(ipc: Ipc): PoolConsoleBridge {
  const listeners = new Map<string, (event: never) => void>();
  // One listener for every stream; main sends each event to the page that subscribed, by id.
  ipc.on(IPC_CHANNELS.event, (_event, message: StreamMessage) => {
    const listener = message && typeof message.id === 'string' ? listeners.get(message.id) : undefined;
    listener?.(message.event as never);
  });
  const prefix = Math.random().toString(36).slice(2, 10) || 'p';
  let counter = 0;

  return {
    async call(name, input) {
      if (!isOperationName(name)) return failure('INVALID_INPUT', `Unknown operation '${String(name).slice(0, 80)}'.`);
      try {
        return await ipc.invoke(IPC_CHANNELS.call, { name, input });
      } catch (error) {
        // e.g. an input that cannot be copied (a function), or main not answering at all
        return failure('INTERNAL', `The call '${name}' could not reach the console: ${describe(error)}`);
      }
    },

    subscribe(stream, params, listener) {
      if (!isStreamName(stream)) throw new Error(`Unknown stream '${String(stream).slice(0, 80)}'.`);
      if (typeof listener !== 'function') throw new Error(`subscribe('${stream}') needs a listener function.`);
      counter += 1;
      const id = `${prefix}-${counter}`;
      let active = true;
      listeners.set(id, listener as (event: never) => void);
      const end = () => {
        active = false;
        listeners.delete(id);
      };
      // Main refusing (bad params, no source) ends the subscription; main has logged it too.
      Promise.resolve()
        .then(() => ipc.invoke(IPC_CHANNELS.subscribe, { id, stream, params }) as Promise<Reply<unknown>>)
        .then(
          (reply) => {
            if (reply.ok) return;
            end();
            console.error(`Pool Console: the subscription to '${stream}' was refused: ${reply.error.code} ${reply.error.message}`);
          },
          (error: unknown) => {
            end();
            console.error(`Pool Console: the subscription to '${stream}' failed: ${describe(error)}`);
          },
        );
      return () => {
        if (!active) return;
        end();
        ipc.invoke(IPC_CHANNELS.unsubscribe, { id }).catch((error: unknown) => {
          console.error(`Pool Console: ending the subscription to '${stream}' failed: ${describe(error)}`);
        });
      };
    },
  };
}
