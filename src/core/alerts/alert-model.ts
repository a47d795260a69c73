import { DataTypes, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Model, type ModelStatic, type Sequelize } from 'sequelize';
import type { Database } from '../db/database.js';
import type { AlertEvent, AlertKind, AlertRule, AlertState } from '../../shared/results/alerts.js';

/* POOL_ALERT_RULES and POOL_ALERT_EVENTS (migration 0009) as Sequelize models. */

export const ALERT_RULES_TABLE = 'POOL_ALERT_RULES';
export const ALERT_EVENTS_TABLE = 'POOL_ALERT_EVENTS';

export interface AlertRuleRow extends Model<InferAttributes<AlertRuleRow>, InferCreationAttributes<AlertRuleRow>> {
  kind: string;
  enabled: boolean;
  threshold: number;
  windowMinutes: number;
  updatedBy: CreationOptional<string | null>;
  updatedAt: CreationOptional<Date | null>;
  evaluatedAt: CreationOptional<Date | null>;
}

export interface AlertEventRow extends Model<InferAttributes<AlertEventRow>, InferCreationAttributes<AlertEventRow>> {
  id: CreationOptional<number>;
  kind: string;
  state: string;
  at: Date;
  value: number;
  message: string;
}

interface AlertModels {
  rules: ModelStatic<AlertRuleRow>;
  events: ModelStatic<AlertEventRow>;
}

const models = new WeakMap<Sequelize, AlertModels>();

/** Both models on this database's Sequelize instance (defined once per instance). */
export function alertModels(db: Database): AlertModels {
  let defined = models.get(db.sequelize);
  if (!defined) {
    defined = {
      rules: db.sequelize.define<AlertRuleRow>(
        'PoolAlertRule',
        {
          kind: { type: DataTypes.STRING(32), primaryKey: true, field: 'KIND' },
          enabled: { type: DataTypes.BOOLEAN, allowNull: false, field: 'ENABLED' },
          threshold: { type: DataTypes.DOUBLE, allowNull: false, field: 'THRESHOLD' },
          windowMinutes: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, field: 'WINDOW_MINUTES' },
          updatedBy: { type: DataTypes.STRING(255), allowNull: true, field: 'UPDATED_BY' },
          updatedAt: { type: DataTypes.DATE(3), allowNull: true, field: 'UPDATED_AT' },
          evaluatedAt: { type: DataTypes.DATE(3), allowNull: true, field: 'EVALUATED_AT' },
        },
        // updatedAt is ours (an operator's edit), not Sequelize's row timestamp
        { tableName: ALERT_RULES_TABLE, freezeTableName: true, timestamps: false },
      ),
      events: db.sequelize.define<AlertEventRow>(
        'PoolAlertEvent',
        {
          id: { type: DataTypes.BIGINT.UNSIGNED, primaryKey: true, autoIncrement: true, field: 'EVENT_ID' },
          kind: { type: DataTypes.STRING(32), allowNull: false, field: 'KIND' },
          state: { type: DataTypes.STRING(16), allowNull: false, field: 'ALERT_STATE' },
          at: { type: DataTypes.DATE(3), allowNull: false, field: 'EVENT_TIME' },
          value: { type: DataTypes.DOUBLE, allowNull: false, field: 'FIGURE' },
          message: { type: DataTypes.STRING(1000), allowNull: false, field: 'MESSAGE' },
        },
        { tableName: ALERT_EVENTS_TABLE, freezeTableName: true, timestamps: false },
      ),
    };
    models.set(db.sequelize, defined);
  }
  return defined;
}

export function toRule(row: AlertRuleRow): AlertRule {
  return {
    kind: row.kind as AlertKind,
    enabled: Boolean(row.enabled),
    threshold: Number(row.threshold),
    windowMinutes: Number(row.windowMinutes),
    updatedBy: row.updatedBy ?? null,
    updatedAt: row.updatedAt ?? null,
  };
}

/** A row as the contract's event; the raw reads alias their columns to these names too. */
export function toEvent(row: Pick<InferAttributes<AlertEventRow>, 'id' | 'kind' | 'state' | 'at' | 'value' | 'message'>): AlertEvent {
  return {
    id: Number(row.id),
    kind: row.kind as AlertKind,
    state: row.state as AlertState,
    at: row.at instanceof Date ? row.at : new Date(row.at),
    value: Number(row.value),
    message: row.message,
  };
}

/** The event columns aliased to the model's names, for raw reads that toEvent() maps. */
export const EVENT_COLUMNS = 'EVENT_ID AS id, KIND AS kind, ALERT_STATE AS state, EVENT_TIME AS at, FIGURE AS value, MESSAGE AS message';
