import { DataTypes, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Model, type ModelStatic, type Sequelize } from 'sequelize';
import type { Database } from '../db/database.js';

/** POOL_CONTROL (migration 0007): the pause switch, one row per scope ('ALL' or a mode). */
export const CONTROL_TABLE = 'POOL_CONTROL';

export interface ControlRow extends Model<InferAttributes<ControlRow>, InferCreationAttributes<ControlRow>> {
  scope: string;
  paused: boolean;
  pausedBy: CreationOptional<string | null>;
  pauseReason: CreationOptional<string | null>;
  pausedAt: CreationOptional<Date | null>;
  resumeAt: CreationOptional<Date | null>;
}

const models = new WeakMap<Sequelize, ModelStatic<ControlRow>>();

/** The model on this database's Sequelize instance (defined once per instance). */
export function controlModel(db: Database): ModelStatic<ControlRow> {
  let model = models.get(db.sequelize);
  if (!model) {
    model = db.sequelize.define<ControlRow>(
      'PoolControl',
      {
        scope: { type: DataTypes.STRING(16), primaryKey: true, field: 'SCOPE' },
        paused: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false, field: 'PAUSED' },
        pausedBy: { type: DataTypes.STRING(255), allowNull: true, field: 'PAUSED_BY' },
        pauseReason: { type: DataTypes.STRING(1000), allowNull: true, field: 'PAUSE_REASON' },
        pausedAt: { type: DataTypes.DATE(3), allowNull: true, field: 'PAUSED_AT' },
        resumeAt: { type: DataTypes.DATE(3), allowNull: true, field: 'RESUME_AT' },
      },
      { tableName: CONTROL_TABLE, freezeTableName: true, timestamps: false },
    );
    models.set(db.sequelize, model);
  }
  return model;
}
