import { PoolError } from '../../shared/errors.js';
import type { Database } from '../db/database.js';
import { DEFAULT_MAX_ATTEMPTS, CLAIM_HALVES, claimLockSql, ENTRIES_BASE_WHERE, entriesPageSql, READY_HALVES, readyPageSql, runningEntriesStatements, stuckIdsSql } from '../pool/database-booking-pool.js';
import { entryFilterSchema, type EntryFilter } from '../../shared/results/pool.js';
import { ALL_POOL_COLUMNS, type PoolColumns } from '../schema/pool-columns.js';
import { BATCH_SIZE } from '../pool/batches.js';
import { EVENT_COUNTS_TABLE } from '../pool/event-counts.js';
import { statsSql } from '../pool/pool-stats.js';
import type { HotQuery, HotQueryPlan, PlanFacts, Verdict } from '../../shared/results/health.js';

export type { HotQuery, HotQueryPlan, PlanFacts, PlanTable, Verdict } from '../../shared/results/health.js';

/** Full scans of tables smaller than this are the optimizer's sensible choice, not a missing index. */
const SMALL_TABLE_ROWS = 1000;
const LOCKING_CLAUSE = 'FOR UPDATE SKIP LOCKED';
const ACCESS_RANK: Record<string, number> = { system: 0, const: 0, eq_ref: 1, ref: 1, ref_or_null: 2, range: 2, index_merge: 3, index: 4, ALL: 5 };

/**
 * The hot queries with the replacements a typical call uses. `now` is the database's clock (the
 * claim compares against the time its transaction read). `eventTotals` (default true): whether
 * the stats statement reads the event counters, as it does when their table exists.
 */
export function hotQueries(options: { now: Date; leaseSeconds: number; maxAttempts?: number; pageSize?: number; eventTotals?: boolean; columns?: PoolColumns }): HotQuery[] {
  const eventTotals = options.eventTotals ?? true;
  // Explained as they run on this schema: before migration 0003, without the columns it lacks.
  const columns = options.columns ?? ALL_POOL_COLUMNS;
  const limit = options.pageSize ?? 100;
  const [readyHalf, dueHalf] = READY_HALVES;
  const [claimReady, claimDue] = CLAIM_HALVES;
  const claimSelect = (half: string) => {
    const sql = claimLockSql(half, false, columns);
    return { sql, lockingClause: sql.trimEnd().endsWith(LOCKING_CLAUSE) ? LOCKING_CLAUSE : undefined };
  };
  return [
    { name: 'ready.ready', label: "ready page: status 'ready'", sql: readyPageSql(readyHalf, false, columns), replacements: { limit }, rowsReturned: limit, ordered: true, servedBy: ['idx_pool_claim'] },
    { name: 'ready.due', label: "ready page: 'waiting' past deadline", sql: readyPageSql(dueHalf, false, columns), replacements: { limit }, rowsReturned: limit, ordered: true, servedBy: ['idx_pool_claim'] },
    { name: 'claim.ready', label: "claim lock: status 'ready'", ...claimSelect(claimReady), replacements: { limit, now: options.now }, rowsReturned: limit, ordered: true, servedBy: ['idx_pool_claim'] },
    { name: 'claim.due', label: "claim lock: 'waiting' past deadline", ...claimSelect(claimDue), replacements: { limit, now: options.now }, rowsReturned: limit, ordered: true, servedBy: ['idx_pool_claim'] },
    {
      name: 'stats',
      label: 'stats snapshot',
      sql: statsSql(eventTotals, columns),
      replacements: { leaseSeconds: options.leaseSeconds, maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS },
      rowsReturned: 1,
      ordered: false,
      // Counts by status, lease and mode: any index leading with those columns serves its parts.
      servedBy: ['idx_pool_claim', 'idx_pool_processing', 'idx_pool_lease', 'idx_pool_mode', 'idx_pool_ready', 'idx_pool_status'],
      ...(eventTotals ? { readsWhole: [{ table: EVENT_COUNTS_TABLE, key: 'PRIMARY' }] } : {}),
    },
    { name: 'stuck', label: 'stuck-lease scan (reset batch)', sql: stuckIdsSql(columns), replacements: { olderThanSeconds: options.leaseSeconds, batch: BATCH_SIZE }, rowsReturned: BATCH_SIZE, ordered: false, servedBy: ['idx_pool_lease'] },
    {
      name: 'failed',
      label: 'failed list (first page)',
      // getFailedEntries is getAllPoolEntries with this status filter; it reads one row more to know whether a next page exists.
      sql: entriesPageSql([...ENTRIES_BASE_WHERE, 'POOL_STATUS = :status'], columns),
      replacements: { status: 'failed', limit: limit + 1 },
      rowsReturned: limit + 1,
      ordered: true,
      servedBy: ['idx_pool_processing'],
    },
    // The Entries search by owner and by room, as getAllPoolEntries runs them (first page, entry order).
    searchQuery('search.owner', 'entries search by owner (first page)', { ownerEmpCode: 'E1000' }, 'idx_pool_owner', limit, columns),
    searchQuery('search.room', 'entries search by room (first page)', { room: 'Room 1' }, 'idx_pool_room', limit, columns),
  ];
}

