import { fromBridge, type PoolConsoleBridge } from '../../shared/bridge-client.js';
import type { PoolConsoleApi } from '../../shared/contract.js';
import { createWebClient, type SocketState, type WebClientOptions } from './web-client.js';

/** The contract object, plus which shell carries it and the transport's state. */
export interface ChosenApi extends PoolConsoleApi {
  /** desktop: the preload's IPC object; serve: the WebSocket client. */
  shell: 'desktop' | 'serve';
  /** The transport's state (IPC is always open); called at once, returns the unsubscribe. */
  onStateChange(listener: (state: SocketState) => void): () => void;
}

interface PageGlobals {
  poolConsole?: Partial<PoolConsoleBridge>;
  location: { href: string };
}

/**
 * The desktop app's preload object when there is one, else the web client on the page's own
 * origin: serve mode's page either still has the token in its query string or (after the server
 * moved it into an HttpOnly cookie) the socket upgrade carries that cookie.
 */
export function chooseApi(page: PageGlobals = globalThis as unknown as PageGlobals, options: WebClientOptions = {}): ChosenApi {
  const preload = page.poolConsole;
  if (preload && typeof preload.call === 'function' && typeof preload.subscribe === 'function') {
    // The preload resolves with reply envelopes (errors keep their code across contextBridge).
    const api = fromBridge(preload as PoolConsoleBridge);
    return {
      shell: 'desktop',
      call: (name, input, signal) => api.call(name, input, signal),
      subscribe: (stream, params, listener) => api.subscribe(stream, params, listener),
      onStateChange(listener) {
        listener('open');
        return () => undefined;
      },
    };
  }
  const client = createWebClient(page.location.href, options);
  return { shell: 'serve', call: client.call, subscribe: client.subscribe, onStateChange: client.onStateChange };
}
