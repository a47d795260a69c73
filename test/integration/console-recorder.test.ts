import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConsoleService } from '../../src/core/console/console-service.js';
import { Database } from '../../src/core/db/database.js';
import { MetricsRecorder } from '../../src/core/metrics/index.js';
import { NO_SECRET_BOX, ProfileStore } from '../../src/core/console/profile-store.js';
import { MemoryLog } from '../../src/server/memory-log.js';
import type { StatsSample } from '../../src/shared/contract.js';
import type { RecorderState } from '../../src/shared/results/metrics.js';
import type { Reply } from '../../src/shared/wire.js';
import fs from 'node:fs';
import path from 'node:path';
import { freshDatabase, privateServer, type FreshDatabase } from '../helpers/database.js';
import { seedQuietPool } from '../helpers/pool-database.js';
import { savedFor } from '../helpers/serve-fixture.js';
import { makeTempDir } from '../helpers/temp-dirs.js';

/*
 * N open consoles cost the database about what one does (issue 10, item 2): two ConsoleServices
 * on one database, each with its recorder; the live stream shows the recorded rows. Short
 * recorder intervals; every wait polls with a generous deadline (busy machines).
 */
const t = freshDatabase();
/** A database before migration 0006: no POOL_METRICS. */
const before = freshDatabase();
/** A database whose only row is an hour old: no recorder has run since. */
const stale = freshDatabase();
/** A server of this file's own, to freeze. */
const own = privateServer();
const POOLED = 30;
const RECORDER_INTERVAL_MS = 500;
const GENEROUS = { timeout: 30_000, interval: 100 };

type Ok = Extract<StatsSample, { kind: 'ok' }>;

const services: ConsoleService[] = [];

async function consoleOn(database: FreshDatabase, name: string, options: { record?: boolean; readOnly?: boolean } = {}): Promise<ConsoleService> {
  const { readOnly = false, ...serviceOptions } = options;
  const dir = await makeTempDir();
  const service = new ConsoleService({
    profiles: new ProfileStore(`${dir}/profiles.json`, NO_SECRET_BOX),
    sandbox: null,
    info: { version: 'test', shell: 'serve', platform: process.platform, node: process.version, dataDir: dir },
    logs: new MemoryLog(),
    actor: name,
    env: { POOL_RECORDER_INTERVAL_MS: String(RECORDER_INTERVAL_MS) },
    ...serviceOptions,
  });
  services.push(service);
  await service.session.connect(savedFor(name, database.profile, { readOnly }), database.profile);
  return service;
}

