/** Failures worth retrying: the connection went away, or the server asked us to try again. */
const TRANSIENT_ERRNOS = new Set([1205, 1213, 1927, 2006, 2013, 1053, 1040]);
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'PROTOCOL_CONNECTION_LOST', 'ER_CONNECTION_KILLED',
  'ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN',
  // a Galera claim whose candidates were all taken on other nodes (pool/galera-claim.ts)
  'POOL_CLAIM_RACE',
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
 * A whole transaction's retry: more tries, starting sooner, with ±100 ms of jitter. On a
 * Galera cluster, claimers on different nodes lock the same head of the pool (row locks are per
 * node) and all but one fail certification at COMMIT; the jitter spreads their next tries apart,
 * and ten of them (about 4 s of waiting at most) let a claimer through a busy minute.
 */
export const TRANSACTION_RETRY = { ...TRANSIENT_RETRY, max: 10, backoffBase: 25, backoffExponent: 1.7, backoffJitter: 100 };

/**
 * TRANSIENT_RETRY (or `policy`), but only while the call is within its bound: a frozen server makes
 * each try wait out a timeout, and five of them would turn a 5 s bound into 30 s. Past the deadline
 * the last failure is reported as it is.
 */
export function retryWithin(deadline: number, policy: typeof TRANSIENT_RETRY = TRANSIENT_RETRY, clock: () => number = Date.now) {
  return { ...policy, match: [(error: unknown) => isTransientError(error) && clock() < deadline] };
}
