import { DataTypes, type InferAttributes, type InferCreationAttributes, type Model, type ModelStatic, type Sequelize } from 'sequelize';
import type { Database } from './database.js';

/**
 * POOL_LOCKS (migration 0010): named locks as rows, for Galera, where GET_LOCK is per node. A row
 * is written by an ordinary committed statement, so it is certified across the cluster: two
 * consoles on two nodes cannot both take it. Each lock names its owner and lapses at EXPIRES_AT
 * (database clock) unless its owner renews it, so a console that died frees it within the TTL.
 */
export const LOCKS_TABLE = 'POOL_LOCKS';

/** The table's columns, shared by migration 0010 and ensureLockTable (the migrator's own lock needs it first). */
export const LOCKS_TABLE_BODY = `
  NAME VARCHAR(64) NOT NULL PRIMARY KEY,
  OWNER VARCHAR(200) NOT NULL,
  HOST VARCHAR(255) NOT NULL,
  ACQUIRED_AT DATETIME(3) NOT NULL,
  EXPIRES_AT DATETIME(3) NOT NULL
`;

export interface LockRow extends Model<InferAttributes<LockRow>, InferCreationAttributes<LockRow>> {
  name: string;
  owner: string;
  host: string;
  acquiredAt: Date;
  expiresAt: Date;
}

const models = new WeakMap<Sequelize, ModelStatic<LockRow>>();

/** The model on this database's Sequelize instance (defined once per instance). */
export function lockModel(db: Database): ModelStatic<LockRow> {
  let model = models.get(db.sequelize);
  if (!model) {
    model = db.sequelize.define<LockRow>(
      'PoolLock',
      {
        name: { type: DataTypes.STRING(64), primaryKey: true, field: 'NAME' },
        owner: { type: DataTypes.STRING(200), allowNull: false, field: 'OWNER' },
        host: { type: DataTypes.STRING(255), allowNull: false, field: 'HOST' },
        acquiredAt: { type: DataTypes.DATE(3), allowNull: false, field: 'ACQUIRED_AT' },
        expiresAt: { type: DataTypes.DATE(3), allowNull: false, field: 'EXPIRES_AT' },
      },
      { tableName: LOCKS_TABLE, freezeTableName: true, timestamps: false },
    );
    models.set(db.sequelize, model);
  }
  return model;
}

/**
 * Creates POOL_LOCKS if it is not there. On Galera the migrator's lock lives in it, so it must exist
 * before migration 0010 can run; 0010 then adopts the table (and its down keeps an adopted one).
 */
export async function ensureLockTable(db: Database): Promise<void> {
  await db.execute('locks.ensure-table', `CREATE TABLE IF NOT EXISTS \`${LOCKS_TABLE}\` (${LOCKS_TABLE_BODY}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
}
