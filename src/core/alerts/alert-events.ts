import type { Transaction } from 'sequelize';
import { PoolError } from '../../shared/errors.js';
import { ALERT_KINDS, alertEventsQuerySchema, type AlertEvent, type AlertKind, type AlertOverview } from '../../shared/results/alerts.js';
import type { Database } from '../db/database.js';
import { ALERT_EVENTS_TABLE, ALERT_RULES_TABLE, EVENT_COLUMNS, toEvent } from './alert-model.js';
import { sqlTime } from './alert-figures.js';
import { readAlertRules } from './alert-rules.js';
import { alertsAvailable, onAlertTables } from './alert-tables.js';

type EventRow = Parameters<typeof toEvent>[0];

/**
 * The newest event of every kind: one point read of (KIND, EVENT_ID) per kind, six rows at most.
 * A rule is firing when its newest event is. Exported so index health can explain the text that runs.
 */
export const NEWEST_PER_KIND_SQL = ALERT_KINDS.map(
  (kind) => `(SELECT ${EVENT_COLUMNS} FROM ${ALERT_EVENTS_TABLE} WHERE KIND = '${kind}' ORDER BY EVENT_ID DESC LIMIT 1)`,
).join('\nUNION ALL\n');

/** Newest event per kind (kinds with none are absent), read inside `transaction` when given. */
export async function newestEventPerKind(db: Database, transaction?: Transaction): Promise<Map<AlertKind, AlertEvent>> {
  const rows = await db.select<EventRow>('alerts.newest-per-kind', NEWEST_PER_KIND_SQL, { transaction });
  return new Map(rows.map((row) => [row.kind as AlertKind, toEvent(row)]));
}

/** The newest event of each rule whose newest event is `firing`, in ALERT_KINDS order; none before migration 0009. One read. */
export async function firingAlerts(db: Database): Promise<AlertEvent[]> {
  if (!(await alertsAvailable(db))) return [];
  return onAlertTables(db, async () => firingOf(await newestEventPerKind(db)), () => []);
}

const firingOf = (newest: Map<AlertKind, AlertEvent>): AlertEvent[] =>
  ALERT_KINDS.map((kind) => newest.get(kind)).filter((event): event is AlertEvent => event?.state === 'firing');

/** The rules, the ones firing now, and when the leader last evaluated; `available: false` before migration 0009. */
export async function alertOverview(db: Database): Promise<AlertOverview> {
  const unavailable = (): AlertOverview => ({ available: false, rules: [], firing: [], evaluatedAt: null });
  if (!(await alertsAvailable(db))) return unavailable();
  return onAlertTables(
    db,
    async () => {
      const rules = await readAlertRules(db);
      const firing = firingOf(await newestEventPerKind(db));
      const [evaluated] = await db.select<{ at: Date | null }>('alerts.evaluated-at', `SELECT MAX(EVALUATED_AT) AS at FROM ${ALERT_RULES_TABLE}`);
      return { available: true, rules, firing, evaluatedAt: evaluated?.at ?? null };
    },
    unavailable,
  );
}

/**
 * Events newest first: in a time window (chart markers), of one kind, and/or before an id (keyset
 * paging); at most `limit`. Before migration 0009 there are none.
 */
export async function readAlertEvents(db: Database, query: unknown): Promise<AlertEvent[]> {
  const parsed = alertEventsQuerySchema.safeParse(query ?? {});
  if (!parsed.success) {
    throw new PoolError('INVALID_INPUT', `Alert events: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'query'} ${issue.message}`).join('; ')}.`);
  }
  const { from, to, kind, beforeId, limit } = parsed.data;
  if (!(await alertsAvailable(db))) return [];
  const where: string[] = [];
  if (from) where.push('EVENT_TIME >= :from');
  if (to) where.push('EVENT_TIME < :to');
  if (kind) where.push('KIND = :kind');
  if (beforeId !== undefined) where.push('EVENT_ID < :beforeId');
  return onAlertTables(
    db,
    async () =>
      (
        await db.select<EventRow>(
          'alerts.events',
          `SELECT ${EVENT_COLUMNS} FROM ${ALERT_EVENTS_TABLE} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY EVENT_ID DESC LIMIT :limit`,
          { replacements: { from: from && sqlTime(from), to: to && sqlTime(to), kind, beforeId, limit } },
        )
      ).map(toEvent),
    () => [],
  );
}

/** The newest event id (0 when there is none): where a feed starts, so that it replays no history. */
export async function newestAlertEventId(db: Database): Promise<number> {
  const [row] = await db.select<{ id: number | null }>('alerts.newest-id', `SELECT MAX(EVENT_ID) AS id FROM ${ALERT_EVENTS_TABLE}`);
  return Number(row?.id ?? 0);
}

/** Events after `afterId`, oldest first, at most `limit` (the primary key's range): the webhook's feed. */
export async function alertEventsAfter(db: Database, afterId: number, limit: number): Promise<AlertEvent[]> {
  const rows = await db.select<EventRow>('alerts.events-after', `SELECT ${EVENT_COLUMNS} FROM ${ALERT_EVENTS_TABLE} WHERE EVENT_ID > :afterId ORDER BY EVENT_ID LIMIT :limit`, {
    replacements: { afterId, limit },
  });
  return rows.map(toEvent);
}
