import { z } from 'zod';
import { PoolError } from '../../shared/errors.js';
import { WHOLE_POOL, type PauseChange, type PauseInfo, type PauseScope, type PauseState } from '../../shared/results/control.js';
import { AuditLog, defaultActor } from '../audit/audit-log.js';
import type { Database } from '../db/database.js';
import { modelQuery, named } from '../db/model-query.js';
import { isMissingTableError, optionalTablePresent, tableWentMissing } from '../schema/table-presence.js';
import { modeSchema, POOL_MODES } from '../pool/pool-types.js';
import { CONTROL_TABLE, controlModel, type ControlRow } from './control-model.js';

export type { PauseChange, PauseInfo, PauseScope, PauseState } from '../../shared/results/control.js';

/*
 * Pause and resume claiming, for the whole pool or one mode (POOL_CONTROL, migration 0007). Each
 * writes its scope's row under an exclusive lock, which the claims' gate (claim-gate.ts) shares:
 * when pause() returns, no claim of what it paused commits any more. Both are audited with a reason.
 */

/** The longest auto-resume delay accepted (30 days): a pause meant for longer has no `until`. */
const MAX_PAUSE_SECONDS = 30 * 24 * 3600;

const actorSchema = z.string().trim().min(1).max(255).optional();
const pauseInputSchema = z.object({
  mode: modeSchema.optional(),
  /** Resume by itself at this time (compared with the database clock). */
  until: z.union([z.date(), z.string().min(1)]).optional(),
  /** Resume by itself this many seconds after the pause (database clock); instead of `until`. */
  forSeconds: z.number().int().min(1).max(MAX_PAUSE_SECONDS).optional(),
  reason: z.string().optional(),
  actor: actorSchema,
});
const resumeInputSchema = z.object({ mode: modeSchema.optional(), reason: z.string().optional(), actor: actorSchema });

export type PauseInput = z.input<typeof pauseInputSchema>;
export type ResumeInput = z.input<typeof resumeInputSchema>;

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `${what}.${issue.path.join('.')}` : what;
  throw new PoolError('INVALID_INPUT', `Invalid ${where}: ${issue?.message ?? 'rejected'}. Nothing was changed.`);
}

const inForce = (row: ControlRow, now: Date) => row.paused && (row.resumeAt === null || row.resumeAt.getTime() > now.getTime());

const toPause = (row: ControlRow): PauseInfo => ({
  scope: row.scope as PauseScope,
  pausedBy: row.pausedBy,
  reason: row.pauseReason,
  since: row.pausedAt,
  until: row.resumeAt,
});

const SCOPE_ORDER: readonly string[] = [WHOLE_POOL, ...POOL_MODES];

async function clock(db: Database): Promise<Date> {
  const [row] = await db.select<{ now: Date }>('control.clock', 'SELECT UTC_TIMESTAMP(3) AS now');
  return row?.now ?? new Date();
}

async function requireControlTable(db: Database, nothing: string): Promise<void> {
  if (await optionalTablePresent(db, CONTROL_TABLE)) return;
  throw new PoolError('NO_TABLE', `There is no ${CONTROL_TABLE} table: migration 0007-pool-control is pending; run \`pool-console migrate up\`. ${nothing}`);
}

/**
 * Pauses claiming for `mode`, or for the whole pool without one; optionally until a time
 * (`until`, or `forSeconds` from now by the database clock). Pausing what is already paused
 * keeps its `since` and takes the new reason, actor and auto-resume time. Audited ('pool.pause').
 */
