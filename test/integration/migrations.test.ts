import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../migrations/index.js';
import { Database } from '../../src/core/db/database.js';
import { isLeadingPrefix } from '../../src/core/schema/introspect.js';
import { expectedTables } from '../../src/core/schema/migration-kit.js';
import { PoolMigrator } from '../../src/core/schema/migrator.js';
import { HOST_VARIANTS, hostSchemaSql, type HostVariant } from '../fixtures/host-schema.js';
import { freshDatabase } from '../helpers/database.js';
import { businessChecksum, snapshotSchema, type SchemaSnapshot } from '../helpers/schema-snapshot.js';

const fresh = freshDatabase();
let db: Database;

beforeAll(() => {
  db = new Database(fresh.profile);
});
afterAll(async () => {
  await db.close();
});

async function loadVariant(variant: HostVariant): Promise<void> {
  await fresh.admin.query('DROP TABLE IF EXISTS BOOKING_PLAN, MEETING_TYPE_PRIORITY, POOL_AUDIT_LOG, POOL_EVENT_COUNTS, POOL_METRICS, POOL_CONTROL, POOL_WORKERS, POOL_ALERT_RULES, POOL_ALERT_EVENTS, POOL_LOCKS, POOL_CONSOLE_MIGRATIONS');
  await fresh.admin.query(hostSchemaSql(variant));
}

/** The final schema, stated the way two variants can be compared: names the pool relies on. */
function normalise(snapshot: SchemaSnapshot) {
  const expectedIndexes = MIGRATIONS.flatMap((m) => m.expects.indexes ?? []);
  return {
    // The attempts column keeps the host's nullability by design (DOMAIN.md: handle both).
    columns: snapshot.columns.map((column) => (column.startsWith('POOL_PROCESSING_ATTEMPTS ') ? 'POOL_PROCESSING_ATTEMPTS int' : column)),
    covered: expectedIndexes.map((spec) => ({
      index: spec.name,
      covered: snapshot.indexes.some((index) => isLeadingPrefix(spec.columns, index.columns)),
    })),
    tables: snapshot.tables,
  };
}

const finals = new Map<HostVariant, ReturnType<typeof normalise>>();

describe.each(HOST_VARIANTS)('migrations on the %s host schema', (variant) => {
  beforeEach(async () => {
    await loadVariant(variant);
  });

  it('applies and reverts each migration in turn, restoring the schema exactly', async () => {
    const migrator = new PoolMigrator(db);
    for (const migration of MIGRATIONS) {
      const before = await snapshotSchema(fresh.admin);
      await migrator.up({ to: migration.name });
      const after = await snapshotSchema(fresh.admin);
      for (const column of migration.expects.columns ?? []) {
        expect(after.columns.some((c) => c.startsWith(`${column.name} `))).toBe(true);
      }
      for (const spec of migration.expects.indexes ?? []) {
        expect(after.indexes.some((index) => isLeadingPrefix(spec.columns, index.columns)), spec.name).toBe(true);
      }
      for (const table of expectedTables(migration.expects)) expect(after.tables).toContain(table);

      await migrator.down();
      const reverted = await snapshotSchema(fresh.admin);
      expect({ ...reverted, tables: reverted.tables.filter((t) => t !== 'POOL_CONSOLE_MIGRATIONS') }).toEqual({
        ...before,
        tables: before.tables.filter((t) => t !== 'POOL_CONSOLE_MIGRATIONS'),
      });
      await migrator.up({ to: migration.name });
    }
    expect((await migrator.status()).pending).toEqual([]);
  });

  it('migrates fully without duplicating any index and without touching a booking', async () => {
    const poolColumns = variant === 'bare' ? [] : ['POOL_STATUS', 'POOL_ENTRY_TIME', 'POOL_DEADLINE_TIME', 'POOL_PROCESSING_ATTEMPTS'];
    const checksumBefore = await businessChecksum(fresh.admin, poolColumns);
    const original = await snapshotSchema(fresh.admin);
    const migrator = new PoolMigrator(db);

    await migrator.up();
    const migrated = await snapshotSchema(fresh.admin);
    expect(await businessChecksum(fresh.admin, poolColumns)).toEqual(checksumBefore);

    const added = migrated.indexes.filter((index) => !original.indexes.some((o) => o.name === index.name));
    expect(added.length).toBeGreaterThan(0);
    for (const index of added) {
      const others = migrated.indexes.filter((other) => other.name !== index.name);
      // A created index never repeats, nor is a left prefix of, one that is there under any name.
      expect(others.filter((other) => isLeadingPrefix(index.columns, other.columns)), index.name).toEqual([]);
    }
    finals.set(variant, normalise(migrated));
    expect(finals.get(variant)?.covered.every((c) => c.covered)).toBe(true);

    // A second run finds nothing to do.
    expect(await migrator.up()).toEqual([]);

    await migrator.down({ to: MIGRATIONS[0]?.name });
    const reverted = await snapshotSchema(fresh.admin);
    expect(reverted.columns).toEqual(original.columns);
    expect(reverted.indexes).toEqual(original.indexes);
    expect(await businessChecksum(fresh.admin, poolColumns)).toEqual(checksumBefore);
  });
});

