import { z } from 'zod';
import type { Reply } from './wire.js';

/**
 * The console's one RPC protocol, whatever carries it (Electron IPC, serve mode's WebSocket, a
 * test's in-memory port). The client picks every id: a call's reply and a subscription's events
 * carry the id of the message that started them. The back validates every client message against
 * `clientMessageSchema` (core/console/endpoint.ts); the client is shared/protocol-client.ts.
 */

export const messageIdSchema = z.union([
  z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
]);
export type MessageId = z.infer<typeof messageIdSchema>;

export const callMessageSchema = z.object({ id: messageIdSchema, type: z.literal('call'), name: z.string().max(200), input: z.unknown().optional() }).strict();
export const subscribeMessageSchema = z.object({ id: messageIdSchema, type: z.literal('subscribe'), stream: z.string().max(200), params: z.unknown().optional() }).strict();
/** `id` is the subscription's (the id its subscribe message had). */
export const unsubscribeMessageSchema = z.object({ id: messageIdSchema, type: z.literal('unsubscribe') }).strict();
/** `id` is the call's: its AbortSignal is aborted; the call still answers (often CANCELLED). */
export const cancelMessageSchema = z.object({ id: messageIdSchema, type: z.literal('cancel') }).strict();

export const clientMessageSchema = z.discriminatedUnion('type', [callMessageSchema, subscribeMessageSchema, unsubscribeMessageSchema, cancelMessageSchema]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type CallMessage = z.infer<typeof callMessageSchema>;
export type SubscribeMessage = z.infer<typeof subscribeMessageSchema>;

/**
 * The reply to a call or a subscribe: a result or an error envelope (`{code, message, details}`,
 * never a stack or a password). `id` is null when a message was so broken no id could be read.
 */
export interface ReplyMessage {
  id: MessageId | null;
  reply: Reply<unknown>;
}
/** One event of a subscription. */
export interface EventMessage {
  type: 'event';
  subscription: MessageId;
  event: unknown;
}
export type ServerMessage = ReplyMessage | EventMessage;

/** What a subscribe is answered with when the stream accepted it. */
export interface SubscribeAck {
  subscribed: true;
}

/** The most subscriptions one port (a page, a socket) may hold at once. */
export const MAX_SUBSCRIPTIONS = 64;

/** The minimal transport either side runs over: messages out, messages in, and the end. */
export interface MessagePort<Out, In = unknown> {
  send(message: Out): void;
  onMessage(listener: (message: In) => void): void;
  onClose(listener: () => void): void;
}
