import { z } from 'zod';
import { PoolError } from '../../shared/errors.js';
import { ALERT_KINDS, alertRuleChangeSchema, type AlertRule } from '../../shared/results/alerts.js';
import { AuditLog, defaultActor } from '../audit/audit-log.js';
import type { Database } from '../db/database.js';
import { modelQuery, named } from '../db/model-query.js';
import { alertModels, toRule } from './alert-model.js';
import { alertsAvailable, noAlertTables } from './alert-tables.js';

/* The alert rules every console shares (POOL_ALERT_RULES): read them, and change one, audited with its reason. */

const updateSchema = alertRuleChangeSchema.extend({ reason: z.string().optional(), actor: z.string().trim().min(1).max(255).optional() });
export type AlertRuleUpdate = z.input<typeof updateSchema>;

const byKind = (a: AlertRule, b: AlertRule) => ALERT_KINDS.indexOf(a.kind) - ALERT_KINDS.indexOf(b.kind);

/** The rules in ALERT_KINDS order (six rows; the bound only keeps the read bounded whatever the table holds). */
export async function readAlertRules(db: Database): Promise<AlertRule[]> {
  const rows = await modelQuery(db, () => alertModels(db).rules.findAll({ where: { kind: [...ALERT_KINDS] }, limit: ALERT_KINDS.length, ...named('alerts.rules') }));
  return rows.map(toRule).sort(byKind);
}

/**
 * Changes one rule's switch, threshold or window (what is given), for every console: the leader
 * applies it at its next evaluation. Audited ('alerts.rule-update', reason required) with the
 * values given. A rule switched off while firing is resolved by that evaluation.
 */
export async function updateAlertRule(db: Database, input: AlertRuleUpdate): Promise<AlertRule> {
  const parsed = updateSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PoolError('INVALID_INPUT', `Invalid alert rule change${issue?.path.length ? ` (${issue.path.join('.')})` : ''}: ${issue?.message ?? 'rejected'}. Nothing was changed.`);
  }
  const { kind, reason, actor: given, ...change } = parsed.data;
  const actor = (given ?? defaultActor()).slice(0, 255);
  if (!(await alertsAvailable(db))) throw noAlertTables('Nothing was changed.');
  const model = alertModels(db).rules;
  const values = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
  return new AuditLog(db).audited('alerts.rule-update', { context: { actor, reason }, parameters: { kind, ...values } }, (counter) =>
    db.transaction(async (transaction) => {
      const row = await modelQuery(db, () => model.findByPk(kind, { transaction, lock: transaction.LOCK.UPDATE, ...named('alerts.rule-update.lock') }));
      if (!row) throw new PoolError('CONFLICT', `There is no alert rule '${kind}' in POOL_ALERT_RULES (deleted by hand?): revert and re-apply migration 0009-pool-alerts to restore the shipped rules. Nothing was changed.`);
      const [clock] = await db.select<{ now: Date }>('alerts.rule-update.clock', 'SELECT UTC_TIMESTAMP(3) AS now', { transaction });
      await modelQuery(db, () => row.update({ ...values, updatedBy: actor, updatedAt: clock?.now ?? new Date() }, { transaction, ...named('alerts.rule-update') }));
      await counter.add(1, transaction);
      return toRule(row);
    }),
  );
}
