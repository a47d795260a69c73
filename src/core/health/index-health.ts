import { MIGRATIONS } from '../../../migrations/index.js';
import { PoolError } from '../../shared/errors.js';
import type { Database } from '../db/database.js';
import { isLeadingPrefix, listIndexes, tableExists, type IndexInfo } from '../schema/introspect.js';
import { poolColumns } from '../schema/pool-columns.js';
import type { IndexSpec } from '../schema/migration-kit.js';
import { EVENT_COUNTS_TABLE } from '../pool/event-counts.js';
import { explainHotQuery, hotQueries } from './hot-queries.js';
import type { ExpectedIndexHealth, HotQueryPlan, IndexHealth, PresentIndexHealth } from '../../shared/results/health.js';

export type { ExpectedIndexHealth, IndexHealth, PresentIndexHealth } from '../../shared/results/health.js';

const TABLE = 'BOOKING_PLAN';

export interface IndexHealthOptions {
  /** Lease time the stats and stuck-scan statements are explained with (default 3600 s). */
  leaseSeconds?: number;
  maxAttempts?: number;
}

const expectedIndexes = (): IndexSpec[] => MIGRATIONS.filter((migration) => migration.expects.table === TABLE).flatMap((migration) => migration.expects.indexes ?? []);
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const sameColumns = (a: readonly string[], b: readonly string[]) => a.length === b.length && isLeadingPrefix(a, b);

function judgeExpected(spec: IndexSpec, present: IndexInfo[]): ExpectedIndexHealth {
  const base = { name: spec.name, columns: spec.columns, purpose: spec.purpose };
  const named = present.find((index) => same(index.name, spec.name));
  if (named && isLeadingPrefix(spec.columns, named.columns)) return { ...base, state: 'present', servedBy: named.name, note: null };
  const serving = present.filter((index) => isLeadingPrefix(spec.columns, index.columns));
  // An exact copy is the natural stand-in; otherwise the first by name, as the schema report and migrator choose.
  // The widest serving index: a narrower one may itself be redundant, and dropping it must not look like a loss.
  const servedBy = [...serving].sort((a, b) => b.columns.length - a.columns.length)[0];
  const clash = named ? `an index named ${named.name} exists on (${named.columns.join(', ')}), which does not serve it` : null;
  if (servedBy) return { ...base, state: 'served', servedBy: servedBy.name, note: clash };
  return { ...base, state: 'missing', servedBy: null, note: clash ?? 'run `pool-console migrate up` to create it' };
}

/** The copy to drop of two indexes on the same columns: never a unique one, never the one migrations expect by name. */
function duplicateIn(a: IndexInfo, b: IndexInfo, expectedNames: Set<string>): { index: string; sameAs: string } | null {
  if (a.unique && b.unique) return null;
  if (a.unique !== b.unique) return a.unique ? { index: b.name, sameAs: a.name } : { index: a.name, sameAs: b.name };
  const aExpected = expectedNames.has(a.name.toLowerCase());
  const bExpected = expectedNames.has(b.name.toLowerCase());
  if (aExpected !== bExpected) return aExpected ? { index: b.name, sameAs: a.name } : { index: a.name, sameAs: b.name };
  return a.name.toLowerCase() < b.name.toLowerCase() ? { index: b.name, sameAs: a.name } : { index: a.name, sameAs: b.name };
}

/**
 * Index sizes from InnoDB's persistent statistics (MySQL 8 and MariaDB both keep
 * mysql.innodb_index_stats). A user who may not read it gets sizes of null and a note, not a failure.
 */
async function readSizes(db: Database, pageSize: number): Promise<{ bytes: Map<string, number>; note: string | null }> {
  try {
    const rows = await db.select<{ name: string; pages: number }>(
      'health.index-sizes',
      `SELECT index_name AS name, stat_value AS pages FROM mysql.innodb_index_stats
        WHERE database_name = DATABASE() AND table_name = :table AND stat_name = 'size'`,
      { replacements: { table: TABLE } },
    );
    const bytes = new Map(rows.map((row) => [row.name.toLowerCase(), Number(row.pages) * pageSize]));
    return { bytes, note: rows.length === 0 ? 'InnoDB has no persistent statistics for this table yet (run ANALYZE TABLE).' : null };
  } catch (error) {
    if (error instanceof PoolError && (error.code === 'NO_PRIVILEGE' || error.code === 'NO_TABLE')) {
      return { bytes: new Map(), note: `Index sizes unavailable: ${error.message}` };
    }
    throw error;
  }
}

/**
 * Expected vs present indexes on BOOKING_PLAN, duplicates and redundant prefixes among the pool's
 * indexes, their sizes, and the plan of every hot query. Reads only.
 */
