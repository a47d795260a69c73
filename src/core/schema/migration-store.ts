import type { UmzugStorage } from 'umzug';
import type { Transaction } from 'sequelize';
import type { Database } from '../db/database.js';
import { tableExists } from './introspect.js';
import type { CreatedObject } from './migration-kit.js';

export const MIGRATIONS_TABLE = 'POOL_CONSOLE_MIGRATIONS';

export interface AppliedMigration {
  name: string;
  appliedAt: Date;
  created: CreatedObject[];
}

/**
 * umzug storage in POOL_CONSOLE_MIGRATIONS that also remembers what each migration created,
 * so that down drops only that and never an object the host already had.
 */
export class MigrationStore implements UmzugStorage {
  /** Filled by a migration's up; read when umzug logs it. */
  readonly pendingCreated = new Map<string, CreatedObject[]>();

  /**
   * Raised by one in the same transaction as each migration's row is written (up) or deleted
   * (down): the audit row's count of a migration run is migrations done, exactly as this table says.
   */
  counter?: { add(n: number, transaction: Transaction): Promise<void> };

  constructor(private readonly db: Database, private readonly consoleVersion: string) {}

  async applied(): Promise<AppliedMigration[]> {
    if (!(await tableExists(this.db, MIGRATIONS_TABLE))) return [];
    const rows = await this.db.select<{ name: string; appliedAt: Date; created: string | null }>(
      'migrations.applied',
      `SELECT NAME AS name, APPLIED_AT AS appliedAt, CREATED_OBJECTS AS created FROM ${MIGRATIONS_TABLE} ORDER BY NAME`,
    );
    return rows.map((row) => ({ name: row.name, appliedAt: row.appliedAt, created: row.created ? (JSON.parse(row.created) as CreatedObject[]) : [] }));
  }

  async executed(): Promise<string[]> {
    return (await this.applied()).map((migration) => migration.name);
  }

  async logMigration({ name }: { name: string }): Promise<void> {
    await this.db.execute(
      'migrations.create-table',
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
         NAME VARCHAR(190) NOT NULL PRIMARY KEY,
         APPLIED_AT DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
         CREATED_OBJECTS TEXT NULL,
         CONSOLE_VERSION VARCHAR(32) NOT NULL
       ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    );
    await this.db.transaction(async (transaction) => {
      await this.db.execute(
        'migrations.log',
        `INSERT INTO ${MIGRATIONS_TABLE} (NAME, CREATED_OBJECTS, CONSOLE_VERSION) VALUES (:name, :created, :version)`,
        { replacements: { name, created: JSON.stringify(this.pendingCreated.get(name) ?? []), version: this.consoleVersion }, transaction },
      );
      await this.counter?.add(1, transaction);
    });
    this.pendingCreated.delete(name);
  }

  async unlogMigration({ name }: { name: string }): Promise<void> {
    await this.db.transaction(async (transaction) => {
      await this.db.execute('migrations.unlog', `DELETE FROM ${MIGRATIONS_TABLE} WHERE NAME = :name`, { replacements: { name }, transaction });
      await this.counter?.add(1, transaction);
    });
  }
}
