import type { Transaction } from 'sequelize';
import { ALERT_KINDS, type AlertEvent, type AlertKind, type AlertRule, type AlertState } from '../../shared/results/alerts.js';
import type { Database } from '../db/database.js';
import { modelQuery, named } from '../db/model-query.js';
import { alertModels, ALERT_RULES_TABLE, toEvent } from './alert-model.js';
import { newestEventPerKind } from './alert-events.js';
import { readAlertRules } from './alert-rules.js';
import { alertsAvailable, onAlertTables } from './alert-tables.js';
import { instantOf, MEASURES, type Judgement } from './alert-figures.js';

/*
 * Evaluating the alert rules: the recorder's leader after each row it writes (every kind), and
 * each follower on its passes (recorder-gap only: the one rule that must be judged while the
 * leader writes nothing). Events are written only on a state change: a rule is firing while its
 * newest event is, and an evaluation that agrees writes nothing. Two evaluators (a leadership
 * hand-over, a follower beside the leader) never write the same change twice: the change is
 * written in a transaction that first locks the rules rows, then reads the kind's newest
 * event again (after the lock, so it sees what the other committed) and writes only if it still
 * differs.
 */

export interface EvaluateOptions {
  /** The kinds to evaluate (default: all). */
  kinds?: readonly AlertKind[];
  /** Record this as the leader's evaluation (POOL_ALERT_RULES.EVALUATED_AT); default true. */
  markEvaluated?: boolean;
}

export interface Evaluation {
  /** The database clock the rules were judged at. */
  evaluatedAt: Date;
  /** Each evaluated kind's judgement (null: could not judge, its state was left as it was). */
  judged: Partial<Record<AlertKind, Judgement | null>>;
  /** The events this evaluation wrote, in id order (none when nothing changed). */
  written: AlertEvent[];
}

/** A rule switched off: it fires no more (a firing one is resolved). */
const disabled = (rule: AlertRule): Judgement => ({ firing: false, value: 0, message: `rule switched off${rule.updatedBy ? ` by ${rule.updatedBy}` : ''}` });

/**
 * Judges the rules at the database's clock and writes the events of those whose state changed.
 * Null before migration 0009 (nothing to evaluate; not an error). Failures are thrown: the
 * recorder reports them and goes on recording.
 */
export async function evaluateAlerts(db: Database, options: EvaluateOptions = {}): Promise<Evaluation | null> {
  if (!(await alertsAvailable(db))) return null;
  return onAlertTables(db, () => evaluate(db, options), () => null);
}

async function evaluate(db: Database, options: EvaluateOptions): Promise<Evaluation> {
  const kinds = options.kinds ?? ALERT_KINDS;
  const [clock] = await db.select<{ now: Date }>('alerts.clock', 'SELECT UTC_TIMESTAMP(3) AS now');
  const now = clock?.now ?? new Date();
  const instant = instantOf(db, now);
  const rules = (await readAlertRules(db)).filter((rule) => kinds.includes(rule.kind));
  const judged: Partial<Record<AlertKind, Judgement | null>> = {};
  for (const rule of rules) judged[rule.kind] = rule.enabled ? await MEASURES[rule.kind](db, rule, instant) : disabled(rule);
  const written = await writeChanges(db, judged, options.markEvaluated ?? true);
  return { evaluatedAt: now, judged, written };
}

/** Whether `judgement` changes the state the newest event says (and so must be written). */
function changes(newest: AlertEvent | undefined, judgement: Judgement | null | undefined): boolean {
  if (!judgement) return false;
  const firing = newest?.state === 'firing';
  if (judgement.episode && !firing) return !newest || newest.at.getTime() <= judgement.episode.since.getTime();
  return judgement.firing !== firing;
}

/**
 * The state changes, each written once. Read without locks first: when nothing changed (nearly
 * every evaluation) no transaction is opened; otherwise the rule rows are locked and the newest
 * events read again before writing.
 */
async function writeChanges(db: Database, judged: Partial<Record<AlertKind, Judgement | null>>, markEvaluated: boolean): Promise<AlertEvent[]> {
  const known = await newestEventPerKind(db);
  const changing = ALERT_KINDS.filter((kind) => changes(known.get(kind), judged[kind]));
  if (changing.length === 0) {
    if (markEvaluated) await db.execute('alerts.evaluated', `UPDATE ${ALERT_RULES_TABLE} SET EVALUATED_AT = UTC_TIMESTAMP(3)`);
    return [];
  }
  const { rules, events } = alertModels(db);
  return db.transaction(async (transaction) => {
    // First statement: the lock, so that the read below sees every change committed before it.
    // Every kind's row, not only the changing ones: changes then commit one at a time, in the order
    // of their ids, so a reader following the ids (the agent's webhook) never passes one still uncommitted.
    await modelQuery(db, () => rules.findAll({ where: { kind: [...ALERT_KINDS] }, lock: transaction.LOCK.UPDATE, transaction, ...named('alerts.change.lock') }));
    const current = await newestEventPerKind(db, transaction);
    const [clock] = await db.select<{ now: Date }>('alerts.change.clock', 'SELECT UTC_TIMESTAMP(3) AS now', { transaction });
    const now = clock?.now ?? new Date();
    const written: AlertEvent[] = [];
    const write = async (kind: AlertKind, state: AlertState, at: Date, value: number, message: string) => {
      const row = await modelQuery(db, () => events.create({ kind, state, at, value, message: message.slice(0, 1000) }, { transaction, ...named('alerts.change.write') }));
      written.push(toEvent(row));
    };
    for (const kind of changing) {
      const judgement = judged[kind]!;
      const newest = current.get(kind);
      if (!changes(newest, judgement)) continue;
      if (judgement.episode && newest?.state !== 'firing') await write(kind, 'firing', judgement.episode.firedAt, judgement.episode.value, judgement.episode.message);
      await write(kind, judgement.firing ? 'firing' : 'resolved', now, judgement.value, judgement.message);
    }
    if (markEvaluated) await markAll(db, transaction);
    return written;
  });
}

function markAll(db: Database, transaction: Transaction): Promise<number> {
  return db.execute('alerts.evaluated', `UPDATE ${ALERT_RULES_TABLE} SET EVALUATED_AT = UTC_TIMESTAMP(3)`, { transaction });
}
