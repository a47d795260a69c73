import { retryAsPromised } from 'retry-as-promised';
import { describe, expect, it } from 'vitest';
import { classifyError } from '../../src/core/db/classify-error.js';
import { isTransientError, TRANSIENT_RETRY } from '../../src/core/db/transient.js';

const driver = (fields: { errno?: number; code?: string; message?: string }) => Object.assign(new Error(fields.message ?? 'driver error'), fields);

describe('isTransientError', () => {
  it.each([
    ['lock wait timeout', { errno: 1205, code: 'ER_LOCK_WAIT_TIMEOUT' }],
    ['deadlock', { errno: 1213, code: 'ER_LOCK_DEADLOCK' }],
    ['lost connection', { code: 'PROTOCOL_CONNECTION_LOST', message: 'Connection lost: The server closed the connection.' }],
    ['refused connection', { errno: -111, code: 'ECONNREFUSED' }],
    ['killed connection', { errno: 1927, code: 'ER_CONNECTION_KILLED' }],
    ['server gone away', { errno: 2006 }],
  ])('is true for a %s', (_, fields) => {
    expect(isTransientError(driver(fields))).toBe(true);
  });

  it.each([
    ['wrong password', { errno: 1045, code: 'ER_ACCESS_DENIED_ERROR' }],
    ['missing table', { errno: 1146, code: 'ER_NO_SUCH_TABLE' }],
    ['syntax error', { errno: 1064, code: 'ER_PARSE_ERROR' }],
    ['duplicate key', { errno: 1062, code: 'ER_DUP_ENTRY' }],
  ])('is false for a %s', (_, fields) => {
    expect(isTransientError(driver(fields))).toBe(false);
  });

  it('finds the driver error inside Sequelize wrappers', () => {
    const original = driver({ errno: 1213, code: 'ER_LOCK_DEADLOCK' });
    expect(isTransientError({ name: 'SequelizeDatabaseError', message: 'x', original, parent: original })).toBe(true);
    expect(isTransientError({ name: 'SequelizeDatabaseError', message: 'x', parent: original })).toBe(true);
    const denied = driver({ errno: 1045, code: 'ER_ACCESS_DENIED_ERROR' });
    expect(isTransientError({ name: 'SequelizeAccessDeniedError', message: 'x', original: denied })).toBe(false);
  });

  it('finds it behind a PoolError, as Database.execute throws inside a transaction', () => {
    const wrapped = { name: 'SequelizeDatabaseError', original: driver({ errno: 1205, code: 'ER_LOCK_WAIT_TIMEOUT' }) };
    expect(isTransientError(classifyError(wrapped))).toBe(true);
    expect(isTransientError(classifyError({ original: driver({ errno: 1146 }) }))).toBe(false);
  });

  it('recognises a connection in closed state by its message', () => {
    expect(isTransientError(new Error("Can't add new command when connection is in closed state"))).toBe(true);
  });

  it('is false for things that are not errors', () => {
    for (const value of [undefined, null, 'ECONNREFUSED', 1205, {}]) expect(isTransientError(value)).toBe(false);
  });
});

describe('TRANSIENT_RETRY', () => {
  it('has bounded exponential backoff with jitter', () => {
    expect(TRANSIENT_RETRY.max).toBeGreaterThan(1);
    expect(TRANSIENT_RETRY.max).toBeLessThanOrEqual(10);
    expect(TRANSIENT_RETRY.backoffBase).toBeGreaterThan(0);
    expect(TRANSIENT_RETRY.backoffExponent).toBeGreaterThan(1);
    expect(TRANSIENT_RETRY.backoffJitter).toBeGreaterThan(0);
  });

  // Through retry-as-promised itself, as Sequelize uses it: its `match` must really select.
  const attempts = async (error: Error) => {
    let calls = 0;
    await retryAsPromised(
      () => {
        calls += 1;
        return Promise.reject(error);
      },
      { ...TRANSIENT_RETRY, backoffBase: 1 },
    ).catch(() => undefined);
    return calls;
  };

  it('makes retry-as-promised retry a transient failure up to max times', async () => {
    expect(await attempts(driver({ errno: 1213, code: 'ER_LOCK_DEADLOCK' }))).toBe(TRANSIENT_RETRY.max);
  });

  it('makes retry-as-promised give up at once on any other failure', async () => {
    expect(await attempts(driver({ errno: 1045, code: 'ER_ACCESS_DENIED_ERROR' }))).toBe(1);
  });
});
