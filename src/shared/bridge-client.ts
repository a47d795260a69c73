import type { InputOf, OperationName, PoolConsoleApi, ResultOf, StreamEvent, StreamName, StreamParams } from './contract.js';
import type { DesktopNotice } from './ipc-protocol.js';
import { unwrapReply, type Reply } from './wire.js';

/**
 * What the desktop preload exposes as `window.poolConsole`. `call` RESOLVES with the reply
 * envelope instead of rejecting: contextBridge copies a thrown or rejected Error with its message
 * only (code and details would be lost), while a plain resolved object crosses whole. An
 * AbortSignal does not cross contextBridge, but a function does: `onCancel` is handed the call's
 * abort, and the page calls it when its own signal aborts. The renderer turns the bridge into the
 * typed PoolConsoleApi with `fromBridge`, which throws a PoolError.
 */
export interface PoolConsoleBridge {
  call<N extends OperationName>(name: N, input: InputOf<N>, onCancel?: (abort: () => void) => void): Promise<Reply<ResultOf<N>>>;
  subscribe<S extends StreamName>(stream: S, params: StreamParams<S>, listener: (event: StreamEvent<S>) => void): () => void;
  /** Shows an OS notification through main (alerts); fire and forget, main validates and logs a refusal. */
  notify(notice: DesktopNotice): void;
}

/** The same typed object the web client produces, from the preload's bridge. */
export function fromBridge(bridge: PoolConsoleBridge): PoolConsoleApi {
  return {
    call: async (name, input, signal) => {
      const onCancel = signal ? (abort: () => void) => (signal.aborted ? abort() : signal.addEventListener('abort', () => abort(), { once: true })) : undefined;
      return unwrapReply(await (onCancel ? bridge.call(name, input, onCancel) : bridge.call(name, input)));
    },
    subscribe: (stream, params, listener) => bridge.subscribe(stream, params, listener),
  };
}
