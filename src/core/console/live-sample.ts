/**
 * What the live sampler pushes. Types only, no imports beyond shared/, so the file can move to
 * src/shared/results/ as it is.
 */
import type { ErrorCode } from '../../shared/errors.js';

/** Present while the sampler samples less often than asked, because sampling was slow. */
export interface LiveBackoff {
  /** The interval the sampler uses now. */
  effectiveIntervalMs: number;
  /** The interval the subscribers asked for (the smallest of theirs). */
  requestedIntervalMs: number;
  reason: string;
}

export interface LiveSampleError {
  code: ErrorCode;
  message: string;
}

export interface LiveOkSample<Body> {
  kind: 'ok';
  /** When the sample was started. */
  at: Date;
  /** How long the sample function took. */
  durationMs: number;
  body: Body;
  backoff: LiveBackoff | null;
}

/** A sample that failed: the error and the connection's state, never a body of zeros. */
export interface LiveErrorSample<Connection> {
  kind: 'error';
  at: Date;
  durationMs: number;
  error: LiveSampleError;
  connection: Connection;
  backoff: LiveBackoff | null;
}

export type LiveSample<Body, Connection = unknown> = LiveOkSample<Body> | LiveErrorSample<Connection>;

export type LiveSampleListener<Body, Connection = unknown> = (sample: LiveSample<Body, Connection>) => void;
