import { MigrationError, Umzug } from 'umzug';
import { MIGRATIONS } from '../../../migrations/index.js';
import { PoolError } from '../../shared/errors.js';
import { stopIfCancelled } from '../audit/cancel.js';
import type { Database } from '../db/database.js';
import { clusterLockHolder, withClusterLock } from '../db/cluster-lock.js';
import { DDL_TIMEOUT_MS } from '../db/timeouts.js';
import { CONSOLE_VERSION } from '../version.js';
import { tableExists } from './introspect.js';
import type { PoolMigration } from './migration-kit.js';
import { MigrationStore, type AppliedMigration } from './migration-store.js';
import { forgetPoolColumns } from './pool-columns.js';
import { forgetTablePresence } from './table-presence.js';
import type { Direction, LockHolder, MigrationPlan, MigrationProgress, MigrationStatus, SchemaStep } from '../../shared/results/schema.js';

export type { Direction, MigrationPlan, MigrationProgress, MigrationStatus } from '../../shared/results/schema.js';

const UNSUPPORTED_ALGORITHM = new Set([1845, 1846]);
const MIGRATION_LOCK = 'migrations';
const HOST_TABLE = 'BOOKING_PLAN';

/** Runs the ordered, reversible schema migrations, one run at a time across all consoles. */
export class PoolMigrator {
  private readonly store: MigrationStore;

  constructor(
    private readonly db: Database,
    private readonly options: {
      onProgress?: (progress: MigrationProgress) => void;
      migrations?: readonly PoolMigration[];
      /** The audit row's counter, raised with each migration's bookkeeping row (see MigrationStore). */
      counter?: MigrationStore['counter'];
      /**
       * The caller's cancel, honoured before each migration: never inside one, so every migration
       * is either done and journalled (with what it created, for its down) or not started.
       */
      signal?: AbortSignal;
    } = {},
  ) {
    this.store = new MigrationStore(db, CONSOLE_VERSION);
    this.store.counter = options.counter;
  }

  /** The migrations a run would apply or revert, in order, without planning their steps. */
  async selection(direction: Direction, options: { to?: string } = {}): Promise<string[]> {
    const applied = await this.store.applied();
    return (direction === 'up' ? this.selectUp(applied, options.to) : this.selectDown(applied, options.to)).map((migration) => migration.name);
  }

  private get migrations(): readonly PoolMigration[] {
    return this.options.migrations ?? MIGRATIONS;
  }

  async status(): Promise<MigrationStatus> {
    const applied = await this.store.applied();
    const appliedNames = new Set(applied.map((migration) => migration.name));
    const describe = (name: string) => this.migrations.find((migration) => migration.name === name)?.description ?? '(not known to this console version)';
    return {
      applied: applied.map((migration) => ({ name: migration.name, appliedAt: migration.appliedAt, description: describe(migration.name) })),
      pending: this.migrations.filter((migration) => !appliedNames.has(migration.name)).map(({ name, description }) => ({ name, description })),
    };
  }

  /** The SQL each step would run, without running it (dry run). */
  async plan(direction: Direction, options: { to?: string } = {}): Promise<MigrationPlan[]> {
    if (direction === 'up') await this.requireHostTable();
    const applied = await this.store.applied();
    const selected = direction === 'up' ? this.selectUp(applied, options.to) : this.selectDown(applied, options.to);
    const plans: MigrationPlan[] = [];
    for (const migration of selected) {
      const steps = direction === 'up' ? await migration.planUp(this.db) : await migration.planDown(this.db, this.createdBy(applied, migration.name));
      plans.push({ name: migration.name, description: migration.description, steps });
    }
    return plans;
  }

  async up(options: { to?: string } = {}): Promise<MigrationPlan[]> {
    return this.run('up', options);
  }

  /** Reverts the last applied migration, or every one after and including `to`. */
  async down(options: { to?: string } = {}): Promise<MigrationPlan[]> {
    return this.run('down', options);
  }

  async lockHolder(): Promise<LockHolder | null> {
    return clusterLockHolder(this.db, MIGRATION_LOCK);
  }