export async function indexHealth(db: Database, options: IndexHealthOptions = {}): Promise<IndexHealth> {
  if (!(await tableExists(db, TABLE))) {
    throw new PoolError('NO_TABLE', `Table ${TABLE} not found in database '${db.profile.database}'. Connect to the booking application's database.`);
  }
  const [clock] = await db.select<{ now: Date; pageSize: number }>('health.clock', 'SELECT UTC_TIMESTAMP() AS now, @@innodb_page_size AS pageSize');
  if (!clock) throw new PoolError('INTERNAL', 'The server returned no clock.');
  const present = await listIndexes(db, TABLE);
  const specs = expectedIndexes();
  const expectedNames = new Set(specs.map((spec) => spec.name.toLowerCase()));
  const expected = specs.map((spec) => judgeExpected(spec, present));

  const isPool = (index: IndexInfo) => index.columns.some((column) => column.toUpperCase().startsWith('POOL_'));
  const pool = present.filter(isPool);
  const duplicates: { index: string; sameAs: string }[] = [];
  for (let i = 0; i < pool.length; i += 1) {
    for (let j = i + 1; j < pool.length; j += 1) {
      const [a, b] = [pool[i] as IndexInfo, pool[j] as IndexInfo];
      const found = sameColumns(a.columns, b.columns) ? duplicateIn(a, b, expectedNames) : null;
      if (found && !duplicates.some((d) => same(d.index, found.index))) duplicates.push(found);
    }
  }
  const redundant = pool
    .filter((index) => !index.unique)
    .map((index) => ({
      index: index.name,
      prefixOf: pool.filter((wider) => wider.columns.length > index.columns.length && isLeadingPrefix(index.columns, wider.columns)).map((wider) => wider.name),
    }))
    .filter((entry) => entry.prefixOf.length > 0);

  const sizes = await readSizes(db, Number(clock.pageSize));
  const presentHealth: PresentIndexHealth[] = present.map((index) => ({
    name: index.name,
    columns: index.columns,
    unique: index.unique,
    pool: isPool(index),
    sizeBytes: sizes.bytes.get(index.name.toLowerCase()) ?? null,
    duplicateOf: duplicates.find((d) => same(d.index, index.name))?.sameAs ?? null,
    prefixOf: redundant.find((r) => same(r.index, index.name))?.prefixOf ?? [],
  }));

  return {
    table: TABLE,
    checkedAt: clock.now,
    expected,
    present: presentHealth,
    missing: expected.filter((e) => e.state === 'missing').map((e) => e.name),
    duplicates,
    redundant,
    sizes: { available: sizes.bytes.size > 0, note: sizes.note },
    queries: await explainAll(db, present, specs, clock.now, options),
  };
}

async function explainAll(db: Database, present: IndexInfo[], specs: IndexSpec[], now: Date, options: IndexHealthOptions): Promise<HotQueryPlan[]> {
  // Explained as the stats run it: with the event counters only where their table exists (0005 applied).
  const eventTotals = await tableExists(db, EVENT_COUNTS_TABLE);
  const columns = await poolColumns(db);
  const queries = hotQueries({ now, leaseSeconds: options.leaseSeconds ?? 3600, maxAttempts: options.maxAttempts, eventTotals, columns });
  const plans: HotQueryPlan[] = [];
  for (const query of queries) {
    // Claims write the lease columns: before migration 0003 they cannot run, so their plan says so.
    const unusable = columns.missingCore.length > 0 ? columns.missingCore : query.name.startsWith('claim.') ? columns.missingLater : [];
    if (unusable.length > 0) {
      // Explaining would only fail on the unknown columns: say what is wrong instead.
      plans.push({
        name: query.name, label: query.label, sql: query.sql, indexUsed: null, indexes: [], accessType: null, rowsExamined: null,
        rowsReturned: query.rowsReturned, filesort: false, temporary: false, verdict: 'bad', explainedWithoutLocking: false, explain: null,
        reason: `not explained: pool columns missing (${unusable.join(', ')}); run \`pool-console migrate up\``,
      });
      continue;
    }
    const wanted = specs.filter((spec) => query.servedBy.includes(spec.name));
    const acceptable = new Set(
      present.filter((index) => wanted.some((spec) => isLeadingPrefix(spec.columns, index.columns))).map((index) => index.name.toLowerCase()),
    );
    const expectation = wanted
      .map((spec) => {
        const state = judgeExpected(spec, present);
        return state.state === 'missing' ? `${spec.name} (missing)` : state.state === 'served' ? `${spec.name} (served by ${state.servedBy})` : spec.name;
      })
      .join(' or ');
    plans.push(await explainHotQuery(db, query, acceptable, expectation));
  }
  return plans;
}
