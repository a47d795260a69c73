import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_MAX_ATTEMPTS } from '../../src/core/pool/database-booking-pool.js';
import { eligibleSql, expiredLeaseSql, failedAtMaxSql, overdueSql } from '../../src/core/pool/conditions.js';
import { ALL_POOL_COLUMNS } from '../../src/core/schema/pool-columns.js';
import { POOL_EVENTS } from '../../src/shared/pool-types.js';
import { privateServer } from '../helpers/database.js';
import { insertBookings, poolDirectly, seedQuietPool } from '../helpers/pool-database.js';

/*
 * `pool-console agent` as ops run it: child processes against a real server of this file's own
 * (the last case freezes it). A quiet pool (nothing moves), so every figure /metrics shows must
 * equal a direct count of the same condition (conditions.ts) at any instant.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/pool-console.mjs');
const GENEROUS = { timeout: 60_000, interval: 200 };
const LEASE_SECONDS = 3600;

const own = privateServer();

interface Agent {
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  metricsUrl: Promise<string>;
  exited: Promise<number | null>;
}

const agents: Agent[] = [];

function startAgent(database: string, args: string[] = ['--interval', '1', '--metrics-port', '0']): Agent {
  const url = `mysql://root@127.0.0.1:${own.server.port}/${database}`;
  const child = spawn(process.execPath, [BIN, 'agent', ...args, '--url', url], { env: { ...process.env, POOL_DATABASE_URL: '', POOL_DATABASE_PASSWORD: '' } });
  let stderr = '';
  child.stdout.resume();
  const metricsUrl = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = /serving Prometheus metrics at (\S+)/.exec(stderr);
      if (found) resolve(found[1]!);
    });
    child.on('close', () => reject(new Error(`the agent exited before serving /metrics: ${stderr}`)));
  });
  metricsUrl.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const agent = { child, stderr: () => stderr, metricsUrl, exited };
  agents.push(agent);
  return agent;
}

afterAll(async () => {
  for (const agent of agents) if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
  await Promise.all(agents.map((agent) => agent.exited));
});

/** `name{labels} value` lines of a Prometheus text exposition, as a map. */
function samples(text: string): Map<string, number> {
  const lines = text.split('\n').filter((line) => line && !line.startsWith('#'));
  return new Map(lines.map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]));
}

async function scrape(url: string): Promise<Map<string, number>> {
  const response = await fetch(url, { signal: AbortSignal.timeout(20_000) });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return samples(await response.text());
}

