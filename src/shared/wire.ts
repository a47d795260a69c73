import { errorEnvelopeSchema, PoolError, type ErrorEnvelope } from './errors.js';

/** What every call returns across a boundary: a result or an error envelope, never a thrown bare string. */
export type Reply<T> = { ok: true; result: T } | { ok: false; error: ErrorEnvelope };

/** Unwraps a reply on the calling side: the result, or a PoolError with the envelope's code. */
export function unwrapReply<T>(reply: Reply<T>): T {
  if (reply.ok) return reply.result;
  const envelope = errorEnvelopeSchema.safeParse(reply.error);
  if (!envelope.success) throw new PoolError('INTERNAL', 'The console answered with an unreadable error.');
  throw new PoolError(envelope.data.code, envelope.data.message, envelope.data.details);
}

const DATE_TAG = '$date';

/** JSON for the socket transport; Dates survive the trip as tagged strings (IPC keeps them natively). */
export function encodeWire(value: unknown): string {
  return JSON.stringify(value, function replacer(this: Record<string, unknown>, key, current) {
    const original = this[key];
    return original instanceof Date ? { [DATE_TAG]: original.toISOString() } : current;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === DATE_TAG && typeof value[DATE_TAG] === 'string') return new Date(value[DATE_TAG]);
    }
    return value;
  });
}
