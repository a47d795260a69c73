import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConsoleService } from '../../src/core/console/console-service.js';
import { NO_SECRET_BOX, ProfileStore } from '../../src/core/console/profile-store.js';
import { Database } from '../../src/core/db/database.js';
import { MemoryLog } from '../../src/server/memory-log.js';
import type { ConnectionProfile, SavedProfile } from '../../src/shared/profile.js';
import type { SystemStatus } from '../../src/shared/results/health.js';
import type { HistoryResult } from '../../src/shared/results/metrics.js';
import type { EntryPage, PoolStats } from '../../src/shared/results/pool.js';
import type { Reply } from '../../src/shared/wire.js';
import { insertBookings, poolDirectly, seedQuietPool } from '../helpers/pool-database.js';
import { replicaPair, type ReplicaPair } from '../helpers/replica-pair.js';
import { runCli } from '../helpers/run-cli.js';
import { savedFor } from '../helpers/serve-fixture.js';
import { makeTempDir } from '../helpers/temp-dirs.js';

/*
 * Issue 13, item 1 and the replica part of item 4: a real primary and a real replica (binary log,
 * GTID) on loopback. Reads on a profile with a replica go to it while it keeps up and fall back to
 * the primary, saying why, when it lags past the threshold, its SQL thread stops, or it dies;
 * writes and claims stay on the primary. Every wait polls with a generous deadline (busy machines).
 */
const replica = replicaPair();
const pair = new Proxy({} as ReplicaPair, { get: (_target, key) => replica.pair[key as keyof ReplicaPair] });
const DATABASE = 'booking_repl';
const POOLED = 20;
const GENEROUS = { timeout: 30_000, interval: 100 };

let primary: ConnectionProfile;
const services: ConsoleService[] = [];
/** Temp folders of the consoles' profiles, removed in afterAll. */
const folders: string[] = [];
const folder = async () => {
  const dir = await makeTempDir();
  folders.push(dir);
  return dir;
};

