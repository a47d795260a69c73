/**
 * What is particular to serve mode's WebSocket: where it listens, how the token travels, how big a
 * frame may be. Each frame is one message of shared/protocol.ts, encoded with encodeWire.
 */
export { messageIdSchema as frameIdSchema, type MessageId as FrameId, type ClientMessage as ClientFrame, type ServerMessage as ServerFrame, type SubscribeAck } from './protocol.js';

/** Where the console's socket listens, on the same origin as the page. */
export const SOCKET_PATH = '/ws';

/** The query parameter (page URL and socket URL) that carries the access token. */
export const TOKEN_PARAM = 'token';

/** The largest frame either side accepts: a 64 MB legacy export plus its JSON escaping. */
export const MAX_FRAME_BYTES = 70 * 1024 * 1024;
