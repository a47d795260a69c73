import { describe, expect, it } from 'vitest';
import { Database } from '../../src/core/db/database.js';
import { hotQueries, judgePlan, readPlan } from '../../src/core/health/hot-queries.js';
import { indexHealth, type IndexHealth } from '../../src/core/health/index-health.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';

const fresh = poolDatabase();
const summary = poolDatabase('summary-indexes');
const hostOrm = poolDatabase('host-orm');

const plan = (health: IndexHealth, name: string) => {
  const found = health.queries.find((query) => query.name === name);
  if (!found) throw new Error(`no plan for ${name}`);
  return found;
};

describe('index health on a freshly migrated table', () => {
  it('finds every expected index and no duplicate or redundant one', async () => {
    const health = await indexHealth(fresh.db);
    expect(health.missing).toEqual([]);
    expect(health.duplicates).toEqual([]);
    expect(health.redundant).toEqual([]);
    const state = Object.fromEntries(health.expected.map((e) => [e.name, [e.state, e.servedBy]]));
    expect(state).toEqual({
      idx_pool_claim: ['present', 'idx_pool_claim'],
      idx_pool_ready: ['served', 'idx_pool_claim'],
      idx_pool_processing: ['present', 'idx_pool_processing'],
      idx_pool_lease: ['present', 'idx_pool_lease'],
      idx_pool_mode: ['present', 'idx_pool_mode'],
      idx_pool_status: ['served', 'idx_pool_claim'],
      idx_pool_entry_time: ['present', 'idx_pool_entry_time'],
      idx_pool_deadline: ['present', 'idx_pool_deadline'],
      idx_pool_owner: ['present', 'idx_pool_owner'],
      idx_pool_room: ['present', 'idx_pool_room'],
    });
    expect(health.checkedAt).toBeInstanceOf(Date);
  });

  it('reads index sizes from InnoDB statistics', async () => {
    const health = await indexHealth(fresh.db);
    expect(health.sizes).toEqual({ available: true, note: null });
    const [[pageSize]] = (await fresh.admin.query('SELECT @@innodb_page_size AS size')) as unknown as [[{ size: number }]];
    for (const index of health.present) {
      expect(index.sizeBytes, index.name).toBeGreaterThan(0);
      expect(Number(index.sizeBytes) % Number(pageSize.size), index.name).toBe(0);
    }
    expect(health.present.find((index) => index.name === 'PRIMARY')).toMatchObject({ unique: true, pool: false });
  });

  it('judges every hot query good', async () => {
    const health = await indexHealth(fresh.db);
    expect(health.queries.map((query) => query.name)).toEqual(['ready.ready', 'ready.due', 'claim.ready', 'claim.due', 'stats', 'stuck', 'failed', 'search.owner', 'search.room']);
    for (const query of health.queries) {
      expect({ name: query.name, verdict: query.verdict, reason: query.reason }).toMatchObject({ verdict: 'good' });
      expect(query.indexUsed, query.name).not.toBeNull();
      expect(query.rowsExamined, query.name).not.toBeNull();
    }
    // The pool is empty: the ready page is still read in index order.
    expect(plan(health, 'ready.due')).toMatchObject({ indexUsed: 'idx_pool_claim', filesort: false });
  });
});