beforeAll(async () => {
  const admin = await pair.connect('primary');
  await admin.query(`CREATE DATABASE ${DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  primary = pair.profile(DATABASE);
  const dbAdmin = await pair.connect('primary', DATABASE);
  try {
    await seedQuietPool({ name: DATABASE, profile: primary, admin: dbAdmin }, POOLED);
    // an application user: no SUPER, no SLAVE MONITOR; the replica's read_only refuses its writes
    await dbAdmin.query(`CREATE USER 'pool_app'@'127.0.0.1' IDENTIFIED BY 'app'; GRANT ALL ON ${DATABASE}.* TO 'pool_app'@'127.0.0.1'`);
    await dbAdmin.query('CREATE TABLE REPL_PROBE (ID INT PRIMARY KEY)');
  } finally {
    await dbAdmin.end();
  }
  await pair.caughtUp();
}, 120_000);

afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.session.disconnect()));
});

afterAll(async () => {
  await Promise.all(services.map((service) => service.session.disconnect()));
  await Promise.all(folders.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

async function consoleWith(replica: { maxLagSeconds?: number } | null, options: { user?: 'root' | 'pool_app'; record?: boolean } = {}): Promise<ConsoleService> {
  const dir = await folder();
  const service = new ConsoleService({
    profiles: new ProfileStore(`${dir}/profiles.json`, NO_SECRET_BOX),
    sandbox: null,
    info: { version: 'test', shell: 'serve', platform: process.platform, node: process.version, dataDir: dir },
    logs: new MemoryLog(),
    actor: 'replica-test',
    record: options.record ?? false,
    env: { POOL_RECORDER_INTERVAL_MS: '500' },
  });
  services.push(service);
  const profile = options.user === 'pool_app' ? { ...primary, user: 'pool_app', password: 'app' } : primary;
  const saved: SavedProfile = savedFor('repl', profile, replica ? { replica: { ...pair.replicaAddress(), maxLagSeconds: replica.maxLagSeconds ?? 30 } } : {});
  await service.session.connect(saved, profile);
  return service;
}

function result<T>(reply: Reply<unknown>): T {
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

const stats = async (service: ConsoleService) => result<PoolStats>(await service.dispatch('pool.stats', {}));
const entries = async (service: ConsoleService) => result<EntryPage>(await service.dispatch('entries.list', { limit: 5 }));
const history = async (service: ConsoleService) => result<HistoryResult>(await service.dispatch('history.read', { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) }));
const status = async (service: ConsoleService) => result<SystemStatus>(await service.dispatch('system.status', {}));

/** Pools `count` more bookings on the primary (waiting, or ready to claim); returns their ids. */
async function poolMore(count: number, state: 'waiting' | 'ready' = 'waiting'): Promise<number[]> {
  const admin = await pair.connect('primary', DATABASE);
  try {
    const ids = await insertBookings(admin, { count });
    await poolDirectly(admin, ids, { status: state, deadlineHoursFromNow: 24 });
    return ids;
  } finally {
    await admin.end();
  }
}

async function primaryCount(): Promise<number> {
  const db = new Database(primary);
  try {
    const [row] = await db.select<{ n: number }>('test.count', 'SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS IS NOT NULL');
    return Number(row?.n);
  } finally {
    await db.close();
  }
}

describe('reads on a profile with a read replica', () => {
  it('without a replica, results carry no source', async () => {
    const service = await consoleWith(null);
    expect((await stats(service)).source).toBeUndefined();
  });

  it('stats, entry lists and history come from the replica, with its lag, while it keeps up', async () => {
    const service = await consoleWith({ maxLagSeconds: 30 });
    for (const read of [stats, entries, history]) {
      const { source } = await read(service);
      expect(source?.server).toBe('replica');
      expect(source?.lagSeconds).toBeTypeOf('number');
      expect(source?.fallbackReason).toBeUndefined();
    }
    expect((await stats(service)).inPool).toBe(await primaryCount());
    // the live stream's figures too (the newest history row, or a direct count without one)
    expect((await service.session.require().figures.read()).stats.source?.server).toBe('replica');
  });

  it('a delayed replica serves the old figure, shows its growing lag, and past the threshold the primary serves the new one', async () => {
    await pair.onReplica('STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 600; START SLAVE');
    try {
      const patient = await consoleWith({ maxLagSeconds: 3600 });
      const strict = await consoleWith({ maxLagSeconds: 2 });
      const before = (await stats(patient)).inPool;
      await poolMore(5);
      const now = await primaryCount();
      expect(now).toBe(before + 5);

      // the replica has the write but holds it back: its figure is the old one, and it says how far behind it is
      await vi.waitFor(async () => {
        const read = await stats(patient);
        expect(read.source?.server).toBe('replica');
        expect(read.source?.lagSeconds).toBeGreaterThanOrEqual(1);
        expect(read.inPool).toBe(before);
      }, GENEROUS);

      // past 2 s the strict profile reads the primary and says why
      await vi.waitFor(async () => {
        const read = await stats(strict);
        expect(read.source?.server).toBe('primary');
        expect(read.source?.fallbackReason).toMatch(/^replica \d+ s behind \(threshold 2 s\)$/);
        expect(read.inPool).toBe(now);
      }, GENEROUS);
      const page = await entries(strict);
      expect(page.source?.server).toBe('primary');
      expect(page.total.count).toBe(now);

      const health = await status(strict);
      expect(health.findings.find((finding) => finding.code === 'replica-lag')?.message).toMatch(/is \d+ s behind the primary \(threshold 2 s\)/);
      expect(health.state).not.toBe('healthy');
    } finally {
      await pair.onReplica('STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 0; START SLAVE');
      await pair.caughtUp();
    }
  });

  it('a stopped SQL thread sends reads to the primary and degrades the health; they return once it runs', async () => {
    const service = await consoleWith({ maxLagSeconds: 30 });
    await pair.onReplica('STOP SLAVE SQL_THREAD');
    try {
      await vi.waitFor(async () => {
        const read = await stats(service);
        expect(read.source).toMatchObject({ server: 'primary', fallbackReason: "the replica's SQL thread is stopped" });
      }, GENEROUS);
      expect((await history(service)).source?.server).toBe('primary');
      const findings = (await status(service)).findings.filter((finding) => finding.code.startsWith('replica-'));
      expect(findings.map((finding) => finding.code)).toEqual(['replica-stopped']);
      expect(findings[0]?.items).toEqual(['SQL']);
      const report = service.session.replicaReport();
      expect(report?.threads).toMatchObject({ ioRunning: true, sqlRunning: false, lagSeconds: null });
    } finally {
      await pair.onReplica('START SLAVE SQL_THREAD');
    }
    await vi.waitFor(async () => expect((await stats(service)).source?.server).toBe('replica'), GENEROUS);
    expect((await status(service)).findings.filter((finding) => finding.code.startsWith('replica-'))).toEqual([]);
  });

  it('a replication error is reported with its text (health and doctor), and reads go to the primary', async () => {
    const service = await consoleWith({ maxLagSeconds: 30 });
    // a row only the replica has (root may write despite read_only), then the same key on the primary
    await pair.onReplica(`INSERT INTO ${DATABASE}.REPL_PROBE VALUES (1)`);
    await pair.primaryAdmin.query(`INSERT INTO ${DATABASE}.REPL_PROBE VALUES (1)`);
    try {
      await vi.waitFor(async () => expect((await stats(service)).source?.fallbackReason).toMatch(/SQL thread is stopped \(SQL thread: .*Duplicate entry/), GENEROUS);
      const findings = (await status(service)).findings;
      expect(findings.find((finding) => finding.code === 'replica-error')?.message).toMatch(/last replication error: SQL thread: .*Duplicate entry '1'/);

      const home = await folder();
      await new ProfileStore(`${home}/profiles.json`, NO_SECRET_BOX).save(savedFor('repl', primary, { replica: { ...pair.replicaAddress(), maxLagSeconds: 30 } }), '');
      const doctor = await runCli(primary, ['doctor', '--profile', 'repl'], { url: null, env: { POOL_CONSOLE_HOME: home } });
      expect(doctor.stderr).toBe('');
      expect(doctor.stdout).toContain(`read replica 127.0.0.1:${pair.replica.port} (answers)`);
      expect(doctor.stdout).toMatch(/IO thread {3}running/);
      expect(doctor.stdout).toMatch(/SQL thread {2}STOPPED/);
      expect(doctor.stdout).toMatch(/last error {2}.*Duplicate entry '1'/);
      expect(doctor.stdout).toMatch(/reads {7}from the primary: the replica's SQL thread is stopped/);
      const json = await runCli(primary, ['doctor', '--profile', 'repl', '--json'], { url: null, env: { POOL_CONSOLE_HOME: home } });
      const parsed = JSON.parse(json.stdout) as { replica: { threads: { sqlRunning: boolean } }; replicaFindings: { code: string }[] };
      expect(parsed.replica.threads.sqlRunning).toBe(false);
      expect(parsed.replicaFindings.map((finding) => finding.code)).toEqual(['replica-stopped', 'replica-error']);
    } finally {
      await pair.onReplica(`DELETE FROM ${DATABASE}.REPL_PROBE; START SLAVE SQL_THREAD`);
      await pair.caughtUp();
    }
    await vi.waitFor(async () => expect((await stats(service)).source?.server).toBe('replica'), GENEROUS);
  });

  it('a killed replica: the next read is served by the primary; back on the replica once it runs again', async () => {
    const service = await consoleWith({ maxLagSeconds: 30 });
    expect((await stats(service)).source?.server).toBe('replica');
    await pair.replica.kill();
    try {
      // no wait: a read the dead replica cannot serve runs on the primary at once
      for (const read of [stats, entries, history]) {
        const { source } = await read(service);
        expect(source?.server).toBe('primary');
        expect(source?.fallbackReason).toMatch(/^the replica (does not answer|failed to answer): /);
      }
      const findings = (await status(service)).findings;
      expect(findings.find((finding) => finding.code === 'replica-unreachable')?.message).toMatch(/does not answer/);
      expect(findings.every((finding) => finding.severity === 'degraded')).toBe(true);
    } finally {
      await pair.replica.start();
    }
    await pair.caughtUp();
    await vi.waitFor(async () => expect((await stats(service)).source?.server).toBe('replica'), GENEROUS);
  });

  it('a replica down at connect does not stop the connection: reads use the primary and say why', async () => {
    await pair.replica.stop();
    try {
      const service = await consoleWith({ maxLagSeconds: 30 });
      const read = await stats(service);
      expect(read.source?.server).toBe('primary');
      expect(read.source?.fallbackReason).toMatch(/^the replica does not answer: /);
      expect(read.inPool).toBe(await primaryCount());
    } finally {
      await pair.replica.start();
    }
    await pair.caughtUp();
  });
});

describe('writes, claims and a user without the replication privilege', () => {
  it('writes and claims go to the primary (the read_only replica would refuse them)', async () => {
    const service = await consoleWith({ maxLagSeconds: 30 }, { user: 'pool_app' });
    const [id] = await poolMore(1);
    const [claimable] = await poolMore(1, 'ready');
    await pair.caughtUp();
    const removed = await service.dispatch('entries.remove', { bookingId: id, reason: 'replica test' });
    expect(removed.ok, JSON.stringify(removed)).toBe(true);
    const claimed = await service.session.require().pool.claimBatch({ owner: 'replica-test', limit: 1 });
    expect(claimed.map((entry) => entry.bookingId)).toEqual([claimable]);
    // the application user cannot write on the replica: the writes above did not go there
    const app = await pair.connect('replica', DATABASE);
    await app.changeUser({ user: 'pool_app', password: 'app', database: DATABASE });
    await expect(app.query('DELETE FROM REPL_PROBE')).rejects.toThrow(/read-only/);
    await app.end();
    await pair.caughtUp();
    const replica = await pair.connect('replica', DATABASE);
    const [rows] = await replica.query<RowDataPacket[]>('SELECT POOL_STATUS FROM BOOKING_PLAN WHERE BOOKING_ID = ?', [id]);
    await replica.end();
    // the removal reached the replica by replication, as every write does
    expect(rows[0]?.POOL_STATUS).toBeNull();
  });

  it('without SLAVE MONITOR the lag is unknown (reads use the primary) until history rows tell it; the recorder counts on the replica', async () => {
    const reader = await consoleWith({ maxLagSeconds: 30 }, { user: 'pool_app' });
    await pair.primaryAdmin.query(`DELETE FROM ${DATABASE}.POOL_METRICS`);
    await pair.caughtUp();
    await vi.waitFor(async () => {
      const read = await stats(reader);
      expect(read.source?.server).toBe('primary');
      expect(read.source?.fallbackReason).toMatch(/lag is unknown: user 'pool_app' may not read the replication status .*no recorder writes history rows/);
    }, GENEROUS);
    expect((await status(reader)).findings.find((finding) => finding.code === 'replica-lag-unknown')?.message).toMatch(/lag unknown/);

    // a recording console (root may read the threads): its leader counts on the replica, writes on the primary
    await consoleWith({ maxLagSeconds: 30 }, { record: true });
    await vi.waitFor(async () => {
      const read = await stats(reader);
      expect(read.source?.server).toBe('replica');
      expect(reader.session.replicaReport()?.lagBasis).toBe('metrics-rows');
    }, GENEROUS);
    const [notes] = await pair.primaryAdmin.query<RowDataPacket[]>(`SELECT NOTE FROM ${DATABASE}.POOL_METRICS WHERE RESOLUTION = 10 ORDER BY SAMPLE_TIME DESC LIMIT 5`);
    expect(notes.some((row) => /counted on the read replica, \d+ s behind/.test(String(row.NOTE)))).toBe(true);
  });

  it('the agent on a profile with a replica counts on the replica and writes its rows on the primary', async () => {
    const home = await folder();
    await new ProfileStore(`${home}/profiles.json`, NO_SECRET_BOX).save(savedFor('repl', primary, { replica: { ...pair.replicaAddress(), maxLagSeconds: 30 } }), '');
    const agent = spawn(process.execPath, ['bin/pool-console.mjs', 'agent', '--profile', 'repl', '--interval', '1'], {
      env: { ...process.env, POOL_DATABASE_URL: '', POOL_DATABASE_PASSWORD: '', POOL_CONSOLE_HOME: home },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    agent.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => agent.once('close', resolve));
    try {
      await vi.waitFor(async () => {
        const [rows] = await pair.primaryAdmin.query<RowDataPacket[]>(
          `SELECT NOTE FROM ${DATABASE}.POOL_METRICS WHERE RESOLUTION = 10 AND RECORDER_ID LIKE 'agent %' ORDER BY SAMPLE_TIME DESC LIMIT 3`,
        );
        expect(rows.some((row) => /counted on the read replica, \d+ s behind/.test(String(row.NOTE))), stderr).toBe(true);
      }, GENEROUS);
    } finally {
      agent.kill('SIGTERM');
    }
    expect(await exited, stderr).toBe(0);
  });
});