function searchQuery(name: string, label: string, filter: EntryFilter, index: string, limit: number, columns: PoolColumns): HotQuery {
  const { page } = runningEntriesStatements(entryFilterSchema.parse({ ...filter, limit }), columns);
  return { name, label, sql: page.sql, replacements: page.replacements, rowsReturned: limit + 1, ordered: true, servedBy: [index] };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Walks an `EXPLAIN FORMAT=JSON` document of MySQL 8 or MariaDB. Both name each table read with
 * `table_name` and `access_type`; MariaDB marks sorts with `filesort`/`read_sorted_file` nodes and
 * temporary tables with `temporary_table`, MySQL with `using_filesort`/`using_temporary_table`
 * flags. Derived tables (MariaDB `<derivedN>` + `materialized`, MySQL `materialized_from_subquery`)
 * are the statement's own small results, not reads of a base table, and their materialisation is
 * not a temporary table for sorting or grouping.
 */
export function readPlan(document: unknown): PlanFacts {
  const facts: PlanFacts = { tables: [], filesort: false, temporary: false, messages: [] };
  const visit = (node: unknown, isMaterialization: boolean): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, false);
      return;
    }
    if (!isObject(node)) return;
    if (typeof node.table_name === 'string' && typeof node.access_type === 'string') {
      const derived = node.table_name.startsWith('<') || 'materialized' in node || 'materialized_from_subquery' in node;
      if (!derived) {
        const rows = node.rows_examined_per_scan ?? node.rows;
        facts.tables.push({
          table: node.table_name,
          accessType: node.access_type,
          key: typeof node.key === 'string' ? node.key : null,
          rows: rows === undefined || rows === null || Number.isNaN(Number(rows)) ? null : Number(rows),
        });
      }
    }
    if (typeof node.message === 'string') facts.messages.push(node.message);
    for (const [key, value] of Object.entries(node)) {
      if (key === 'filesort' || key === 'read_sorted_file' || (key === 'using_filesort' && value === true)) facts.filesort = true;
      if (key === 'temporary_table') facts.temporary = true;
      // MySQL flags a derived table's materialisation as a temporary table too: that one is expected.
      if (key === 'using_temporary_table' && value === true && !isMaterialization) facts.temporary = true;
      visit(value, key === 'materialized_from_subquery');
    }
  };
  visit(document, false);
  return facts;
}

/**
 * How a plan measures up for its query; `acceptable` are the present indexes that should serve it,
 * `expectation` names them for the reason. A read the optimizer expects to stay within the rows the
 * query returns is cheap whatever its plan (a small or empty pool, where any index will do), so a
 * sort or another index counts against it only beyond that; a missing expected index always does.
 */