describe('index health on hosts that brought their own indexes', () => {
  it("reports the summary's redundant indexes by name", async () => {
    const health = await indexHealth(summary.db);
    expect(health.missing).toEqual([]);
    const redundant = Object.fromEntries(health.redundant.map((r) => [r.index, [...r.prefixOf].sort()]));
    expect(redundant).toEqual({
      idx_pool_status: ['idx_pool_claim', 'idx_pool_lease', 'idx_pool_processing', 'idx_pool_ready'],
      idx_pool_ready: ['idx_pool_claim'],
    });
    expect(health.expected.find((e) => e.name === 'idx_pool_ready')).toMatchObject({ state: 'present', servedBy: 'idx_pool_ready' });
    expect(health.present.find((index) => index.name === 'idx_pool_ready')?.prefixOf).toEqual(['idx_pool_claim']);
  });

  it('reports a duplicate by name, keeping the expected index', async () => {
    await summary.admin.query('ALTER TABLE BOOKING_PLAN ADD INDEX lease_copy (POOL_STATUS, POOL_CLAIMED_AT)');
    const health = await indexHealth(summary.db);
    expect(health.duplicates).toEqual([{ index: 'lease_copy', sameAs: 'idx_pool_lease' }]);
    expect(health.present.find((index) => index.name === 'lease_copy')).toMatchObject({ duplicateOf: 'idx_pool_lease', pool: true });
    expect(health.present.find((index) => index.name === 'idx_pool_lease')?.duplicateOf).toBeNull();
  });

  it("reports the host ORM's copies by name and what serves the expected indexes", async () => {
    const health = await indexHealth(hostOrm.db);
    expect(health.missing).toEqual([]);
    const redundant = Object.fromEntries(health.redundant.map((r) => [r.index, [...r.prefixOf].sort()]));
    expect(redundant.BOOKING_PLAN_POOL_STATUS_POOL_DEADLINE_TIME_idx).toEqual(['idx_pool_claim']);
    expect(redundant.BOOKING_PLAN_POOL_STATUS_idx).toEqual(
      expect.arrayContaining(['BOOKING_PLAN_POOL_STATUS_POOL_DEADLINE_TIME_idx', 'idx_pool_claim', 'idx_pool_lease', 'idx_pool_processing']),
    );
    expect(health.expected.find((e) => e.name === 'idx_pool_deadline')).toMatchObject({ state: 'served', servedBy: 'BOOKING_PLAN_POOL_DEADLINE_TIME_idx' });
    // Served by the widest index that covers it, not by the ORM copy the same report calls redundant.
    expect(health.expected.find((e) => e.name === 'idx_pool_ready')).toMatchObject({ state: 'served', servedBy: 'idx_pool_claim' });
    expect(health.redundant.map((r) => r.index)).not.toContain('BOOKING_PLAN_POOL_DEADLINE_TIME_idx');
  });
});

describe('index health after an index is dropped', () => {
  it('reports it missing and the hot queries it served degrade', async () => {
    const ids = await insertBookings(fresh.admin, { count: 4000 });
    await poolDirectly(fresh.admin, ids.filter((_, i) => i % 4 === 0), { status: 'waiting', deadlineHoursFromNow: -2 });
    await poolDirectly(fresh.admin, ids.filter((_, i) => i % 4 === 1), { status: 'ready', deadlineHoursFromNow: 5 });
    await poolDirectly(fresh.admin, ids.filter((_, i) => i % 4 === 2), { status: 'processing', claimedBy: 'w', claimedSecondsAgo: 60 });
    await fresh.admin.query('ANALYZE TABLE BOOKING_PLAN');
    expect(plan(await indexHealth(fresh.db), 'stuck').verdict).toBe('good');

    await fresh.admin.query('ALTER TABLE BOOKING_PLAN DROP INDEX idx_pool_lease');
    let health = await indexHealth(fresh.db);
    expect(health.missing).toEqual(['idx_pool_lease']);
    expect(health.expected.find((e) => e.name === 'idx_pool_lease')).toMatchObject({ state: 'missing', servedBy: null });
    expect(plan(health, 'stuck').verdict).not.toBe('good');
    expect(plan(health, 'stuck').reason).toContain('idx_pool_lease (missing)');
    expect(plan(health, 'ready.due').verdict).toBe('good');

    await fresh.admin.query('ALTER TABLE BOOKING_PLAN DROP INDEX idx_pool_claim');
    health = await indexHealth(fresh.db);
    expect(health.missing).toEqual(['idx_pool_claim', 'idx_pool_ready', 'idx_pool_lease']);
    for (const name of ['ready.ready', 'ready.due', 'claim.ready', 'claim.due']) {
      expect(plan(health, name).verdict, name).toBe('bad');
      expect(plan(health, name).reason, name).toContain('idx_pool_claim (missing)');
    }
    expect(plan(health, 'ready.due').filesort).toBe(true);
  });
});

