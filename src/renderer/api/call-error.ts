import { ERROR_CODES, type ErrorCode } from '../../shared/errors';

export interface CallError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** Any rejection from the contract object, as the envelope the back sent (or INTERNAL). */
export function toCallError(error: unknown): CallError {
  if (error && typeof error === 'object') {
    const candidate = error as Partial<CallError>;
    if (typeof candidate.code === 'string' && (ERROR_CODES as readonly string[]).includes(candidate.code)) {
      return { code: candidate.code as ErrorCode, message: String(candidate.message ?? ''), details: candidate.details };
    }
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** What a person can do about each kind of error. */
export const WHAT_TO_DO: Record<ErrorCode, string> = {
  AUTH_FAILED: 'Check the user name and password in the connection profile.',
  UNREACHABLE: 'Check that the database server is running and reachable, then try again.',
  NO_DATABASE: "Check the profile's database name.",
  NO_TABLE: 'Connect to the booking database, or run the pending migrations on the Migrations page.',
  NO_POOL_COLUMNS: 'The booking table has no pool columns yet: run the pending migrations on the Migrations page (or `pool-console migrate up`).',
  NO_PRIVILEGE: 'Use a profile with the needed rights (read-only profiles cannot change data).',
  TIMEOUT: 'The database is busy or a lock is held; wait a moment and try again.',
  CONFLICT: 'Something else changed it at the same time; refresh and try again.',
  INVALID_INPUT: 'Correct the highlighted value and try again.',
  CANCELLED: 'The call was cancelled; start it again when you are ready.',
  INTERNAL: 'Try again; if it keeps happening, send the recent log (Activity page) to the console team.',
};
