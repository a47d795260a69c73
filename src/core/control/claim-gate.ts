import type { Transaction } from 'sequelize';
import type { Database } from '../db/database.js';
import { isMissingTableError } from '../schema/table-presence.js';
import { POOL_MODES, type PoolMode } from '../pool/pool-types.js';
import { WHOLE_POOL, type PauseInfo, type PauseScope } from '../../shared/results/control.js';
import { CONTROL_TABLE } from './control-model.js';
import { PoolPausedError } from './paused-error.js';

/*
 * The pause check every claim makes inside its own transaction. It reads the POOL_CONTROL rows of
 * its scopes with a share lock; pause() and resume() write a row under an exclusive lock. So a
 * pause waits for the claims that already passed the gate to commit, and a claim that reaches the
 * gate after the pause began waits for the pause to commit and then sees it: once a pause commits,
 * no claim of what it pauses commits. Claims share the lock, so they never wait on each other.
 */

/** In force: paused, and the auto-resume time (if any) not yet reached by the database clock. */
export const PAUSE_IN_FORCE = '(PAUSED = 1 AND (RESUME_AT IS NULL OR RESUME_AT > UTC_TIMESTAMP(3)))';

/**
 * The gate's read; replacement :scopes. It also reads the clock the claim compares against, so the
 * gate costs no round trip beyond the one the claim made before.
 */
export const CLAIM_GATE_SQL = `SELECT UTC_TIMESTAMP() AS now, SCOPE AS scope, PAUSED_BY AS pausedBy, PAUSE_REASON AS reason,
         PAUSED_AT AS since, RESUME_AT AS until, ${PAUSE_IN_FORCE} AS inForce
    FROM ${CONTROL_TABLE} WHERE SCOPE IN (:scopes) LOCK IN SHARE MODE`;

const CLOCK_SQL = 'SELECT UTC_TIMESTAMP() AS now';

export interface GatePassed {
  /** The database clock, read in the claim's transaction. */
  now: Date;
  /** Modes paused on their own (not the whole pool): a claim of any mode must leave these. */
  pausedModes: PauseInfo[];
}

interface GateRow {
  now: Date;
  scope: string;
  pausedBy: string | null;
  reason: string | null;
  since: Date | null;
  until: Date | null;
  inForce: number | string;
}

/**
 * Passes the claim's gate in `transaction`: throws PoolPausedError when the whole pool, or `mode`,
 * is paused. Without `mode` (a claim of any mode) it returns the paused modes for the claim to
 * leave. On a database without POOL_CONTROL (migration 0007 pending) nothing is paused.
 */
export async function passClaimGate(db: Database, transaction: Transaction, mode?: PoolMode): Promise<GatePassed> {
  const scopes: PauseScope[] = mode ? [WHOLE_POOL, mode] : [WHOLE_POOL, ...POOL_MODES];
  let rows: GateRow[];
  try {
    rows = await db.select<GateRow>('pool.claim.gate', CLAIM_GATE_SQL, { replacements: { scopes }, transaction });
  } catch (error) {
    // Asked every time rather than remembered: a pause must bind the moment its table exists.
    if (!isMissingTableError(error, CONTROL_TABLE)) throw error;
    rows = [];
  }
  const now = rows[0]?.now ?? (await db.select<{ now: Date }>('pool.claim.clock', CLOCK_SQL, { transaction }))[0]?.now ?? new Date();
  const inForce = rows.filter((row) => Number(row.inForce) === 1).map(toPause);
  const blocking = inForce.filter((pause) => pause.scope === WHOLE_POOL || pause.scope === mode);
  if (blocking.length > 0) throw new PoolPausedError(blocking);
  return { now, pausedModes: inForce };
}

function toPause(row: GateRow): PauseInfo {
  return { scope: row.scope as PauseScope, pausedBy: row.pausedBy, reason: row.reason, since: row.since, until: row.until };
}

/** The claim's extra condition leaving paused modes; replacement :pausedModes. */
export const LEAVE_PAUSED_MODES = '(POOL_MODE IS NULL OR POOL_MODE NOT IN (:pausedModes))';
