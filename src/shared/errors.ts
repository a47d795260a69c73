import { z } from 'zod';

/** The small set of error codes the UI knows how to explain. */
export const ERROR_CODES = [
  'AUTH_FAILED',
  'UNREACHABLE',
  'NO_DATABASE',
  'NO_TABLE',
  /** BOOKING_PLAN exists but lacks the pool's columns: run the migrations. */
  'NO_POOL_COLUMNS',
  'NO_PRIVILEGE',
  'TIMEOUT',
  'CONFLICT',
  'INVALID_INPUT',
  'INTERNAL',
  /** The caller cancelled the call (its AbortSignal was aborted). */
  'CANCELLED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** What crosses every boundary (IPC, socket, CLI --json) when something fails. */
export const errorEnvelopeSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

/** An error with a code and a message a person can act on; never carries a password. */
export class PoolError extends Error {
  override readonly name = 'PoolError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toEnvelope(): ErrorEnvelope {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}