async function count(where: string): Promise<number> {
  const [[row]] = await own.database.admin.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE ${where}`);
  return Number(row!.n);
}

beforeAll(async () => {
  const { admin } = own.database;
  // 40 waiting entries due in a day, then one group per condition, in every mode and none
  await seedQuietPool(own.database, 40);
  const group = async (n: number, state: Parameters<typeof poolDirectly>[2]) => {
    const ids = await insertBookings(admin, { count: n });
    await poolDirectly(admin, ids, state);
    return ids;
  };
  await group(5, { status: 'ready', deadlineHoursFromNow: 2, mode: 'URGENT' });
  await group(3, { status: 'waiting', deadlineHoursFromNow: -2, mode: 'BALANCE' });
  await group(3, { status: 'processing', deadlineHoursFromNow: 3, mode: 'BALANCE', attempts: 1, claimedBy: 'w-dead', claimedSecondsAgo: 2 * LEASE_SECONDS });
  await group(2, { status: 'processing', deadlineHoursFromNow: 3, mode: 'NORMAL', attempts: 1, claimedBy: 'w-live', claimedSecondsAgo: 60 });
  await group(4, { status: 'failed', deadlineHoursFromNow: -1, mode: 'CUSTOM', attempts: DEFAULT_MAX_ATTEMPTS });
  const noMode = await group(2, { status: 'failed', deadlineHoursFromNow: 5, attempts: 1 });
  await admin.query('UPDATE BOOKING_PLAN SET POOL_MODE = NULL WHERE BOOKING_ID IN (?)', [noMode]);
  // some events counted, as a running pool leaves them
  await admin.query("INSERT INTO POOL_EVENT_COUNTS (EVENT, SHARD, TOTAL) VALUES ('entered', 0, 59), ('claimed', 3, 17), ('failed', 1, 6) ON DUPLICATE KEY UPDATE TOTAL = VALUES(TOTAL)");
});

describe('pool-console agent', () => {
  let first: Agent;
  let second: Agent;

  it('serves /metrics equal to a direct count of the quiet pool', async () => {
    first = startAgent(own.database.name);
    const url = await first.metricsUrl;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    // an exact row (on a busy machine the recorder may estimate between exact counts)
    let figures = new Map<string, number>();
    await vi.waitFor(async () => {
      figures = await scrape(url);
      expect(figures.get('pool_figures_estimated')).toBe(0);
    }, GENEROUS);

    const { admin } = own.database;
    const [groups] = await admin.query<RowDataPacket[]>(
      "SELECT POOL_STATUS AS status, COALESCE(POOL_MODE, 'none') AS mode, COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS IS NOT NULL GROUP BY POOL_STATUS, POOL_MODE",
    );
    const direct = new Map(groups.map((row) => [`pool_entries{status="${String(row.status)}",mode="${String(row.mode)}"}`, Number(row.n)]));
    const shown = new Map([...figures].filter(([name, value]) => name.startsWith('pool_entries{') && value !== 0));
    expect(shown).toEqual(direct);
    expect(direct.size).toBe(7);

    expect(figures.get('pool_eligible')).toBe(await count(eligibleSql()));
    expect(figures.get('pool_overdue')).toBe(await count(overdueSql()));
    expect(figures.get('pool_expired_leases')).toBe(await count(expiredLeaseSql(ALL_POOL_COLUMNS, { seconds: String(LEASE_SECONDS) })));
    expect(figures.get('pool_failed_at_max_attempts')).toBe(await count(failedAtMaxSql(String(DEFAULT_MAX_ATTEMPTS))));
    // the conditions are not trivially zero here
    expect([figures.get('pool_eligible'), figures.get('pool_overdue'), figures.get('pool_expired_leases'), figures.get('pool_failed_at_max_attempts')]).toEqual([8, 7, 3, 4]);

    // the oldest entry's age at the instant of one of this agent's exact samples
    const [ages] = await admin.query<RowDataPacket[]>(
      "SELECT TIMESTAMPDIFF(SECOND, (SELECT MIN(POOL_ENTRY_TIME) FROM BOOKING_PLAN WHERE POOL_STATUS IS NOT NULL), SAMPLE_TIME) AS age FROM POOL_METRICS WHERE RESOLUTION = 10 AND EXACT = 1 AND RECORDER_ID LIKE 'agent %'",
    );
    expect(ages.map((row) => Number(row.age))).toContain(figures.get('pool_oldest_entry_age_seconds'));

    const [events] = await admin.query<RowDataPacket[]>('SELECT EVENT AS event, SUM(TOTAL) AS n FROM POOL_EVENT_COUNTS GROUP BY EVENT');
    const totals = new Map(events.map((row) => [String(row.event), Number(row.n)]));
    for (const event of POOL_EVENTS) expect(figures.get(`pool_events_total{event="${event}"}`), event).toBe(totals.get(event) ?? 0);
    expect(figures.get('pool_events_total{event="entered"}')).toBe(59);

    expect(figures.get('pool_sample_duration_seconds')).toBeGreaterThanOrEqual(0);
    expect(figures.get('pool_recorder_is_leader')).toBe(1);
  });

  it('two agents: exactly one reports being the recorder; the other serves the rows it reads', async () => {
    second = startAgent(own.database.name);
    const [urlA, urlB] = await Promise.all([first.metricsUrl, second.metricsUrl]);
    await vi.waitFor(async () => {
      const b = await scrape(urlB);
      // the follower has read one of the leader's rows: the same counts
      expect(b.get('pool_eligible')).toBe(8);
      expect(b.get('pool_recorder_is_leader')).toBe(0);
    }, GENEROUS);
    const [a, b] = await Promise.all([scrape(urlA), scrape(urlB)]);
    expect([a.get('pool_recorder_is_leader'), b.get('pool_recorder_is_leader')]).toEqual([1, 0]);
    expect(b.get('pool_expired_leases')).toBe(3);
    expect(second.stderr()).toContain('another console or agent is the recorder');
    // only the first agent wrote rows
    const [writers] = await own.database.admin.query<RowDataPacket[]>('SELECT DISTINCT RECORDER_ID AS id FROM POOL_METRICS WHERE RESOLUTION = 10');
    expect(writers).toHaveLength(1);
  });

  it('SIGTERM: the agent gives the lock up and exits 0; the other becomes the recorder', async () => {
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stderr()).toContain('stopping');
    const urlB = await second.metricsUrl;
    await vi.waitFor(async () => expect((await scrape(urlB)).get('pool_recorder_is_leader')).toBe(1), GENEROUS);
    expect(second.stderr()).toContain('this agent is the recorder');
  });

  it('while the database server is frozen, /metrics still answers from memory', async () => {
    const urlB = await second.metricsUrl;
    const pid = Number.parseInt(fs.readFileSync(path.join(own.server.dataDir, 'pid'), 'utf8').trim(), 10);
    process.kill(pid, 'SIGSTOP');
    try {
      // a scrape never queries the database: answered although nothing there answers
      const figures = await scrape(urlB);
      expect(figures.get('pool_eligible')).toBe(8);
      expect(figures.get('pool_entries{status="waiting",mode="NORMAL"}')).toBe(40);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('refuses a database without POOL_METRICS, naming the migration', async () => {
    await own.database.admin.query('CREATE DATABASE agent_unmigrated');
    const agent = startAgent('agent_unmigrated', ['--interval', '1']);
    expect(await agent.exited).toBe(2);
    expect(agent.stderr()).toMatch(/error NO_TABLE: No POOL_METRICS table in 'agent_unmigrated': migration 0006-pool-metrics is pending/);
  });

  it('refuses a read-only profile: it would write rows while it leads', async () => {
    const agent = startAgent(own.database.name, ['--read-only']);
    expect(await agent.exited).toBe(2);
    expect(agent.stderr()).toContain('error NO_PRIVILEGE:');
    expect(agent.stderr()).toContain('writes the pool\'s history (POOL_METRICS)');
  });

  it('refuses bad flags before connecting', async () => {
    const agent = startAgent(own.database.name, ['--interval', '0']);
    expect(await agent.exited).toBe(2);
    expect(agent.stderr()).toContain("Invalid --interval: must be at least 1 (got '0').");
  });
});
