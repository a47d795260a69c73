import { ZodError } from 'zod';
import { PoolError, type ErrorCode } from '../../shared/errors.js';
import { redactSecrets } from '../../shared/redact.js';
import { FORCED_CLOSE_CODE, STATEMENT_TIMEOUT_CODE } from './statement-guard.js';

/** Where the failing operation was pointed, so messages can name it (never the password itself). */
export interface ErrorTarget {
  host?: string;
  port?: number;
  user?: string;
  database?: string;
  password?: string;
}

interface DriverFault {
  errno?: number;
  code?: string;
  sqlMessage?: string;
  message: string;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE',
  'ETIMEDOUT', 'PROTOCOL_CONNECTION_LOST', 'ER_CONNECTION_KILLED', 'ENOENT',
]);
/** The profile asks for TLS the server does not offer, or the server's certificate is not trusted. */
const TLS_CODES = new Set([
  'HANDSHAKE_NO_SSL_SUPPORT', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const UNREACHABLE_ERRNOS = new Set([2002, 2003, 2006, 2013, 1927, 1053, 1077, 1152, 1184]);
const PRIVILEGE_ERRNOS = new Set([1044, 1142, 1143, 1227, 1370, 1211]);
const TIMEOUT_ERRNOS = new Set([1205, 3024, 1969, 1317]);
const CONFLICT_ERRNOS = new Set([1213, 1062]);

/** The driver's own error, found through Sequelize's wrappers (`original`, `parent`). */
function driverFault(error: unknown): DriverFault {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth += 1) {
    const candidate = current as Partial<DriverFault> & { original?: unknown; parent?: unknown };
    if (typeof candidate.errno === 'number' || typeof candidate.code === 'string') {
      return { ...candidate, message: String(candidate.message ?? '') };
    }
    current = candidate.original ?? candidate.parent;
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

function server(target: ErrorTarget): string {
  return target.host ? `${target.host}:${target.port ?? 3306}` : 'the database server';
}

/** Turns any failure into a PoolError with a code the UI can explain and no password in it. */
export function classifyError(error: unknown, target: ErrorTarget = {}): PoolError {
  if (error instanceof PoolError) return error;
  const secrets = target.password ? [target.password] : [];
  if (error instanceof ZodError) {
    const first = error.issues[0];
    const where = first?.path.length ? first.path.join('.') : 'input';
    return new PoolError('INVALID_INPUT', `Invalid ${where}: ${first?.message ?? 'rejected'}`, {
      issues: error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  const fault = driverFault(error);
  const detail = redactSecrets(fault.sqlMessage ?? fault.message, secrets);
  const name = error instanceof Error ? error.name : '';
  const details: Record<string, unknown> = {};
  if (fault.errno !== undefined) details.errno = fault.errno;
  if (fault.code !== undefined) details.driverCode = fault.code;
  const make = (code: ErrorCode, message: string) =>
    new PoolError(code, redactSecrets(message, secrets), details, { cause: error });

  if (fault.errno === 1045 || fault.errno === 1698 || fault.code === 'ER_ACCESS_DENIED_ERROR') {
    return make('AUTH_FAILED', `${server(target)} refused user '${target.user ?? '?'}': wrong user name or password, or that user may not connect from this workstation. Check the profile's user and password.`);
  }
  if (fault.errno === 1049 || fault.code === 'ER_BAD_DB_ERROR') {
    return make('NO_DATABASE', `Database '${target.database ?? '?'}' does not exist on ${server(target)}. Check the profile's database name.`);
  }
  if (fault.errno === 1146 || fault.code === 'ER_NO_SUCH_TABLE') {
    return make('NO_TABLE', `A table is missing: ${detail}. Connect to the booking database, or run the migrations.`);
  }
  if ((fault.errno !== undefined && PRIVILEGE_ERRNOS.has(fault.errno)) || fault.code === 'ER_TABLEACCESS_DENIED_ERROR') {
    return make('NO_PRIVILEGE', `The database user '${target.user ?? '?'}' lacks a privilege: ${detail}. Ask a DBA to grant it, or use a profile with more rights.`);
  }
  if (fault.code === STATEMENT_TIMEOUT_CODE || fault.code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
    return make('TIMEOUT', `${server(target)} did not answer in time (${detail}): it may be frozen, overloaded, or waiting on a lock. The connection was closed and will be replaced. If the server is merely slow, raise POOL_QUERY_TIMEOUT_MS (reads) or POOL_WRITE_TIMEOUT_MS (writes).`);
  }
  if (fault.code === FORCED_CLOSE_CODE) {
    return make('UNREACHABLE', `The connection to ${server(target)} was closed while still waiting for the server to answer.`);
  }
  if (/AcquireTimeout/.test(name)) {
    return make('TIMEOUT', `No connection to ${server(target)} became free in time: earlier statements are still waiting for the server. Check that the server answers; raise POOL_ACQUIRE_TIMEOUT_MS only if it is merely busy.`);
  }
  if (fault.code !== undefined && TLS_CODES.has(fault.code)) {
    return make('UNREACHABLE', fault.code === 'HANDSHAKE_NO_SSL_SUPPORT'
      ? `${server(target)} does not offer TLS, but the profile asks for it. Turn TLS off in the profile, or enable TLS on the server.`
      : `The TLS connection to ${server(target)} failed (${detail || fault.code}). Check the profile's CA certificate and the server's certificate.`);
  }
  if (
    (fault.errno !== undefined && UNREACHABLE_ERRNOS.has(fault.errno)) ||
    (fault.code !== undefined && UNREACHABLE_CODES.has(fault.code)) ||
    /ConnectionRefused|HostNotFound|HostNotReachable|ConnectionTimedOut|InvalidConnection/.test(name) ||
    /closed state|connection lost|Can't add new command when connection is in closed state/i.test(fault.message)
  ) {
    return make('UNREACHABLE', `Cannot reach ${server(target)} (${detail || fault.code}). Check that the server is running and that host and port are right.`);
  }
  if ((fault.errno !== undefined && TIMEOUT_ERRNOS.has(fault.errno)) || /Timeout|AcquireTimeout/i.test(name)) {
    return make('TIMEOUT', `The database did not answer in time (${detail}). It may be busy or a lock is held; try again, and check long-running transactions.`);
  }
  if (fault.errno !== undefined && CONFLICT_ERRNOS.has(fault.errno)) {
    return make('CONFLICT', `A concurrent change conflicted (${detail}). Try again.`);
  }
  return make('INTERNAL', `Unexpected database error${fault.errno ? ` ${fault.errno}` : ''}: ${detail}`);
}

export function errorTarget(profile: { host: string; port: number; user: string; database: string; password: string; socketPath?: string }): ErrorTarget {
  return { host: profile.socketPath ?? profile.host, port: profile.port, user: profile.user, database: profile.database, password: profile.password };
}
