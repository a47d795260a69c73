import { PoolError } from '../../shared/errors.js';
import type { PauseInfo } from '../../shared/results/control.js';

const describe = (pause: PauseInfo) =>
  `${pause.scope === 'ALL' ? 'the whole pool' : `mode ${pause.scope}`}` +
  `${pause.pausedBy ? ` by ${pause.pausedBy}` : ''}${pause.since ? ` since ${pause.since.toISOString()}` : ''}` +
  `${pause.reason ? ` (${pause.reason})` : ''}, ${pause.until ? `resumes by itself at ${pause.until.toISOString()}` : 'until someone resumes it'}`;

/**
 * A claim refused because claiming is paused (POOL_CONTROL): the explicit answer a worker backs off
 * on, never an empty list that looks like "no work". Code CONFLICT (the error codes are shared with
 * the UI); `pauses` and details.paused say what is paused, by whom, why and until when.
 */
export class PoolPausedError extends PoolError {
  constructor(readonly pauses: PauseInfo[]) {
    super('CONFLICT', `Claiming is paused: ${pauses.map(describe).join('; ')}. Nothing was claimed; back off and try again later.`, {
      paused: pauses.map((pause) => ({ ...pause, since: pause.since?.toISOString() ?? null, until: pause.until?.toISOString() ?? null })),
    });
  }
}

export function isPoolPaused(error: unknown): error is PoolPausedError {
  return error instanceof PoolPausedError;
}
