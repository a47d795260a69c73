import type { LogMessage } from 'electron-log';
import { inspect } from 'node:util';
import { redactSecrets } from '../shared/redact.js';

/**
 * One piece of a log call, made safe: strings are redacted; anything structured (objects,
 * errors, arrays) is rendered to text first so that nested passwords, credentialed URLs in
 * error messages and stacks, and `password: '…'` fields are all redacted the same way.
 */
export function redactLogPiece(piece: unknown, secrets: readonly string[]): unknown {
  if (typeof piece === 'string') return redactSecrets(piece, secrets);
  if (piece === null || piece === undefined || typeof piece === 'number' || typeof piece === 'boolean' || typeof piece === 'bigint') return piece;
  return redactSecrets(inspect(piece, { depth: 6, breakLength: Infinity }), secrets);
}

/** An electron-log hook: every message, from main or a renderer, for every transport. */
export function redactionHook(secrets: () => readonly string[]): (message: LogMessage) => LogMessage {
  return (message) => {
    const known = secrets();
    return {
      ...message,
      data: message.data.map((piece) => redactLogPiece(piece, known)),
      ...(message.scope ? { scope: redactSecrets(message.scope, known) } : {}),
    };
  };
}
