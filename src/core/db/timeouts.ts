import { PoolError } from '../../shared/errors.js';

/**
 * How long the console waits for the database, in milliseconds. A frozen server never answers and
 * never closes the socket, so every wait needs a bound on this side of the wire.
 */
export interface Timeouts {
  /** A read (Database.select); POOL_QUERY_TIMEOUT_MS. */
  readMs: number;
  /** A write or DDL statement (Database.execute, BEGIN/COMMIT); batches pass their own. POOL_WRITE_TIMEOUT_MS. */
  writeMs: number;
  /** Waiting for a free connection of the pool; POOL_ACQUIRE_TIMEOUT_MS. */
  acquireMs: number;
  /** Opening a connection, up to the end of the handshake; POOL_CONNECT_TIMEOUT_MS. */
  connectMs: number;
  /** One heartbeat (`SELECT 1` on its own connection); POOL_HEARTBEAT_TIMEOUT_MS. */
  heartbeatMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  readMs: 5_000,
  writeMs: 60_000,
  acquireMs: 5_000,
  connectMs: 5_000,
  heartbeatMs: 1_000,
};

/** DDL on a large table (ALGORITHM=INPLACE) can legitimately take many minutes. */
export const DDL_TIMEOUT_MS = 30 * 60_000;

export const TIMEOUT_ENV: Record<keyof Timeouts, string> = {
  readMs: 'POOL_QUERY_TIMEOUT_MS',
  writeMs: 'POOL_WRITE_TIMEOUT_MS',
  acquireMs: 'POOL_ACQUIRE_TIMEOUT_MS',
  connectMs: 'POOL_CONNECT_TIMEOUT_MS',
  heartbeatMs: 'POOL_HEARTBEAT_TIMEOUT_MS',
};

const MAX_MS = 24 * 3_600_000;

function checked(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 100 || value > MAX_MS) {
    throw new PoolError('INVALID_INPUT', `${name} must be a whole number of milliseconds from 100 to ${MAX_MS}; got ${String(value)}.`);
  }
  return value;
}

/** The defaults, overridden by the environment, overridden by explicit options. */
export function resolveTimeouts(options: Partial<Timeouts> = {}, env: NodeJS.ProcessEnv = process.env): Timeouts {
  const resolved = { ...DEFAULT_TIMEOUTS };
  for (const key of Object.keys(TIMEOUT_ENV) as (keyof Timeouts)[]) {
    const raw = env[TIMEOUT_ENV[key]];
    if (raw !== undefined && raw.trim() !== '') {
      resolved[key] = checked(TIMEOUT_ENV[key], /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN);
    }
    const given = options[key];
    if (given !== undefined) resolved[key] = checked(key, given);
  }
  return resolved;
}

export { formatSeconds } from '../../shared/format.js';