  private async run(direction: Direction, options: { to?: string }): Promise<MigrationPlan[]> {
    // GET_LOCK on one server; on Galera a POOL_LOCKS row, the table created first if 0010 has not run
    return withClusterLock(this.db, MIGRATION_LOCK, 'Migration', async (assertStillHeld) => {
      if (direction === 'up') await this.requireHostTable();
      const applied = await this.store.applied();
      const selected = direction === 'up' ? this.selectUp(applied, options.to) : this.selectDown(applied, options.to);
      const done: MigrationPlan[] = [];
      const umzug = new Umzug({
        migrations: selected.map((migration, index) => ({
          name: migration.name,
          up: async () => {
            stopIfCancelled(this.options.signal);
            done.push(await this.apply('up', migration, await migration.planUp(this.db), index, selected.length, assertStillHeld));
          },
          down: async () => {
            stopIfCancelled(this.options.signal);
            const steps = await migration.planDown(this.db, this.createdBy(applied, migration.name));
            done.push(await this.apply('down', migration, steps, index, selected.length, assertStillHeld));
          },
        })),
        storage: this.store,
        logger: undefined,
        context: {},
      });
      const names = selected.map((migration) => migration.name);
      if (names.length === 0) return done;
      try {
        if (direction === 'up') await umzug.up({ migrations: names });
        else await umzug.down({ migrations: names });
      } catch (error) {
        // umzug wraps the step's own (already classified) error; the UI needs that one.
        throw error instanceof MigrationError ? error.cause : error;
      } finally {
        // Tables came or went (even when a later step failed): what this Database remembered is stale.
        forgetTablePresence(this.db);
        forgetPoolColumns(this.db);
      }
      return done;
    });
  }

  private async apply(
    direction: Direction,
    migration: PoolMigration,
    steps: SchemaStep[],
    index: number,
    total: number,
    assertStillHeld: () => Promise<void>,
  ): Promise<MigrationPlan> {
    const report = (summary: string, state: MigrationProgress['state']) =>
      this.options.onProgress?.({ direction, migration: migration.name, position: index + 1, total, summary, state });
    report(migration.description, 'started');
    const created = [];
    for (const step of steps) {
      await assertStillHeld();
      if (step.sql) await this.runStep(step);
      created.push(...(step.creates ?? []));
      report(step.summary, 'step');
    }
    if (direction === 'up') this.store.pendingCreated.set(migration.name, created);
    report(migration.description, 'finished');
    return { name: migration.name, description: migration.description, steps };
  }

  private async runStep(step: SchemaStep): Promise<void> {
    try {
      // in place on a big table can take many minutes: DDL has its own, longer bound
      await this.db.execute('migrations.ddl', step.sql ?? '', { timeoutMs: DDL_TIMEOUT_MS });
    } catch (error) {
      const errno = error instanceof PoolError ? error.details?.errno : undefined;
      if (!step.fallbackSql || typeof errno !== 'number' || !UNSUPPORTED_ALGORITHM.has(errno)) throw error;
      // The server cannot do it instantly; in place without a lock is still safe, anything else is refused.
      step.sql = step.fallbackSql;
      await this.db.execute('migrations.ddl', step.fallbackSql, { timeoutMs: DDL_TIMEOUT_MS });
    }
  }

  private async requireHostTable(): Promise<void> {
    if (!(await tableExists(this.db, HOST_TABLE))) {
      throw new PoolError(
        'NO_TABLE',
        `Table ${HOST_TABLE} not found in database '${this.db.profile.database}'. Connect to the booking application's database (it owns ${HOST_TABLE}); nothing was changed.`,
      );
    }
  }

  private selectUp(applied: AppliedMigration[], to?: string): PoolMigration[] {
    const done = new Set(applied.map((migration) => migration.name));
    const pending = this.migrations.filter((migration) => !done.has(migration.name));
    if (to === undefined) return pending;
    const end = pending.findIndex((migration) => migration.name === to);
    if (end < 0) throw new PoolError('INVALID_INPUT', `'${to}' is not a pending migration. Pending: ${pending.map((m) => m.name).join(', ') || 'none'}.`);
    return pending.slice(0, end + 1);
  }

  private selectDown(applied: AppliedMigration[], to?: string): PoolMigration[] {
    const newestFirst = [...applied].reverse();
    const known = (name: string) => {
      const migration = this.migrations.find((candidate) => candidate.name === name);
      if (!migration) throw new PoolError('CONFLICT', `Applied migration '${name}' is unknown to this console version (${CONSOLE_VERSION}); use the console that applied it to revert it.`);
      return migration;
    };
    if (to === undefined) return newestFirst.slice(0, 1).map((migration) => known(migration.name));
    const end = newestFirst.findIndex((migration) => migration.name === to);
    if (end < 0) throw new PoolError('INVALID_INPUT', `'${to}' is not an applied migration. Applied: ${applied.map((m) => m.name).join(', ') || 'none'}.`);
    return newestFirst.slice(0, end + 1).map((migration) => known(migration.name));
  }

  private createdBy(applied: AppliedMigration[], name: string) {
    return applied.find((migration) => migration.name === name)?.created ?? [];
  }
}
