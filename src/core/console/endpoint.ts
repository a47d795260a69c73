import { isOperationName, isStreamName } from '../../shared/contract.js';
import { PoolError } from '../../shared/errors.js';
import {
  clientMessageSchema, MAX_SUBSCRIPTIONS, messageIdSchema,
  type CallMessage, type MessageId, type MessagePort, type ServerMessage, type SubscribeMessage,
} from '../../shared/protocol.js';
import type { Reply } from '../../shared/wire.js';
import { classifyError } from '../db/classify-error.js';

/** What the endpoint needs of the console's back (ConsoleService has both). */
export interface EndpointService {
  dispatch(name: unknown, input: unknown, options?: { signal?: AbortSignal }): Promise<Reply<unknown>>;
  subscribe(stream: string, params: unknown, listener: (event: unknown) => void): () => void;
}

/** A port the endpoint serves; `pause`/`resume` let a socket apply backpressure when calls pile up. */
export interface EndpointPort extends MessagePort<ServerMessage> {
  pause?(): void;
  resume?(): void;
}

export interface EndpointOptions {
  log?: { warn(...data: unknown[]): void; error(...data: unknown[]): void };
  /** Runs before a valid call reaches the service (main notes the passwords it must redact). */
  onCall?(name: string, input: unknown): void;
}

/** Calls one port may have running at once; the rest wait their turn, so a flood cannot swamp the database. */
export const MAX_IN_FLIGHT = 8;
/** Above this many waiting calls the port is paused until the queue drains. */
const PAUSE_AT = 512;
const RESUME_AT = 64;

const failure = (error: PoolError): Reply<never> => ({ ok: false, error: error.toEnvelope() });
const silent = { warn: () => undefined, error: () => undefined };

/**
 * The console's one server-side endpoint, over any port (Electron IPC, a WebSocket, memory). It
 * validates every message against the protocol and the contract, runs calls through the service (a
 * few at a time, in arrival order, each with its own AbortController that a `cancel` aborts),
 * keeps the port's subscriptions (at most MAX_SUBSCRIPTIONS), and ends them all when the port
 * closes. Nothing a client sends can throw out of here: every message is answered with an envelope.
 */
export class Endpoint {
  private readonly subscriptions = new Map<MessageId, () => void>();
  private readonly waiting: CallMessage[] = [];
  private readonly running = new Map<MessageId, AbortController>();
  private readonly log: NonNullable<EndpointOptions['log']>;
  private paused = false;
  private closed = false;

  constructor(private readonly port: EndpointPort, private readonly service: EndpointService, private readonly options: EndpointOptions = {}) {
    this.log = options.log ?? silent;
    port.onMessage((message) => this.receive(message));
    port.onClose(() => this.close());
  }

  /** How many subscriptions this port holds (for tests and diagnostics). */
  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  receive(message: unknown): void {
    if (this.closed) return;
    const parsed = clientMessageSchema.safeParse(message);
    if (!parsed.success) {
      this.log.warn('Refused a malformed message');
      const error = new PoolError('INVALID_INPUT', 'Malformed message: expected {id, type: "call", name, input}, {id, type: "subscribe", stream, params}, {id, type: "unsubscribe"} or {id, type: "cancel"}.', {
        issues: parsed.error.issues.slice(0, 5).map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      });
      this.send({ id: recoverId(message), reply: failure(error) });
      return;
    }
    const frame = parsed.data;
    if (frame.type === 'call') this.enqueue(frame);
    else if (frame.type === 'subscribe') this.subscribe(frame);
    else if (frame.type === 'unsubscribe') this.unsubscribe(frame.id);
    else this.cancel(frame.id);
  }

