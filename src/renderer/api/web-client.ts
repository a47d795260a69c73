import {
  isStreamName, STREAMS,
  type InputOf, type OperationName, type PoolConsoleApi, type ResultOf, type StreamEvent, type StreamName, type StreamParams,
} from '../../shared/contract.js';
import { PoolError } from '../../shared/errors.js';
import { MAX_FRAME_BYTES, SOCKET_PATH, TOKEN_PARAM, type ClientFrame, type ServerFrame } from '../../shared/socket-protocol.js';
import { decodeWire, encodeWire, unwrapReply, type Reply } from '../../shared/wire.js';

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

interface PendingCall {
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

interface Subscription {
  stream: StreamName;
  params: unknown;
  listener(event: unknown): void;
}

/**
 * The console's typed API over serve mode's WebSocket. `url` is the page's URL (http://…, the
 * token in its query string if the page has one, else the cookie the page set carries it) or the
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
  const reportSubscriptionError = options.onSubscriptionError
    ?? ((stream: StreamName, error: PoolError) => console.warn(`Pool Console: the '${stream}' subscription was refused: ${error.code} ${error.message}`));

  let socket: SocketLike | null = null;
  let state: SocketState = 'connecting';
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let nextId = 1;
  const pending = new Map<number, PendingCall>();
  /** Frames of calls made before the first connection opened. */
  const outbox: string[] = [];
  const subscriptions = new Map<number, Subscription>();
  const stateListeners = new Set<(state: SocketState) => void>();

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
      for (const [id, subscription] of subscriptions) send(frame({ id, type: 'subscribe', stream: subscription.stream, params: subscription.params }));
      for (const text of outbox.splice(0)) send(text);
    };
    ws.onmessage = (event: { data: unknown }) => {
      if (socket === ws) receive(event.data);
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
    failPending(new PoolError('UNREACHABLE', 'The connection to the console server was lost; reconnecting. Check that `pool-console serve` is still running.'));
    if (state === 'closed') return;
    setState('reconnecting');
    const delay = Math.min(maxDelay, initialDelay * 2 ** attempt) * (0.8 + Math.random() * 0.4);
    attempt += 1;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (state !== 'closed') connect();
    }, delay);
  }

  function failPending(error: PoolError): void {
    const calls = [...pending.values()];
    pending.clear();
    for (const call of calls) call.reject(error);
  }

  function send(text: string): void {
    if (socket?.readyState === OPEN) socket.send(text);
  }

  function receive(data: unknown): void {
    let message: ServerFrame;
    try {
      message = decodeWire(typeof data === 'string' ? data : String(data)) as ServerFrame;
    } catch {
      console.warn('Pool Console: the server sent a frame that is not JSON');
      return;
    }
    if (!message || typeof message !== 'object') return;
    if ('type' in message && message.type === 'event') {
      const subscription = typeof message.subscription === 'number' ? subscriptions.get(message.subscription) : undefined;
      if (!subscription) return;
      try {
        subscription.listener(message.event);
      } catch (error) {
        console.error(`Pool Console: a '${subscription.stream}' listener failed`, error);
      }
      return;
    }
    if (!('reply' in message)) return;
    const id = typeof message.id === 'number' ? message.id : null;
    const call = id === null ? undefined : pending.get(id);
    if (call) {
      pending.delete(id!);
      try {
        call.resolve(unwrapReply(message.reply as Reply<unknown>));
      } catch (error) {
        call.reject(error);
      }
      return;
    }
    const subscription = id === null ? undefined : subscriptions.get(id);
    if (subscription && !message.reply.ok) {
      subscriptions.delete(id!);
      try {
        unwrapReply(message.reply);
      } catch (error) {
        reportSubscriptionError(subscription.stream, error instanceof PoolError ? error : new PoolError('INTERNAL', String(error)));
      }
      return;
    }
    if (id === null && !message.reply.ok) console.warn(`Pool Console: the server refused a frame: ${message.reply.error.code} ${message.reply.error.message}`);
  }

  const client: WebClient = {
    get state() {
      return state;
    },

    call<N extends OperationName>(name: N, input: InputOf<N>): Promise<ResultOf<N>> {
      if (state === 'closed') return Promise.reject(new PoolError('UNREACHABLE', 'This console client was closed.'));
      if (state === 'reconnecting') {
        return Promise.reject(new PoolError('UNREACHABLE', 'The connection to the console server is down; reconnecting. Try again in a moment.'));
      }
      const id = nextId++;
      let text: string;
      try {
        text = frame({ id, type: 'call', name, input });
      } catch {
        return Promise.reject(new PoolError('INVALID_INPUT', `The input of '${name}' cannot be sent (not JSON-serialisable).`));
      }
      // UTF-8 takes at most 3 bytes per UTF-16 unit: only long texts need counting
      if (text.length > MAX_FRAME_BYTES / 3 && byteLength(text) > MAX_FRAME_BYTES) {
        return Promise.reject(new PoolError('INVALID_INPUT', `The input of '${name}' is larger than ${MAX_FRAME_BYTES / 1024 / 1024} MB, the most the console accepts.`));
      }
      return new Promise<ResultOf<N>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
        if (socket?.readyState === OPEN) socket.send(text);
        else outbox.push(text);
      });
    },

    subscribe<S extends StreamName>(stream: S, params: StreamParams<S>, listener: (event: StreamEvent<S>) => void): () => void {
      if (!isStreamName(stream)) throw new PoolError('INVALID_INPUT', `Unknown stream '${String(stream).slice(0, 80)}'.`);
      const parsed = STREAMS[stream].params.safeParse(params ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new PoolError('INVALID_INPUT', `Invalid ${issue?.path.join('.') || 'parameters'} for '${stream}': ${issue?.message ?? 'rejected'}`);
      }
      const id = nextId++;
      subscriptions.set(id, { stream, params: params ?? {}, listener: listener as (event: unknown) => void });
      send(frame({ id, type: 'subscribe', stream, params: params ?? {} }));
      return () => {
        if (subscriptions.delete(id)) send(frame({ id, type: 'unsubscribe' }));
      };
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
      subscriptions.clear();
      const closing = socket;
      socket = null;
      closing?.close(1000, 'closed by the console');
      failPending(new PoolError('UNREACHABLE', 'This console client was closed.'));
    },
  };

  connect();
  return client;
}

function frame(value: ClientFrame): string {
  return encodeWire(value);
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
