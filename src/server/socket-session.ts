import type { RawData, WebSocket } from 'ws';
import { PoolError } from '../shared/errors.js';
import {
  clientFrameSchema, frameIdSchema, type ClientFrame, type FrameId, type ServerFrame, type SubscribeAck,
} from '../shared/socket-protocol.js';
import { decodeWire, encodeWire, type Reply } from '../shared/wire.js';
import { classifyError } from '../core/db/classify-error.js';

/** What the socket needs of the console's back (ConsoleService has both). */
export interface ContractService {
  dispatch(name: unknown, input: unknown): Promise<Reply<unknown>>;
  subscribe(stream: string, params: unknown, listener: (event: unknown) => void): () => void;
}

/** Calls one socket may have running at once; the rest wait their turn, so a flood cannot swamp the database. */
const MAX_IN_FLIGHT = 8;
/** Above this many waiting calls the socket stops reading until the queue drains (TCP backpressure). */
const PAUSE_AT = 512;
const RESUME_AT = 64;
const MAX_SUBSCRIPTIONS = 64;

const failure = (error: PoolError): Reply<never> => ({ ok: false, error: error.toEnvelope() });

/**
 * One browser tab's socket: validates each frame, runs calls through the service (a few at a time,
 * in arrival order), keeps its subscriptions, and ends them all when the socket closes. Nothing a
 * client sends can throw out of here: every frame is answered with an envelope.
 */
export class SocketSession {
  private readonly subscriptions = new Map<FrameId, () => void>();
  private readonly waiting: Extract<ClientFrame, { type: 'call' }>[] = [];
  private running = 0;
  private paused = false;
  private closed = false;

  constructor(private readonly socket: WebSocket, private readonly service: ContractService) {
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', () => this.end());
    socket.on('error', () => this.end());
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.send({ id: null, reply: failure(new PoolError('INVALID_INPUT', 'Binary frames are not accepted: send JSON text.')) });
      return;
    }
    let message: unknown;
    try {
      message = decodeWire(rawText(data));
    } catch {
      this.send({ id: null, reply: failure(new PoolError('INVALID_INPUT', 'The message is not JSON.')) });
      return;
    }
    const parsed = clientFrameSchema.safeParse(message);
    if (!parsed.success) {
      const error = new PoolError('INVALID_INPUT', 'Malformed message: expected {id, type: "call", name, input}, {id, type: "subscribe", stream, params} or {id, type: "unsubscribe"}.', {
        issues: parsed.error.issues.slice(0, 5).map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      });
      this.send({ id: recoverId(message), reply: failure(error) });
      return;
    }
    const frame = parsed.data;
    if (frame.type === 'call') this.enqueue(frame);
    else if (frame.type === 'subscribe') this.subscribe(frame);
    else this.unsubscribe(frame.id);
  }

  private enqueue(frame: Extract<ClientFrame, { type: 'call' }>): void {
    this.waiting.push(frame);
    if (!this.paused && this.waiting.length >= PAUSE_AT) {
      this.paused = true;
      this.socket.pause();
    }
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.running < MAX_IN_FLIGHT && this.waiting.length > 0) {
      const frame = this.waiting.shift()!;
      this.running += 1;
      void this.run(frame).finally(() => {
        this.running -= 1;
        if (this.paused && this.waiting.length <= RESUME_AT) {
          this.paused = false;
          if (!this.closed) this.socket.resume();
        }
        this.pump();
      });
    }
  }

  private async run(frame: Extract<ClientFrame, { type: 'call' }>): Promise<void> {
    let reply: Reply<unknown>;
    try {
      reply = await this.service.dispatch(frame.name, frame.input);
    } catch (error) {
      // dispatch answers every failure with an envelope; this is the guard for a bug in it
      reply = failure(new PoolError('INTERNAL', 'The console failed to answer this call.', undefined, { cause: error }));
    }
    this.send({ id: frame.id, reply });
  }

  private subscribe(frame: Extract<ClientFrame, { type: 'subscribe' }>): void {
    if (this.subscriptions.has(frame.id)) {
      this.send({ id: frame.id, reply: failure(new PoolError('INVALID_INPUT', `Subscription ${String(frame.id)} already exists on this socket.`)) });
      return;
    }
    if (this.subscriptions.size >= MAX_SUBSCRIPTIONS) {
      this.send({ id: frame.id, reply: failure(new PoolError('INVALID_INPUT', `At most ${MAX_SUBSCRIPTIONS} subscriptions per socket.`)) });
      return;
    }
    try {
      const unsubscribe = this.service.subscribe(frame.stream, frame.params, (event: unknown) => {
        this.send({ type: 'event', subscription: frame.id, event });
      });
      this.subscriptions.set(frame.id, unsubscribe);
      const ack: SubscribeAck = { subscribed: true };
      this.send({ id: frame.id, reply: { ok: true, result: ack } });
    } catch (error) {
      this.send({ id: frame.id, reply: failure(classifyError(error)) });
    }
  }

  private unsubscribe(id: FrameId): void {
    const unsubscribe = this.subscriptions.get(id);
    this.subscriptions.delete(id);
    unsubscribe?.();
  }

  private send(frame: ServerFrame): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    let text: string;
    try {
      text = encodeWire(frame);
    } catch (error) {
      if (!('id' in frame)) return; // an event that cannot be encoded is dropped, not the socket
      text = encodeWire({ id: frame.id, reply: failure(new PoolError('INTERNAL', 'The result could not be encoded.', undefined, { cause: error })) });
    }
    this.socket.send(text);
  }

  /** Ends every subscription and drops queued calls; running ones finish but their replies go nowhere. */
  private end(): void {
    if (this.closed) return;
    this.closed = true;
    this.waiting.length = 0;
    for (const unsubscribe of this.subscriptions.values()) unsubscribe();
    this.subscriptions.clear();
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** The id of a frame that failed validation, when it has a usable one, so the client can match the error. */
function recoverId(message: unknown): FrameId | null {
  if (!message || typeof message !== 'object' || Array.isArray(message) || !Object.hasOwn(message, 'id')) return null;
  const id = frameIdSchema.safeParse((message as { id: unknown }).id);
  return id.success ? id.data : null;
}
