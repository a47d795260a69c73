import {
  isOperationName, isStreamName, STREAMS,
  type InputOf, type OperationName, type ResultOf, type StreamEvent, type StreamName, type StreamParams,
} from './contract.js';
import { PoolError, type ErrorEnvelope } from './errors.js';
import type { ClientMessage, MessageId, ServerMessage } from './protocol.js';
import type { Reply } from './wire.js';

/** The client's side of a port: messages out (may throw when one cannot be sent), messages in. */
export interface ClientPort {
  send(message: ClientMessage): void;
  onMessage(listener: (message: unknown) => void): void;
}

/** What a caller can cancel with: an AbortSignal, or anything shaped like one. */
export type CancelSignal = Pick<AbortSignal, 'aborted' | 'addEventListener' | 'removeEventListener'>;

/**
 * The console's calls and streams over any port, resolving with reply envelopes (they cross
 * contextBridge whole; `unwrapReply` turns one into a result or a PoolError).
 */
export interface ProtocolClient {
  call<N extends OperationName>(name: N, input: InputOf<N>, signal?: CancelSignal): Promise<Reply<ResultOf<N>>>;
  subscribe<S extends StreamName>(stream: S, params: StreamParams<S>, listener: (event: StreamEvent<S>) => void): () => void;
  /** Sends every live subscription again (a new connection after a drop). */
  resubscribe(): void;
  /** Answers every call still waiting with this error (the connection is gone). */
  failPending(error: PoolError): void;
  /** Forgets every call and subscription, sending nothing. */
  clear(): void;
}

export interface ProtocolClientOptions {
  /** A subscription the back refused (it is dropped); console.warn by default. */
  onSubscriptionRefused?(stream: StreamName, error: PoolError): void;
  /** What a call that could not be sent is answered with (e.g. an input IPC cannot copy). */
  unsendable?(name: string, error: unknown): ErrorEnvelope;
}

interface Subscription {
  stream: StreamName;
  params: unknown;
  listener(event: unknown): void;
}

const envelope = (code: 'INVALID_INPUT' | 'INTERNAL' | 'CANCELLED', message: string): Reply<never> => ({ ok: false, error: { code, message } });

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One client of the console's protocol (shared/protocol.ts), used by the preload over Electron IPC
 * and by the web client over a WebSocket. It picks the ids, matches replies and events to them,
 * refuses what the contract does not list before sending it, and turns an aborted signal into a
 * `cancel` message.
 */
export function createProtocolClient(port: ClientPort, options: ProtocolClientOptions = {}): ProtocolClient {
  let nextId = 1;
  const pending = new Map<MessageId, (reply: Reply<unknown>) => void>();
  const subscriptions = new Map<MessageId, Subscription>();
  const refused = options.onSubscriptionRefused
    ?? ((stream: StreamName, error: PoolError) => console.warn(`Pool Console: the '${stream}' subscription was refused: ${error.code} ${error.message}`));
  const unsendable = options.unsendable
    ?? ((name: string, error: unknown) => error instanceof PoolError ? error.toEnvelope() : { code: 'INTERNAL' as const, message: `The call '${name}' could not reach the console: ${describe(error)}` });

  port.onMessage((data) => {
    if (!data || typeof data !== 'object') return;
    const message = data as ServerMessage;
    if ('type' in message && message.type === 'event') {
      const subscription = subscriptions.get(message.subscription);
      if (!subscription) return;
      try {
        subscription.listener(message.event);
      } catch (error) {
        console.error(`Pool Console: a '${subscription.stream}' listener failed`, error);
      }
      return;
    }
    if (!('reply' in message) || !message.reply || typeof message.reply !== 'object') return;
    const { id, reply } = message;
    const resolve = id === null ? undefined : pending.get(id);
    if (resolve) {
      pending.delete(id!);
      resolve(reply);
      return;
    }
    const subscription = id === null ? undefined : subscriptions.get(id);
    if (subscription && !reply.ok) {
      subscriptions.delete(id!);
      refused(subscription.stream, new PoolError(reply.error.code, reply.error.message, reply.error.details));
      return;
    }
    if (id === null && !reply.ok) console.warn(`Pool Console: the console refused a message: ${reply.error.code} ${reply.error.message}`);
  });

  function send(message: ClientMessage): void {
    try {
      port.send(message);
    } catch (error) {
      console.error(`Pool Console: a '${message.type}' message could not be sent: ${describe(error)}`);
    }
  }

  return {
    call(name, input, signal) {
      if (!isOperationName(name)) return Promise.resolve(envelope('INVALID_INPUT', `Unknown operation '${String(name).slice(0, 80)}'.`));
      if (signal?.aborted) return Promise.resolve(envelope('CANCELLED', `The call '${name}' was cancelled before it was sent.`));
      const id = nextId++;
      // registered before sending: a port may answer synchronously
      let settle: (reply: Reply<never>) => void = () => undefined;
      const answered = new Promise<Reply<never>>((resolve) => (settle = resolve));
      const cancel = () => send({ id, type: 'cancel' });
      pending.set(id, (reply) => {
        signal?.removeEventListener('abort', cancel);
        settle(reply as Reply<never>);
      });
      try {
        port.send({ id, type: 'call', name, input });
      } catch (error) {
        pending.delete(id);
        return Promise.resolve({ ok: false, error: unsendable(name, error) });
      }
      if (pending.has(id)) signal?.addEventListener('abort', cancel, { once: true });
      return answered;
    },

    subscribe(stream, params, listener) {
      if (!isStreamName(stream)) throw new PoolError('INVALID_INPUT', `Unknown stream '${String(stream).slice(0, 80)}'.`);
      if (typeof listener !== 'function') throw new PoolError('INVALID_INPUT', `subscribe('${stream}') needs a listener function.`);
      const parsed = STREAMS[stream].params.safeParse(params ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new PoolError('INVALID_INPUT', `Invalid ${issue?.path.join('.') || 'parameters'} for '${stream}': ${issue?.message ?? 'rejected'}`);
      }
      const id = nextId++;
      subscriptions.set(id, { stream, params: params ?? {}, listener: listener as (event: unknown) => void });
      send({ id, type: 'subscribe', stream, params: params ?? {} });
      return () => {
        if (subscriptions.delete(id)) send({ id, type: 'unsubscribe' });
      };
    },

    resubscribe() {
      for (const [id, { stream, params }] of subscriptions) send({ id, type: 'subscribe', stream, params });
    },

    failPending(error) {
      const waiting = [...pending.values()];
      pending.clear();
      for (const resolve of waiting) resolve({ ok: false, error: error.toEnvelope() });
    },

    clear() {
      pending.clear();
      subscriptions.clear();
    },
  };
}
