import { DataTypes, type Model, type ModelStatic, type Sequelize } from 'sequelize';
import type { Database } from '../db/database.js';
import { classifyError } from '../db/classify-error.js';
import { POOL_EVENTS, POOL_STATUSES, type PoolEvent } from '../pool/pool-types.js';
import type { MetricResolution, MetricsPoint } from '../../shared/results/metrics.js';

export type { MetricResolution, MetricsPoint } from '../../shared/results/metrics.js';

/* POOL_METRICS (migration 0006) as a Sequelize model, for the recorder's plain reads and writes. */

export const METRICS_TABLE = 'POOL_METRICS';
const MODEL_NAME = 'PoolMetrics';

/** Event → its delta column. */
export const EVENT_COLUMNS: Record<PoolEvent, string> = Object.fromEntries(POOL_EVENTS.map((event) => [event, `EV_${event.toUpperCase()}`])) as Record<PoolEvent, string>;
const STATUS_COLUMNS = Object.fromEntries(POOL_STATUSES.map((status) => [status, status.toUpperCase()]));

/** The row's attributes as the model names them (camelCase over the real column names). */
export interface MetricsAttributes {
  resolution: number;
  sampleTime: Date;
  recorderId: string;
  exact: boolean;
  samples: number;
  inPool: number;
  waiting: number;
  ready: number;
  processing: number;
  failed: number;
  byModeStatus: unknown;
  eligible: number;
  overdue: number;
  expiredLeases: number;
  failedAtMax: number;
  oldestEntryAgeS: number | null;
  due1h: number;
  due6h: number;
  due24h: number;
  evEntered: number | null;
  evClaimed: number | null;
  evCompleted: number | null;
  evFailed: number | null;
  evRetried: number | null;
  evRemoved: number | null;
  evReset: number | null;
  eventTotals: unknown;
  sampleMs: number;
  intervalMs: number;
  note: string | null;
}

export type MetricsModel = ModelStatic<Model<MetricsAttributes, MetricsAttributes>>;

const count = (field: string) => ({ type: DataTypes.INTEGER.UNSIGNED, allowNull: false, field });
const delta = (field: string) => ({ type: DataTypes.BIGINT.UNSIGNED, allowNull: true, field });

/** Each attribute with its real column (ARCHITECTURE: the model maps names, nothing renames them). */
const ATTRIBUTES = {
  resolution: { type: DataTypes.SMALLINT.UNSIGNED, allowNull: false, primaryKey: true, field: 'RESOLUTION' },
  sampleTime: { type: DataTypes.DATE(3), allowNull: false, primaryKey: true, field: 'SAMPLE_TIME' },
  recorderId: { type: DataTypes.STRING(128), allowNull: false, field: 'RECORDER_ID' },
  exact: { type: DataTypes.BOOLEAN, allowNull: false, field: 'EXACT' },
  samples: count('SAMPLES'),
  inPool: count('IN_POOL'),
  waiting: count(STATUS_COLUMNS.waiting!),
  ready: count(STATUS_COLUMNS.ready!),
  processing: count(STATUS_COLUMNS.processing!),
  failed: count(STATUS_COLUMNS.failed!),
  byModeStatus: { type: DataTypes.JSON, allowNull: true, field: 'BY_MODE_STATUS' },
  eligible: count('ELIGIBLE'),
  overdue: count('OVERDUE'),
  expiredLeases: count('EXPIRED_LEASES'),
  failedAtMax: count('FAILED_AT_MAX'),
  oldestEntryAgeS: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true, field: 'OLDEST_ENTRY_AGE_S' },
  due1h: count('DUE_1H'),
  due6h: count('DUE_6H'),
  due24h: count('DUE_24H'),
  evEntered: delta(EVENT_COLUMNS.entered),
  evClaimed: delta(EVENT_COLUMNS.claimed),
  evCompleted: delta(EVENT_COLUMNS.completed),
  evFailed: delta(EVENT_COLUMNS.failed),
  evRetried: delta(EVENT_COLUMNS.retried),
  evRemoved: delta(EVENT_COLUMNS.removed),
  evReset: delta(EVENT_COLUMNS.reset),
  eventTotals: { type: DataTypes.JSON, allowNull: true, field: 'EVENT_TOTALS' },
  sampleMs: count('SAMPLE_MS'),
  intervalMs: count('INTERVAL_MS'),
  note: { type: DataTypes.STRING(255), allowNull: true, field: 'NOTE' },
} satisfies Record<keyof MetricsAttributes, { field: string } & Record<string, unknown>>;

function define(sequelize: Sequelize): MetricsModel {
  return sequelize.define<Model<MetricsAttributes, MetricsAttributes>>(MODEL_NAME, ATTRIBUTES, {
    tableName: METRICS_TABLE,
    freezeTableName: true,
    timestamps: false,
  });
}

