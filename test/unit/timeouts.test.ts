import { describe, expect, it } from 'vitest';
import { classifyError } from '../../src/core/db/classify-error.js';
import { STATEMENT_TIMEOUT_CODE } from '../../src/core/db/statement-guard.js';
import { DEFAULT_TIMEOUTS, resolveTimeouts } from '../../src/core/db/timeouts.js';
import { isTransientError, retryWithin } from '../../src/core/db/transient.js';

describe('timeouts', () => {
  it('take the defaults, then the environment, then explicit options', () => {
    expect(resolveTimeouts({}, {})).toEqual(DEFAULT_TIMEOUTS);
    expect(resolveTimeouts({}, { POOL_QUERY_TIMEOUT_MS: '15000', POOL_HEARTBEAT_TIMEOUT_MS: ' 500 ' })).toMatchObject({ readMs: 15_000, heartbeatMs: 500, writeMs: DEFAULT_TIMEOUTS.writeMs });
    expect(resolveTimeouts({ readMs: 2_000 }, { POOL_QUERY_TIMEOUT_MS: '15000' }).readMs).toBe(2_000);
  });

  it('refuse a value that is not a whole number of milliseconds in range, naming the variable', () => {
    for (const bad of ['5s', '-1', '1e4', '50', '0x100']) {
      expect(() => resolveTimeouts({}, { POOL_ACQUIRE_TIMEOUT_MS: bad })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('POOL_ACQUIRE_TIMEOUT_MS') }));
    }
  });
});

describe('a statement cut off by its bound', () => {
  const cut = Object.assign(new Error("no answer to 'pool.stats' within 5 s"), { code: STATEMENT_TIMEOUT_CODE });

  it('is a TIMEOUT saying what to do, and never retried', () => {
    const error = classifyError({ name: 'SequelizeDatabaseError', message: cut.message, original: cut }, { host: 'db', port: 3306 });
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toMatch(/^db:3306 did not answer in time \(no answer to 'pool.stats' within 5 s\)/);
    expect(error.message).toContain('POOL_QUERY_TIMEOUT_MS');
    expect(isTransientError(cut)).toBe(false);
  });

  it('retries transient failures only before the deadline', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const [match] = retryWithin(1_000, () => 999).match;
    expect(match!(refused)).toBe(true);
    const [late] = retryWithin(1_000, () => 1_000).match;
    expect(late!(refused)).toBe(false);
  });
});