export function judgePlan(query: HotQuery, plan: PlanFacts, acceptable: ReadonlySet<string>, expectation: string): { verdict: Verdict; reason: string } {
  const bad: string[] = [];
  const warn: string[] = [];
  const notes: string[] = [];
  // The fixed-size tables it reads whole through their key are not judged (read without the key, they are).
  const whole = (read: PlanFacts['tables'][number]) =>
    (query.readsWhole ?? []).some((spec) => spec.table.toLowerCase() === read.table.toLowerCase() && spec.key.toLowerCase() === read.key?.toLowerCase());
  const facts: PlanFacts = { ...plan, tables: plan.tables.filter((read) => !whole(read)) };
  if (facts.tables.length === 0) {
    return facts.messages.length > 0
      ? { verdict: 'good', reason: `the optimizer reads no rows: ${facts.messages.join('; ')}` }
      : { verdict: 'warn', reason: 'the plan names no table read; cannot tell which index serves it' };
  }
  if (acceptable.size === 0) warn.push(`no index serves it: expected ${expectation}`);
  const estimate = facts.tables.every((read) => read.rows !== null) ? facts.tables.reduce((sum, read) => sum + (read.rows ?? 0), 0) : null;
  const withinResult = estimate !== null && estimate <= query.rowsReturned;
  for (const read of facts.tables) {
    const size = read.rows === null ? '' : ` (≈${read.rows} rows)`;
    if (read.accessType === 'ALL' || read.key === null) {
      if (read.rows !== null && read.rows < SMALL_TABLE_ROWS) warn.push(`full scan of ${read.table}${size}: the optimizer prefers it on a table this small; recheck on a larger one`);
      else bad.push(`full scan of ${read.table}${size}: no index used`);
      continue;
    }
    if (read.accessType === 'index') warn.push(`reads all of index ${read.key}${size}`);
    if (acceptable.size > 0 && !acceptable.has(read.key.toLowerCase())) {
      (withinResult ? notes : warn).push(`uses ${read.key}, not ${expectation}`);
    }
  }
  if (facts.filesort) {
    if (withinResult) notes.push('sorts (filesort)');
    else if (query.ordered) bad.push('sorts every matching row (filesort) instead of reading the page in index order');
    else warn.push('sorts (filesort)');
  }
  if (facts.temporary) warn.push('builds a temporary table');
  if (bad.length > 0) return { verdict: 'bad', reason: [...bad, ...warn].join('; ') };
  if (warn.length > 0) return { verdict: 'warn', reason: warn.join('; ') };
  const keys = [...new Set(facts.tables.map((read) => read.key))].join(', ');
  if (notes.length > 0) {
    return { verdict: 'good', reason: `served by ${keys}; ${notes.join('; ')}, cheap at ≈${estimate} rows: this plan says little about a larger pool` };
  }
  const stops = query.ordered ? `, no sort: reading stops after ${query.rowsReturned} rows` : '';
  return { verdict: 'good', reason: `served by ${keys}${stops}` };
}

async function explainJson(db: Database, query: HotQuery, sql: string): Promise<unknown> {
  const [row] = await db.select<Record<string, unknown>>(`health.explain.${query.name}`, `EXPLAIN FORMAT=JSON ${sql}`, { replacements: query.replacements });
  const text = row ? Object.values(row)[0] : undefined;
  if (typeof text !== 'string') throw new PoolError('INTERNAL', `EXPLAIN of the ${query.label} returned no JSON plan.`);
  return JSON.parse(text);
}

/**
 * EXPLAINs one hot query. A locking read the server will not EXPLAIN (older servers without SKIP
 * LOCKED, or a user without the UPDATE privilege FOR UPDATE needs) is explained without the clause:
 * the access path is the same. A user who may not EXPLAIN a statement at all gets a `warn` saying
 * so; any other failure (the server down, …) is thrown.
 */
export async function explainHotQuery(
  db: Database,
  query: HotQuery,
  acceptable: ReadonlySet<string>,
  expectation: string,
): Promise<HotQueryPlan> {
  let explain: unknown;
  let explainedWithoutLocking = false;
  try {
    try {
      explain = await explainJson(db, query, query.sql);
    } catch (error) {
      const refusable = error instanceof PoolError && (error.code === 'INTERNAL' || error.code === 'NO_PRIVILEGE');
      if (!query.lockingClause || !refusable) throw error;
      const plain = query.sql.trimEnd().slice(0, -query.lockingClause.length);
      explain = await explainJson(db, query, plain);
      explainedWithoutLocking = true;
    }
  } catch (error) {
    if (!(error instanceof PoolError) || error.code !== 'NO_PRIVILEGE') throw error;
    return {
      name: query.name, label: query.label, sql: query.sql, indexUsed: null, indexes: [], accessType: null, rowsExamined: null,
      rowsReturned: query.rowsReturned, filesort: false, temporary: false, verdict: 'warn',
      reason: `not explained: ${error.message}`, explainedWithoutLocking, explain: null,
    };
  }
  const facts = readPlan(explain);
  const { verdict, reason } = judgePlan(query, facts, acceptable, expectation);
  const keys = facts.tables.map((read) => read.key).filter((key): key is string => key !== null);
  const worst = facts.tables.reduce<string | null>((acc, read) => (acc === null || (ACCESS_RANK[read.accessType] ?? 5) > (ACCESS_RANK[acc] ?? 5) ? read.accessType : acc), null);
  const rows = facts.tables.every((read) => read.rows !== null) && facts.tables.length > 0 ? facts.tables.reduce((sum, read) => sum + (read.rows ?? 0), 0) : null;
  return {
    name: query.name,
    label: query.label,
    sql: query.sql,
    indexUsed: facts.tables[0]?.key ?? null,
    indexes: [...new Set(keys)],
    accessType: worst,
    rowsExamined: rows,
    rowsReturned: query.rowsReturned,
    filesort: facts.filesort,
    temporary: facts.temporary,
    verdict,
    reason: explainedWithoutLocking ? `${reason} (explained without ${query.lockingClause}: the server refused it)` : reason,
    explainedWithoutLocking,
    explain,
  };
}
