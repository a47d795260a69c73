import { DataTypes, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Model, type ModelStatic, type Sequelize } from 'sequelize';
import type { Database } from '../db/database.js';

/** POOL_WORKERS (migration 0008): one row per worker owner id, written by its heartbeat. */
export const WORKERS_TABLE = 'POOL_WORKERS';

export interface WorkerRow extends Model<InferAttributes<WorkerRow>, InferCreationAttributes<WorkerRow>> {
  ownerId: string;
  host: string;
  pid: number | null;
  version: string | null;
  startedAt: Date;
  heartbeatAt: Date;
  heartbeatIntervalMs: number;
  stoppedAt: CreationOptional<Date | null>;
  claims: number;
  completes: number;
  fails: number;
  claimsPerMinute: number | null;
  lastError: string | null;
  lastErrorAt: CreationOptional<Date | null>;
}

const models = new WeakMap<Sequelize, ModelStatic<WorkerRow>>();

/** The model on this database's Sequelize instance (defined once per instance). */
export function workerModel(db: Database): ModelStatic<WorkerRow> {
  let model = models.get(db.sequelize);
  if (!model) {
    const count = (field: string) => ({ type: DataTypes.BIGINT.UNSIGNED, allowNull: false, defaultValue: 0, field });
    model = db.sequelize.define<WorkerRow>(
      'PoolWorker',
      {
        ownerId: { type: DataTypes.STRING(128), primaryKey: true, field: 'OWNER_ID' },
        host: { type: DataTypes.STRING(255), allowNull: false, field: 'HOST' },
        pid: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true, field: 'PID' },
        version: { type: DataTypes.STRING(64), allowNull: true, field: 'VERSION' },
        startedAt: { type: DataTypes.DATE(3), allowNull: false, field: 'STARTED_AT' },
        heartbeatAt: { type: DataTypes.DATE(3), allowNull: false, field: 'HEARTBEAT_AT' },
        heartbeatIntervalMs: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, field: 'HEARTBEAT_INTERVAL_MS' },
        stoppedAt: { type: DataTypes.DATE(3), allowNull: true, field: 'STOPPED_AT' },
        claims: count('CLAIMS'),
        completes: count('COMPLETES'),
        fails: count('FAILS'),
        claimsPerMinute: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true, field: 'CLAIMS_PER_MINUTE' },
        lastError: { type: DataTypes.STRING(1000), allowNull: true, field: 'LAST_ERROR' },
        lastErrorAt: { type: DataTypes.DATE(3), allowNull: true, field: 'LAST_ERROR_AT' },
      },
      { tableName: WORKERS_TABLE, freezeTableName: true, timestamps: false },
    );
    models.set(db.sequelize, model);
  }
  return model;
}