/** The model on this Database's Sequelize instance, defined on first use. */
export function metricsModel(db: Database): MetricsModel {
  const { sequelize } = db;
  return sequelize.isDefined(MODEL_NAME) ? (sequelize.model(MODEL_NAME) as MetricsModel) : define(sequelize);
}

/** Sequelize passes unknown options through to its logging, where Database times them under queryName. */
export interface NamedOptions {
  benchmark: true;
  queryName: string;
}

/**
 * Runs a model call with a query name (timed like every other statement) and its failure
 * classified as a PoolError, as Database.select/execute do for raw statements.
 */
export async function modelCall<T>(db: Database, queryName: string, call: (options: NamedOptions) => Promise<T>): Promise<T> {
  try {
    return await call({ benchmark: true, queryName });
  } catch (error) {
    throw classifyError(error, db.target);
  }
}

/** A found row's SAMPLE_TIME. */
export function sampleTimeOf(row: Model<MetricsAttributes, MetricsAttributes>): Date {
  return row.getDataValue('sampleTime');
}

const eventKey = (event: PoolEvent) => `ev${event[0]!.toUpperCase()}${event.slice(1)}` as keyof MetricsAttributes;

/** MariaDB hands JSON back as text (its JSON is a LONGTEXT); MySQL 8 as an object. */
function parseJson<T>(value: unknown): T | null {
  if (value === null || value === undefined) return null;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

const num = (value: unknown) => Number(value);
const numOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/** A row (model attributes, or a raw select aliased to them) as the console sees it. */
export function toPoint(row: MetricsAttributes): MetricsPoint {
  const deltas = POOL_EVENTS.map((event) => [event, numOrNull(row[eventKey(event)])] as const);
  const totals = parseJson<Record<PoolEvent, number>>(row.eventTotals);
  return {
    resolution: num(row.resolution) as MetricResolution,
    time: row.sampleTime instanceof Date ? row.sampleTime : new Date(row.sampleTime),
    recorderId: row.recorderId,
    exact: Boolean(Number(row.exact)),
    samples: num(row.samples),
    inPool: num(row.inPool),
    byStatus: { waiting: num(row.waiting), ready: num(row.ready), processing: num(row.processing), failed: num(row.failed) },
    byModeStatus: parseJson(row.byModeStatus),
    eligible: num(row.eligible),
    overdue: num(row.overdue),
    expiredLeases: num(row.expiredLeases),
    failedAtMaxAttempts: num(row.failedAtMax),
    oldestEntryAgeSeconds: numOrNull(row.oldestEntryAgeS),
    deadlineWithin: { hour1: num(row.due1h), hours6: num(row.due6h), hours24: num(row.due24h) },
    events: deltas.every(([, value]) => value === null) ? null : (Object.fromEntries(deltas) as Record<PoolEvent, number | null>),
    eventTotals: totals,
    sampleMs: num(row.sampleMs),
    intervalMs: num(row.intervalMs),
    note: row.note ?? null,
  };
}

/** A point back to the model's attributes, for writing. */
export function toAttributes(point: MetricsPoint): MetricsAttributes {
  const deltas = Object.fromEntries(POOL_EVENTS.map((event) => [eventKey(event), point.events?.[event] ?? null]));
  return {
    resolution: point.resolution,
    sampleTime: point.time,
    recorderId: point.recorderId.slice(0, 128),
    exact: point.exact,
    samples: point.samples,
    inPool: point.inPool,
    waiting: point.byStatus.waiting,
    ready: point.byStatus.ready,
    processing: point.byStatus.processing,
    failed: point.byStatus.failed,
    byModeStatus: point.byModeStatus,
    eligible: point.eligible,
    overdue: point.overdue,
    expiredLeases: point.expiredLeases,
    failedAtMax: point.failedAtMaxAttempts,
    oldestEntryAgeS: point.oldestEntryAgeSeconds,
    due1h: point.deadlineWithin.hour1,
    due6h: point.deadlineWithin.hours6,
    due24h: point.deadlineWithin.hours24,
    ...deltas,
    eventTotals: point.eventTotals,
    sampleMs: Math.round(point.sampleMs),
    intervalMs: Math.round(point.intervalMs),
    note: point.note?.slice(0, 255) ?? null,
  } as MetricsAttributes;
}

/** Every column aliased to the model's attribute names, for raw reads that toPoint() maps. */
export const METRICS_SELECT_COLUMNS = Object.entries(ATTRIBUTES)
  .map(([name, attribute]) => `${attribute.field} AS ${name}`)
  .join(', ');
