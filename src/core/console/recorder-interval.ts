import { PoolError } from '../../shared/errors.js';

/** How often a console's history recorder writes a row unless POOL_RECORDER_INTERVAL_MS says otherwise. */
export const DEFAULT_RECORDER_INTERVAL_MS = 10_000;
export const RECORDER_INTERVAL_ENV = 'POOL_RECORDER_INTERVAL_MS';

const MIN_MS = 100;
const MAX_MS = 3_600_000;

/** The recorder interval from the environment; a value that is not a whole number of ms in range is refused. */
export function recorderIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[RECORDER_INTERVAL_ENV]?.trim();
  if (raw === undefined || raw === '') return DEFAULT_RECORDER_INTERVAL_MS;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < MIN_MS || value > MAX_MS) {
    throw new PoolError('INVALID_INPUT', `${RECORDER_INTERVAL_ENV} must be a whole number of milliseconds from ${MIN_MS} to ${MAX_MS}; got '${raw.slice(0, 40)}'.`);
  }
  return value;
}
