import type {
  InputOf, OperationName, PoolConsoleApi, ResultOf, StreamEvent, StreamName, StreamParams,
} from '../../shared/contract.js';
import { PoolError } from '../../shared/errors.js';
import { createProtocolClient } from '../../shared/protocol-client.js';
import { MAX_FRAME_BYTES, SOCKET_PATH, TOKEN_PARAM } from '../../shared/socket-protocol.js';
import { decodeWire, encodeWire, unwrapReply } from '../../shared/wire.js';

/** Where the socket is: connecting the first time, open, lost and retrying, or closed for good. */
export type SocketState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The same object the preload gives, plus what only a socket has: its state and an end. */
export interface WebClient extends PoolConsoleApi {
  readonly state: SocketState;
  /** Called at once with the current state, then on every change; returns the unsubscribe. */
  onStateChange(listener: (state: SocketState) => void): () => void;
  close(): void;
}

/**
 * The part of the browser's WebSocket the client uses (the `ws` package's WebSocket has it too, for
 * Node). Handlers take `never`: only the socket calls them, so each implementation's own event
 * types fit.
 */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type SocketConstructor = new (url: string) => SocketLike;

export interface WebClientOptions {
  /** The WebSocket class; the browser's by default. */
  WebSocket?: SocketConstructor;
  /** The first reconnect delay; it doubles on every failed attempt up to maxDelayMs (with ±20% jitter). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A subscription the server refused (it is dropped); console.warn by default. */
  onSubscriptionError?: (stream: StreamName, error: PoolError) => void;
}

const OPEN = 1;

/**
 * The console's typed API over serve mode's WebSocket, from the shared protocol client
 * (shared/protocol-client.ts) the preload uses too. `url` is the page's URL (http://…, the token
 * in its query string if the page has one, else the cookie the page set carries it) or the
 * socket's own (ws://…/ws). If the socket drops, calls in flight reject with UNREACHABLE, calls
 * made while it is down reject at once, and it reconnects with backoff, re-establishing every
 * subscription; onStateChange lets the UI show the loss at once.
 */
export function createWebClient(url: string | URL, options: WebClientOptions = {}): WebClient {
  const target = socketUrl(url);
  const found = options.WebSocket ?? (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
  if (!found) throw new Error('createWebClient: this environment has no WebSocket; pass options.WebSocket');
  const Socket: SocketConstructor = found;
  const initialDelay = options.initialDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 10_000;

  let socket: SocketLike | null = null;
  let state: SocketState = 'connecting';
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Calls made before the first connection opened. */
  const outbox: string[] = [];
  const stateListeners = new Set<(state: SocketState) => void>();
  let receive: (message: unknown) => void = () => undefined;

  const protocol = createProtocolClient({
    send(message) {
      let text: string;
      try {
        text = encodeWire(message);
      } catch {
        throw new PoolError('INVALID_INPUT', `The input of '${'name' in message ? message.name : message.type}' cannot be sent (not JSON-serialisable).`);
      }
      // UTF-8 takes at most 3 bytes per UTF-16 unit: only long texts need counting
      if (text.length > MAX_FRAME_BYTES / 3 && byteLength(text) > MAX_FRAME_BYTES) {
        throw new PoolError('INVALID_INPUT', `The input of '${'name' in message ? message.name : message.type}' is larger than ${MAX_FRAME_BYTES / 1024 / 1024} MB, the most the console accepts.`);
      }
      if (socket?.readyState === OPEN) socket.send(text);
      else if (message.type === 'call') outbox.push(text); // subscriptions are sent again on open
    },
    onMessage: (listener) => (receive = listener),
  }, { onSubscriptionRefused: options.onSubscriptionError });

  function setState(next: SocketState): void {
    if (state === next) return;
    state = next;
    for (const listener of [...stateListeners]) {
      try {
        listener(next);
      } catch (error) {
        console.error('Pool Console: a connection-state listener failed', error);
      }
    }
  }

  function connect(): void {
    const ws = new Socket(target);
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      attempt = 0;
      setState('open');
      protocol.resubscribe();
      for (const text of outbox.splice(0)) ws.send(text);
    };
    ws.onmessage = (event: { data: unknown }) => {
      if (socket !== ws) return;
      try {
        receive(decodeWire(typeof event.data === 'string' ? event.data : String(event.data)));
      } catch {
        console.warn('Pool Console: the server sent a frame that is not JSON');
      }
    };
    ws.onerror = () => undefined; // a close event follows; that is where the loss is handled
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      lost();
    };
  }

  function lost(): void {
    outbox.length = 0;
    protocol.failPending(new PoolError('UNREACHABLE', 'The connection to the console server was lost; reconnecting. Check that `pool-console serve` is still running.'));
    if (state === 'closed') return;
    setState('reconnecting');
    const delay = Math.min(maxDelay, initialDelay * 2 ** attempt) * (0.8 + Math.random() * 0.4);
    attempt += 1;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (state !== 'closed') connect();
    }, delay);
  }

  const client: WebClient = {
    get state() {
      return state;
    },

    async call<N extends OperationName>(name: N, input: InputOf<N>, signal?: AbortSignal): Promise<ResultOf<N>> {
      if (state === 'closed') throw new PoolError('UNREACHABLE', 'This console client was closed.');
      if (state === 'reconnecting') throw new PoolError('UNREACHABLE', 'The connection to the console server is down; reconnecting. Try again in a moment.');
      return unwrapReply(await protocol.call(name, input, signal));
    },

    subscribe<S extends StreamName>(stream: S, params: StreamParams<S>, listener: (event: StreamEvent<S>) => void): () => void {
      return protocol.subscribe(stream, params, listener);
    },

    onStateChange(listener) {
      stateListeners.add(listener);
      listener(state);
      return () => stateListeners.delete(listener);
    },

    close() {
      if (state === 'closed') return;
      setState('closed');
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      outbox.length = 0;
      const closing = socket;
      socket = null;
      closing?.close(1000, 'closed by the console');
      protocol.failPending(new PoolError('UNREACHABLE', 'This console client was closed.'));
      protocol.clear();
    },
  };

  connect();
  return client;
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** The socket's URL from the page's (http → ws, path /ws, only the token kept) or a ws URL as given. */
export function socketUrl(url: string | URL): string {
  const parsed = new URL(String(url));
  if (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') return parsed.toString();
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`createWebClient: not an http or ws URL: ${parsed.protocol}`);
  const socket = new URL(SOCKET_PATH, parsed);
  socket.protocol = parsed.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = parsed.searchParams.get(TOKEN_PARAM);
  if (token) socket.searchParams.set(TOKEN_PARAM, token);
  return socket.toString();
}