export async function pause(db: Database, input: PauseInput): Promise<PauseChange> {
  const o = parse(pauseInputSchema, input, 'pause');
  if (o.until !== undefined && o.forSeconds !== undefined) throw new PoolError('INVALID_INPUT', 'Give either until or forSeconds for the auto-resume, not both. Nothing was paused.');
  const until = o.until === undefined ? null : o.until instanceof Date ? o.until : new Date(o.until);
  if (until && Number.isNaN(until.getTime())) throw new PoolError('INVALID_INPUT', `Invalid pause.until: '${String(o.until)}' is not a valid time. Nothing was paused.`);
  await requireControlTable(db, 'Nothing was paused.');
  if (until && until.getTime() <= (await clock(db)).getTime()) {
    throw new PoolError('INVALID_INPUT', `The auto-resume time ${until.toISOString()} is not in the future by the database clock. Nothing was paused.`);
  }
  const scope: PauseScope = o.mode ?? WHOLE_POOL;
  const actor = (o.actor ?? defaultActor()).slice(0, 255);
  const model = controlModel(db);
  let wasPaused = false;
  await new AuditLog(db).audited(
    'pool.pause',
    { context: { actor, reason: o.reason }, parameters: { scope, until: until?.toISOString() ?? null, forSeconds: o.forSeconds ?? null } },
    (counter) =>
      db.transaction(async (transaction) => {
        // The exclusive lock first: it waits for the claims that passed the gate to commit.
        const row = await modelQuery(db, () => model.findByPk(scope, { transaction, lock: transaction.LOCK.UPDATE, ...named('control.pause.lock') }));
        // Read after the lock: every claim that committed before this pause read an earlier clock.
        const [times] = await db.select<{ now: Date; resumeAt: Date | null }>(
          'control.pause.clock',
          `SELECT UTC_TIMESTAMP(3) AS now, ${o.forSeconds === undefined ? 'NULL' : 'UTC_TIMESTAMP(3) + INTERVAL :forSeconds SECOND'} AS resumeAt`,
          { replacements: { forSeconds: o.forSeconds ?? null }, transaction },
        );
        const now = times?.now ?? new Date();
        wasPaused = row !== null && inForce(row, now);
        const values = {
          paused: true,
          pausedBy: actor,
          pauseReason: o.reason?.trim().slice(0, 1000) ?? null,
          pausedAt: wasPaused ? row!.pausedAt : now,
          resumeAt: until ?? times?.resumeAt ?? null,
        };
        await modelQuery(db, () => (row ? row.update(values, { transaction, ...named('control.pause') }) : model.create({ scope, ...values }, { transaction, ...named('control.pause') })));
        await counter.add(1, transaction);
      }),
  );
  return { wasPaused, state: await pauseState(db) };
}

/**
 * Resumes claiming for `mode`, or the whole-pool pause without one (pauses of single modes stay:
 * resume each by its mode). Resuming what is not paused changes nothing and says so
 * (`wasPaused: false`). Audited ('pool.resume').
 */
export async function resume(db: Database, input: ResumeInput): Promise<PauseChange> {
  const o = parse(resumeInputSchema, input, 'resume');
  await requireControlTable(db, 'Nothing was resumed.');
  const scope: PauseScope = o.mode ?? WHOLE_POOL;
  const model = controlModel(db);
  let wasPaused = false;
  await new AuditLog(db).audited('pool.resume', { context: { actor: o.actor, reason: o.reason }, parameters: { scope } }, (counter) =>
    db.transaction(async (transaction) => {
      const row = await modelQuery(db, () => model.findByPk(scope, { transaction, lock: transaction.LOCK.UPDATE, ...named('control.resume.lock') }));
      const [times] = await db.select<{ now: Date }>('control.resume.clock', 'SELECT UTC_TIMESTAMP(3) AS now', { transaction });
      wasPaused = row !== null && inForce(row, times?.now ?? new Date());
      // A pause past its auto-resume time is cleared too (it no longer pauses, but it is still flagged).
      if (!row?.paused) return;
      await modelQuery(db, () => row.update({ paused: false, pausedBy: null, pauseReason: null, pausedAt: null, resumeAt: null }, { transaction, ...named('control.resume') }));
      await counter.add(1, transaction);
    }),
  );
  return { wasPaused, state: await pauseState(db) };
}

/** The pauses in force now by the database clock; `available: false` before migration 0007. */
export async function pauseState(db: Database): Promise<PauseState> {
  const measuredAt = await clock(db);
  if (!(await optionalTablePresent(db, CONTROL_TABLE))) return { measuredAt, available: false, pauses: [] };
  let rows: ControlRow[];
  try {
    // A handful of scopes; the bound only keeps the read bounded whatever the table holds.
    rows = await modelQuery(db, () => controlModel(db).findAll({ where: { paused: true }, limit: 100, ...named('control.state') }));
  } catch (error) {
    if (!isMissingTableError(error, CONTROL_TABLE)) throw error;
    tableWentMissing(db, CONTROL_TABLE);
    return { measuredAt, available: false, pauses: [] };
  }
  const pauses = rows
    .filter((row) => inForce(row, measuredAt))
    .sort((a, b) => SCOPE_ORDER.indexOf(a.scope) - SCOPE_ORDER.indexOf(b.scope))
    .map(toPause);
  return { measuredAt, available: true, pauses };
}

/** Whether claims of `mode` (or, without one, of the whole pool) are paused in `state`. */
export function isPausedIn(state: PauseState, mode?: PauseScope): PauseInfo | null {
  return state.pauses.find((pause) => pause.scope === WHOLE_POOL || (mode !== undefined && pause.scope === mode)) ?? null;
}