  private enqueue(frame: CallMessage): void {
    if (!isOperationName(frame.name)) {
      const name = frame.name.slice(0, 80);
      this.log.warn(`Refused unknown operation '${name}'`);
      this.send({ id: frame.id, reply: failure(new PoolError('INVALID_INPUT', `Unknown operation '${name}'.`)) });
      return;
    }
    this.waiting.push(frame);
    if (!this.paused && this.waiting.length >= PAUSE_AT && this.port.pause) {
      this.paused = true;
      this.port.pause();
    }
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.running.size < MAX_IN_FLIGHT && this.waiting.length > 0) {
      const frame = this.waiting.shift()!;
      const controller = new AbortController();
      this.running.set(frame.id, controller);
      void this.run(frame, controller.signal).finally(() => {
        if (this.running.get(frame.id) === controller) this.running.delete(frame.id);
        if (this.paused && this.waiting.length <= RESUME_AT) {
          this.paused = false;
          if (!this.closed) this.port.resume?.();
        }
        this.pump();
      });
    }
  }

  private async run(frame: CallMessage, signal: AbortSignal): Promise<void> {
    let reply: Reply<unknown>;
    try {
      this.options.onCall?.(frame.name, frame.input);
      reply = await this.service.dispatch(frame.name, frame.input, { signal });
    } catch (error) {
      // dispatch answers every failure with an envelope; this is the guard for a bug in it
      reply = failure(new PoolError('INTERNAL', 'The console failed to answer this call.', undefined, { cause: error }));
    }
    this.send({ id: frame.id, reply });
  }

  /** Aborts a running call's signal, or answers a waiting one CANCELLED at once. */
  private cancel(id: MessageId): void {
    const running = this.running.get(id);
    if (running) {
      running.abort(new PoolError('CANCELLED', 'The call was cancelled.'));
      return;
    }
    const index = this.waiting.findIndex((frame) => frame.id === id);
    if (index < 0) return;
    const [frame] = this.waiting.splice(index, 1);
    this.send({ id, reply: failure(new PoolError('CANCELLED', `The call '${frame!.name}' was cancelled before it started.`)) });
  }

  private subscribe(frame: SubscribeMessage): void {
    if (!isStreamName(frame.stream)) {
      this.log.warn(`Refused a subscription to an unknown stream '${frame.stream.slice(0, 80)}'`);
      this.send({ id: frame.id, reply: failure(new PoolError('INVALID_INPUT', `Unknown stream '${frame.stream.slice(0, 80)}'.`)) });
      return;
    }
    if (this.subscriptions.has(frame.id)) {
      this.send({ id: frame.id, reply: failure(new PoolError('INVALID_INPUT', `Subscription id '${String(frame.id)}' is already in use.`)) });
      return;
    }
    if (this.subscriptions.size >= MAX_SUBSCRIPTIONS) {
      this.send({ id: frame.id, reply: failure(new PoolError('INVALID_INPUT', `At most ${MAX_SUBSCRIPTIONS} subscriptions at once; unsubscribe first.`)) });
      return;
    }
    try {
      const unsubscribe = this.service.subscribe(frame.stream, frame.params, (event: unknown) => {
        if (this.subscriptions.has(frame.id)) this.send({ type: 'event', subscription: frame.id, event });
      });
      this.subscriptions.set(frame.id, unsubscribe);
      this.send({ id: frame.id, reply: { ok: true, result: { subscribed: true } } });
    } catch (error) {
      const refused = classifyError(error);
      this.log.warn(`Subscription to '${frame.stream}' refused: ${refused.code} ${refused.message}`);
      this.send({ id: frame.id, reply: failure(refused) });
    }
  }

  private unsubscribe(id: MessageId): void {
    const unsubscribe = this.subscriptions.get(id);
    this.subscriptions.delete(id);
    if (unsubscribe) this.stop(unsubscribe);
  }

  private send(message: ServerMessage): void {
    if (this.closed) return;
    try {
      this.port.send(message);
    } catch (error) {
      this.log.error('Could not send a message to the client:', error instanceof Error ? error.message : String(error));
    }
  }

  private stop(unsubscribe: () => void): void {
    try {
      unsubscribe();
    } catch (error) {
      this.log.error('Ending a stream subscription failed:', error instanceof Error ? error.message : String(error));
    }
  }

  /** Ends every subscription, drops queued calls and aborts running ones; their replies go nowhere. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.waiting.length = 0;
    for (const controller of this.running.values()) controller.abort(new PoolError('CANCELLED', 'The client went away.'));
    this.running.clear();
    for (const unsubscribe of this.subscriptions.values()) this.stop(unsubscribe);
    this.subscriptions.clear();
  }
}

/** The id of a message that failed validation, when it has a usable one, so the client can match the error. */
function recoverId(message: unknown): MessageId | null {
  if (!message || typeof message !== 'object' || Array.isArray(message) || !Object.hasOwn(message, 'id')) return null;
  const id = messageIdSchema.safeParse((message as { id: unknown }).id);
  return id.success ? id.data : null;
}
