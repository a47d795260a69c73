import { z } from 'zod';
import type { Reply } from './wire.js';

/**
 * The frames serve mode's WebSocket carries, both ways, each one text frame encoded with
 * encodeWire. The server validates every client frame against `clientFrameSchema`; the web client
 * builds them. Ids are the client's: a call's reply and a subscription's events carry its id.
 */

/** Where the console's socket listens, on the same origin as the page. */
export const SOCKET_PATH = '/ws';

/** The query parameter (page URL and socket URL) that carries the access token. */
export const TOKEN_PARAM = 'token';

/** The largest frame either side accepts: a 64 MB legacy export plus its JSON escaping. */
export const MAX_FRAME_BYTES = 70 * 1024 * 1024;

export const frameIdSchema = z.union([
  z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  z.string().min(1).max(64),
]);
export type FrameId = z.infer<typeof frameIdSchema>;

export const clientFrameSchema = z.discriminatedUnion('type', [
  z.object({ id: frameIdSchema, type: z.literal('call'), name: z.string().max(200), input: z.unknown().optional() }).strict(),
  z.object({ id: frameIdSchema, type: z.literal('subscribe'), stream: z.string().max(200), params: z.unknown().optional() }).strict(),
  /** `id` is the subscription's (the id its subscribe frame had). */
  z.object({ id: frameIdSchema, type: z.literal('unsubscribe') }).strict(),
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

/**
 * What the server sends: the reply to a call or a subscribe (id null when the frame was so broken
 * that no id could be read from it), or an event of a subscription.
 */
export type ServerFrame =
  | { id: FrameId | null; reply: Reply<unknown> }
  | { type: 'event'; subscription: FrameId; event: unknown };

/** What a subscribe frame is answered with when the stream accepted it. */
export interface SubscribeAck {
  subscribed: true;
}
