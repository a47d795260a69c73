import { expect } from 'vitest';
import { PoolError } from '../../src/shared/errors.js';

/** The PoolError `run` throws; fails the test if it does not throw one. */
export function thrown(run: () => unknown): PoolError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PoolError);
    return error as PoolError;
  }
  throw new Error('expected a PoolError');
}