function result<T>(reply: Reply<unknown>): T {
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

const recorderState = async (service: ConsoleService) => result<RecorderState>(await service.dispatch('recorder.state', {}));

/** Every stats.live sample a console sends, from now on. */
function watch(service: ConsoleService): { samples: StatsSample[]; ok: () => Ok[]; stop: () => void } {
  const samples: StatsSample[] = [];
  const stop = service.subscribe('stats.live', { intervalMs: 1000 }, (sample) => samples.push(sample));
  return { samples, ok: () => samples.filter((sample): sample is Ok => sample.kind === 'ok'), stop };
}

/** How often each query name ran on a console's connection (its latency recorder times every statement). */
function queryCounts(service: ConsoleService): Map<string, number> {
  return new Map(service.session.latency.summary().map((series) => [series.name, series.count]));
}

async function rowsBy(identity: string): Promise<number> {
  const [[row]] = await t.admin.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM POOL_METRICS WHERE RESOLUTION = 10 AND RECORDER_ID = ?', [identity]);
  return Number(row?.n);
}

beforeAll(async () => {
  await seedQuietPool(t, POOLED);
  await seedQuietPool(before, POOLED);
  await before.admin.query('DROP TABLE POOL_METRICS');
  await seedQuietPool(stale, POOLED);
  const db = new Database(stale.profile);
  const recorder = new MetricsRecorder(db, { role: 'gone', intervalMs: RECORDER_INTERVAL_MS });
  try {
    recorder.start();
    await vi.waitFor(() => expect(recorder.latest()).not.toBeNull(), GENEROUS);
  } finally {
    await recorder.stop();
    await db.close();
  }
  await stale.admin.query('UPDATE POOL_METRICS SET SAMPLE_TIME = SAMPLE_TIME - INTERVAL 1 HOUR');
  await seedQuietPool(own.database, POOLED);
});
afterAll(async () => {
  await Promise.all(services.map((service) => service.close()));
});

describe('two consoles on one database', () => {
  let a: ConsoleService;
  let b: ConsoleService;

  it('elect one leader; both live streams show its rows, and the follower runs no pool count', async () => {
    a = await consoleOn(t, 'console a');
    await vi.waitFor(async () => expect((await recorderState(a)).role).toBe('leader'), GENEROUS);
    const leader = await recorderState(a);
    // the leader's first row is there before the second console opens
    await vi.waitFor(async () => expect(await rowsBy(leader.identity)).toBeGreaterThan(0), GENEROUS);
    b = await consoleOn(t, 'console b');
    await vi.waitFor(async () => expect((await recorderState(b)).role).toBe('follower'), GENEROUS);

    const [liveA, liveB] = [watch(a), watch(b)];
    try {
      await vi.waitFor(() => {
        for (const live of [liveA, liveB]) expect(new Set(live.ok().map((sample) => sample.recordedAt.getTime())).size).toBeGreaterThanOrEqual(3);
      }, GENEROUS);
    } finally {
      liveA.stop();
      liveB.stop();
    }
    for (const live of [liveA, liveB]) {
      expect(live.samples.filter((sample) => sample.kind === 'error')).toEqual([]);
      for (const sample of live.ok()) {
        // exact, or (a busy machine backs the recorder off) an estimate: on a quiet pool the same figures
        expect(sample).toMatchObject({ recorder: leader.identity, exact: expect.any(Boolean), stats: { inPool: POOLED, byStatus: { waiting: POOLED } } });
        expect(sample.stats.measuredAt).toEqual(sample.recordedAt);
      }
    }
    expect(leader.identity).toMatch(/^console \S+@\S+ pid \d+ /);
    expect((await recorderState(b)).identity).not.toBe(leader.identity);
    // only the leader's recorder counts the pool; the follower read rows, and nothing else counted
    const [countsA, countsB] = [queryCounts(a), queryCounts(b)];
    expect(countsA.get('pool.stats')).toBeGreaterThan(0);
    expect(countsB.get('pool.stats')).toBeUndefined();
    expect(countsB.get('metrics.latest')).toBeGreaterThan(0);
    expect([...countsB.keys()].filter((name) => name.startsWith('pool.'))).toEqual([]);
    const [[rows]] = await t.admin.query<RowDataPacket[]>('SELECT COUNT(DISTINCT RECORDER_ID) AS writers FROM POOL_METRICS');
    expect(Number(rows?.writers)).toBe(1);
  });

  it("when the leader's lock connection is killed, the other leads and the rows keep coming to both", async () => {
    const old = await recorderState(a);
    expect(old.lockConnectionId).not.toBeNull();
    await t.admin.query(`KILL ${Number(old.lockConnectionId)}`);
    await vi.waitFor(async () => expect((await recorderState(b)).role).toBe('leader'), GENEROUS);
    const leader = await recorderState(b);
    expect((await recorderState(a)).role).toBe('follower');

    const [liveA, liveB] = [watch(a), watch(b)];
    try {
      await vi.waitFor(() => {
        for (const live of [liveA, liveB]) {
          const byNewLeader = live.ok().filter((sample) => sample.recorder === leader.identity);
          expect(new Set(byNewLeader.map((sample) => sample.recordedAt.getTime())).size).toBeGreaterThanOrEqual(2);
        }
      }, GENEROUS);
    } finally {
      liveA.stop();
      liveB.stop();
    }
    // a's stream read b's rows: a counted no more once it lost the lead
    const counted = queryCounts(a).get('pool.stats');
    await vi.waitFor(async () => expect(await rowsBy(leader.identity)).toBeGreaterThanOrEqual(3), GENEROUS);
    expect(queryCounts(a).get('pool.stats')).toBe(counted);
  });

  it('a disconnect stops the recorder and gives the lock up; a switch starts a new one', async () => {
    const leaving = b.session.require().recorder;
    const identity = leaving.identity;
    await b.dispatch('connection.disconnect', {});
    expect(leaving.state().role).toBe('stopped');
    expect((await b.dispatch('recorder.state', {})) as Reply<unknown>).toMatchObject({ ok: false, error: { code: 'UNREACHABLE' } });
    // the lock was released with it: the other console leads (after its two-interval wait), b writes no more
    await vi.waitFor(async () => expect((await recorderState(a)).role).toBe('leader'), GENEROUS);
    const written = await rowsBy(identity);
    const successor = (await recorderState(a)).identity;
    await vi.waitFor(async () => expect(await rowsBy(successor)).toBeGreaterThanOrEqual(2), GENEROUS);
    expect(await rowsBy(identity)).toBe(written);

    // a switch (connect while connected) stops the old connection's recorder and starts the new one's
    const previous = a.session.require().recorder;
    await a.session.connect(savedFor('console a again', t.profile), t.profile);
    expect(previous.state().role).toBe('stopped');
    const next = await recorderState(a);
    expect(next.identity).not.toBe(previous.identity);
    await vi.waitFor(async () => expect((await recorderState(a)).role).toBe('leader'), GENEROUS);
  });

  it("a read-only console records nothing (its profile writes nothing) and shows the leader's rows", async () => {
    const leader = await recorderState(a);
    const e = await consoleOn(t, 'console e', { readOnly: true });
    expect((await recorderState(e)).role).toBe('stopped');
    const live = watch(e);
    try {
      await vi.waitFor(() => expect(new Set(live.ok().map((sample) => sample.recordedAt.getTime())).size).toBeGreaterThanOrEqual(2), GENEROUS);
    } finally {
      live.stop();
    }
    for (const sample of live.ok()) expect(sample).toMatchObject({ recorder: leader.identity, stats: { inPool: POOLED } });
    expect(queryCounts(e).get('pool.stats')).toBeUndefined();
    expect(await rowsBy((await recorderState(e)).identity)).toBe(0);
  });
});

describe('a database before migration 0006 (no POOL_METRICS)', () => {
  it('still shows live figures, counted directly and marked so; the recorder says why it records nothing', async () => {
    const c = await consoleOn(before, 'console c');
    const live = watch(c);
    try {
      await vi.waitFor(() => expect(live.ok().length).toBeGreaterThanOrEqual(2), GENEROUS);
    } finally {
      live.stop();
    }
    for (const sample of live.ok()) {
      expect(sample).toMatchObject({ recorder: null, exact: true, stats: { inPool: POOLED } });
      expect(sample.recordedAt).toEqual(sample.stats.measuredAt);
    }
    await vi.waitFor(async () => expect((await recorderState(c)).lastError).toMatchObject({ code: 'NO_TABLE', message: expect.stringContaining('migrate up') }), GENEROUS);
  });
});

describe('a database whose newest row is old (no recorder writes)', () => {
  it('is not shown as live: the figures are counted directly and say so', async () => {
    // a console that records nothing itself (as a one-shot call), so the old row stays the newest
    const d = await consoleOn(stale, 'console d', { record: false });
    expect((await recorderState(d)).role).toBe('stopped');
    const live = watch(d);
    try {
      await vi.waitFor(() => expect(live.ok().length).toBeGreaterThanOrEqual(2), GENEROUS);
    } finally {
      live.stop();
    }
    for (const sample of live.ok()) expect(sample).toMatchObject({ recorder: null, exact: true, stats: { inPool: POOLED } });
    expect(queryCounts(d).get('metrics.latest')).toBeGreaterThan(0);
  });
});

/** Rejects after `ms` unless `work` settles first: a deadline for a hang, not a speed claim. */
async function beforeHang<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} waited for the frozen server`)), ms);
  });
  return Promise.race([work, hung]).finally(() => clearTimeout(timer));
}

async function whileFrozen(during: () => Promise<void>): Promise<void> {
  const pid = Number.parseInt(fs.readFileSync(path.join(own.server.dataDir, 'pid'), 'utf8').trim(), 10);
  process.kill(pid, 'SIGSTOP');
  try {
    await during();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

describe('a frozen server (SIGSTOP)', () => {
  it("a leading recorder's stop returns without the server answering (the lock dies with its connection)", async () => {
    const db = new Database(own.database.profile);
    const recorder = new MetricsRecorder(db, { role: 'frozen', intervalMs: RECORDER_INTERVAL_MS });
    try {
      recorder.start();
      await vi.waitFor(() => expect(recorder.state().role).toBe('leader'), GENEROUS);
      await whileFrozen(async () => {
        await beforeHang(recorder.stop(), 20_000, "the recorder's stop");
        expect(recorder.state().role).toBe('stopped');
      });
    } finally {
      await recorder.stop();
      await db.close();
    }
  });

  it('does not hold a disconnect: the recorder stops without the server answering', async () => {
    const f = await consoleOn(own.database, 'console f');
    await vi.waitFor(async () => expect((await recorderState(f)).role).toBe('leader'), GENEROUS);
    const recorder = f.session.require().recorder;
    // the server stays frozen until the disconnect has returned
    await whileFrozen(async () => {
      expect(await beforeHang(f.dispatch('connection.disconnect', {}), 20_000, 'the disconnect')).toMatchObject({ ok: true, result: { connected: false } });
      expect(recorder.state().role).toBe('stopped');
    });
  });
});
