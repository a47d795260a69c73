/** Failures worth retrying: the connection went away, or the server asked us to try again. */
const TRANSIENT_ERRNOS = new Set([1205, 1213, 1927, 2006, 2013, 1053, 1040]);
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'PROTOCOL_CONNECTION_LOST', 'ER_CONNECTION_KILLED',
  'ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN',
]);

/**
 * Looks through Sequelize's wrappers (`original`, `parent`) and our own PoolError (`cause`), so a
 * failure already classified by Database.select/execute inside a transaction is still recognised.
 */
export function isTransientError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const candidate = current as { errno?: unknown; code?: unknown; message?: unknown; original?: unknown; parent?: unknown; cause?: unknown };
    if (typeof candidate.errno === 'number' && TRANSIENT_ERRNOS.has(candidate.errno)) return true;
    if (typeof candidate.code === 'string' && TRANSIENT_CODES.has(candidate.code)) return true;
    if (typeof candidate.message === 'string' && /closed state|Connection lost/i.test(candidate.message)) return true;
    current = candidate.original ?? candidate.parent ?? candidate.cause;
  }
  return false;
}

/** Exponential backoff with jitter, in the shape Sequelize's `retry` option (retry-as-promised) takes. */
export const TRANSIENT_RETRY = {
  // An arrow function, not isTransientError itself: retry-as-promised first tries `err instanceof
  // match` and only calls the function when that throws, which it does only for a function
  // without a prototype. A `function` declaration would silently never match, so nothing retried.
  match: [(error: unknown) => isTransientError(error)],
  max: 5,
  backoffBase: 100,
  backoffExponent: 2,
  backoffJitter: 50,
};

/**
 * TRANSIENT_RETRY, but only while the call is within its bound: a frozen server makes each try
 * wait out a timeout, and five of them would turn a 5 s bound into 30 s. Past the deadline the
 * last failure is reported as it is.
 */
export function retryWithin(deadline: number, clock: () => number = Date.now) {
  return { ...TRANSIENT_RETRY, match: [(error: unknown) => isTransientError(error) && clock() < deadline] };
}

const CONFLICT_ERRNOS = new Set([1213]);
const CONFLICT_CODES = new Set(['ER_LOCK_DEADLOCK', 'POOL_CLAIM_RACE']);

/**
 * A conflict with another transaction: a deadlock, a Galera certification failure (also 1213, at
 * COMMIT), or a Galera claim whose candidates were all taken (pool/galera-claim.ts).
 */
export function isConflictError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const candidate = current as { errno?: unknown; code?: unknown; original?: unknown; parent?: unknown; cause?: unknown };
    if (typeof candidate.errno === 'number' && CONFLICT_ERRNOS.has(candidate.errno)) return true;
    if (typeof candidate.code === 'string' && CONFLICT_CODES.has(candidate.code)) return true;
    current = candidate.original ?? candidate.parent ?? candidate.cause;
  }
  return false;
}

/**
 * How a whole transaction is retried after a conflict: up to 10 tries, starting soon, with ±100 ms
 * of jitter. On a Galera cluster claimers on different nodes can lose certification to each other
 * at COMMIT again and again; the jitter spreads their next tries apart, and ten tries (about 4 s of
 * waiting at most) let a claimer through a busy minute. Other transient failures (a lost
 * connection) keep TRANSIENT_RETRY's schedule, inside each of these tries.
 */
export const CONFLICT_RETRY = { max: 10, backoffBase: 25, backoffExponent: 1.7, backoffJitter: 100 };

export function conflictRetryWithin(deadline: number, clock: () => number = Date.now) {
  return { ...CONFLICT_RETRY, match: [(error: unknown) => isConflictError(error) && clock() < deadline] };
}

/** retryWithin for everything transient but conflicts, which conflictRetryWithin retries around it. */
export function otherTransientRetryWithin(deadline: number, clock: () => number = Date.now) {
  return { ...TRANSIENT_RETRY, match: [(error: unknown) => isTransientError(error) && !isConflictError(error) && clock() < deadline] };
}