describe('reading plans of either server', () => {
  const [readyPage] = hotQueries({ now: new Date(), leaseSeconds: 3600 });
  const claimIndex = new Set(['idx_pool_claim']);

  it('reads a MySQL 8 plan: ordering_operation, rows_examined_per_scan', () => {
    const sorted = readPlan({
      query_block: {
        select_id: 1,
        cost_info: { query_cost: '4512.35' },
        ordering_operation: {
          using_filesort: true,
          table: {
            table_name: 'BOOKING_PLAN', access_type: 'ref', possible_keys: ['idx_pool_processing'], key: 'idx_pool_processing',
            used_key_parts: ['POOL_STATUS'], key_length: '2', ref: ['const'], rows_examined_per_scan: 10012, rows_produced_per_join: 10012, filtered: '100.00',
          },
        },
      },
    });
    expect(sorted).toEqual({ tables: [{ table: 'BOOKING_PLAN', accessType: 'ref', key: 'idx_pool_processing', rows: 10012 }], filesort: true, temporary: false, messages: [] });
    expect(judgePlan(readyPage!, sorted, claimIndex, 'idx_pool_claim').verdict).toBe('bad');

    const served = readPlan({
      query_block: { select_id: 1, ordering_operation: { using_filesort: false, table: { table_name: 'BOOKING_PLAN', access_type: 'range', key: 'idx_pool_claim', rows_examined_per_scan: 5000 } } },
    });
    expect(served.filesort).toBe(false);
    expect(judgePlan(readyPage!, served, claimIndex, 'idx_pool_claim')).toMatchObject({ verdict: 'good' });
  });

  it("does not count MySQL's derived-table materialisation as a base-table read or a temporary table", () => {
    const facts = readPlan({
      query_block: {
        select_id: 1,
        nested_loop: [
          { table: { table_name: 'c', access_type: 'system', rows_examined_per_scan: 1, materialized_from_subquery: { using_temporary_table: true, query_block: { select_id: 2, message: 'No tables used' } } } },
          {
            table: {
              table_name: 'a', access_type: 'ALL', rows_examined_per_scan: 2,
              materialized_from_subquery: { using_temporary_table: true, query_block: { select_id: 3, table: { table_name: 'BOOKING_PLAN', access_type: 'range', key: 'idx_pool_claim', rows_examined_per_scan: 20000 } } },
            },
          },
        ],
      },
    });
    expect(facts.tables).toEqual([{ table: 'BOOKING_PLAN', accessType: 'range', key: 'idx_pool_claim', rows: 20000 }]);
    expect(facts.temporary).toBe(false);
    expect(readPlan({ query_block: { grouping_operation: { using_temporary_table: true, using_filesort: true, table: { table_name: 'BOOKING_PLAN', access_type: 'index', key: 'idx_pool_mode' } } } })).toMatchObject({ temporary: true, filesort: true });
  });

  it('reads a MariaDB plan: nested_loop, read_sorted_file, and full scans', () => {
    const facts = readPlan({
      query_block: {
        select_id: 1,
        nested_loop: [{ read_sorted_file: { filesort: { sort_key: 'BOOKING_PLAN.POOL_DEADLINE_TIME', table: { table_name: 'BOOKING_PLAN', access_type: 'ALL', rows: 200000 } } } }],
      },
    });
    expect(facts).toMatchObject({ filesort: true, tables: [{ accessType: 'ALL', key: null, rows: 200000 }] });
    const verdict = judgePlan(readyPage!, facts, claimIndex, 'idx_pool_claim');
    expect(verdict.verdict).toBe('bad');
    expect(verdict.reason).toMatch(/full scan.*200000/);
  });
});

describe('index health for a read-only user', () => {
  it('reports sizes as unavailable with a note, and still explains every hot query for a SELECT-only user', async () => {
    const user = `ro_${summary.name.slice(2, 12)}`;
    await summary.admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'ro-pass'`);
    try {
      await summary.admin.query(`GRANT SELECT ON \`${summary.name}\`.* TO '${user}'@'%'`);
      const readOnly = new Database({ ...summary.profile, user, password: 'ro-pass' });
      try {
        const health = await indexHealth(readOnly);
        expect(health.sizes.available).toBe(false);
        expect(health.sizes.note).toMatch(/^Index sizes unavailable: .*lacks a privilege/);
        expect(health.present.every((index) => index.sizeBytes === null)).toBe(true);
        // The redundancy findings do not depend on the privilege.
        expect(health.redundant.map((r) => r.index)).toContain('idx_pool_status');
        // Every hot query is a SELECT (the stuck scan reads ids, then updates by key), so a
        // read-only account can check all the plans.
        expect(plan(health, 'stuck').explain).not.toBeNull();
        expect(plan(health, 'stuck').indexUsed).toBe('idx_pool_lease');
        expect(plan(health, 'ready.due').verdict).toBe('good');
      } finally {
        await readOnly.close();
      }
    } finally {
      await summary.admin.query(`DROP USER '${user}'@'%'`);
    }
  });
});