describe('across host variants', () => {
  it('brings every variant to the same final schema', () => {
    expect([...finals.keys()]).toEqual([...HOST_VARIANTS]);
    const [first, ...rest] = [...finals.values()];
    for (const other of rest) expect(other).toEqual(first);
  });
});

describe('safety', () => {
  it('refuses with NO_TABLE on a database without BOOKING_PLAN and changes nothing', async () => {
    await fresh.admin.query('DROP TABLE IF EXISTS BOOKING_PLAN, MEETING_TYPE_PRIORITY, POOL_AUDIT_LOG, POOL_EVENT_COUNTS, POOL_METRICS, POOL_CONTROL, POOL_WORKERS, POOL_ALERT_RULES, POOL_ALERT_EVENTS, POOL_LOCKS, POOL_CONSOLE_MIGRATIONS');
    const migrator = new PoolMigrator(db);
    await expect(migrator.up()).rejects.toMatchObject({ code: 'NO_TABLE' });
    await expect(migrator.plan('up')).rejects.toMatchObject({ code: 'NO_TABLE' });
    expect((await snapshotSchema(fresh.admin)).tables).toEqual([]);
  });

  it('plans without changing anything (dry run)', async () => {
    await loadVariant('bare');
    const before = await snapshotSchema(fresh.admin);
    const plans = await new PoolMigrator(db).plan('up');
    expect(plans.map((p) => p.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(plans.flatMap((p) => p.steps).filter((s) => s.sql).length).toBeGreaterThan(3);
    expect(await snapshotSchema(fresh.admin)).toEqual(before);
  });

  it('names the migration it cannot find', async () => {
    await loadVariant('bare');
    await expect(new PoolMigrator(db).up({ to: 'no-such-migration' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('audit history', () => {
  it('refuses to revert the audit table while it holds rows, and reverts it once empty', async () => {
    await loadVariant('bare');
    const migrator = new PoolMigrator(db);
    await migrator.up();
    await fresh.admin.query(`INSERT INTO POOL_AUDIT_LOG (ACTOR, ACTION, OUTCOME, CONSOLE_VERSION) VALUES ('a@b', 'pool.clear', 'ok', 'test')`);
    const refused = await migrator.down({ to: MIGRATIONS[0]?.name }).then(() => null, (error: unknown) => error);
    expect(refused).toMatchObject({ code: 'CONFLICT' });
    expect((refused as Error).message).toMatch(/POOL_AUDIT_LOG holds 1 rows/);
    expect((await snapshotSchema(fresh.admin)).tables).toContain('POOL_AUDIT_LOG');
    expect((await migrator.status()).applied.map((m) => m.name)).toEqual([MIGRATIONS[0]?.name]);

    await fresh.admin.query('DELETE FROM POOL_AUDIT_LOG');
    await migrator.down({ to: MIGRATIONS[0]?.name });
    expect((await snapshotSchema(fresh.admin)).tables).not.toContain('POOL_AUDIT_LOG');
  });
});
