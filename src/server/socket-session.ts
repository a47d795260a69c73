import type { RawData, WebSocket } from 'ws';
import { Endpoint, type EndpointService } from '../core/console/endpoint.js';
import { PoolError } from '../shared/errors.js';
import type { ServerMessage } from '../shared/protocol.js';
import { decodeWire, encodeWire } from '../shared/wire.js';

export type { EndpointService as ContractService } from '../core/console/endpoint.js';

const refusal = (message: string): ServerMessage => ({ id: null, reply: { ok: false, error: new PoolError('INVALID_INPUT', message).toEnvelope() } });

/**
 * One browser tab's socket as a port of the console's endpoint (core/console/endpoint.ts), which
 * owns validation, calls, cancellation and subscriptions. Here: text frames only, JSON decoded
 * with Dates kept (encodeWire), backpressure by pausing the socket. The token, Origin and Host
 * were checked at the upgrade (serve-mode.ts).
 */
export function serveSocket(socket: WebSocket, service: EndpointService): Endpoint {
  const send = (message: ServerMessage): void => {
    if (socket.readyState !== socket.OPEN) return;
    let text: string;
    try {
      text = encodeWire(message);
    } catch (error) {
      if (!('reply' in message)) return; // an event that cannot be encoded is dropped, not the socket
      const envelope = new PoolError('INTERNAL', 'The result could not be encoded.', undefined, { cause: error }).toEnvelope();
      text = encodeWire({ id: message.id, reply: { ok: false, error: envelope } });
    }
    socket.send(text);
  };
  return new Endpoint({
    send,
    onMessage(listener) {
      socket.on('message', (data: RawData, isBinary: boolean) => {
        if (isBinary) return send(refusal('Binary frames are not accepted: send JSON text.'));
        let message: unknown;
        try {
          message = decodeWire(rawText(data));
        } catch {
          return send(refusal('The message is not JSON.'));
        }
        listener(message);
      });
    },
    onClose(listener) {
      socket.on('close', listener);
      socket.on('error', listener);
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
  }, service);
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
