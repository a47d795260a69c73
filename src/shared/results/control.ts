import type { PoolMode } from '../pool-types.js';

/* Pausing claims (POOL_CONTROL): what the console shows and what a paused claim answers. */

/** What a pause covers: the whole pool, or one mode. */
export type PauseScope = 'ALL' | PoolMode;
export const WHOLE_POOL: PauseScope = 'ALL';

/** One pause in force. */
export interface PauseInfo {
  scope: PauseScope;
  pausedBy: string | null;
  reason: string | null;
  /** When it was paused (database clock). */
  since: Date | null;
  /** When it resumes by itself (database clock); null: until someone resumes it. */
  until: Date | null;
}

export interface PauseState {
  /** The database clock the state was judged by (a pause past its `until` is no longer in force). */
  measuredAt: Date;
  /** False before migration 0007-pool-control: nothing can be paused, claims run as always. */
  available: boolean;
  /** The pauses in force, the whole pool first; empty: claiming runs. */
  pauses: PauseInfo[];
}

export interface PauseChange {
  /** Whether the scope was paused (in force) before this call. */
  wasPaused: boolean;
  state: PauseState;
}
