import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ConsoleService } from '../../src/core/console/console-service.js';
import { createWebClient, type SocketConstructor, type SocketState } from '../../src/renderer/api/web-client.js';
import { startServeMode, type ServeMode } from '../../src/server/serve-mode.js';
import type { StatsSample } from '../../src/shared/contract.js';
import { PoolError } from '../../src/shared/errors.js';
import { MAX_FRAME_BYTES } from '../../src/shared/socket-protocol.js';
import { privateServer } from '../helpers/database.js';
import { insertBookings, poolDatabase, poolDirectly, seedQuietPool } from '../helpers/pool-database.js';
import { callEverySample, expectEveryReadSampled, okResult, type ReadSample } from '../helpers/read-samples.js';
import { consoleService, savedFor, staticSite } from '../helpers/serve-fixture.js';
import { httpGet, ProtocolSocket, socketUrlOf, tokenOf, upgradeOutcome } from '../helpers/serve-socket.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

const data = poolDatabase('bare');
// the stats.live outage stops a server: one of this file's own, never the shared one
const own = privateServer();

let service: ConsoleService;
let serve: ServeMode;
let site: Awaited<ReturnType<typeof staticSite>>;
let pooledIds: number[];
const POOLED = 30;

beforeAll(async () => {
  const ids = await insertBookings(data.admin, { count: 40 });
  pooledIds = ids.slice(0, POOLED);
  await poolDirectly(data.admin, pooledIds.slice(0, 20), { status: 'waiting', deadlineHoursFromNow: 24 });
  await poolDirectly(data.admin, pooledIds.slice(20), { status: 'failed', deadlineHoursFromNow: 24, attempts: 1 });
  ({ service } = await consoleService());
  await service.session.connect(savedFor('test database', data.profile), data.profile);
  site = await staticSite();
  serve = await startServeMode({ service, staticDir: site.staticDir, host: '127.0.0.1' });
});

afterAll(async () => {
  await serve?.close();
  await service?.close();
});

describe('serve mode: the contract over the socket', () => {
  it('answers every read operation of the contract with real data', async () => {
    const snapshot = await fs.readFile(path.join(FIXTURES, 'legacy/valid-map.json'), 'utf8');
    const scratch = { name: 'serve scratch', host: data.profile.host, port: data.profile.port, user: data.profile.user, database: data.name, environment: 'staging' };
    // in this order: the connection operations switch away and back at the end
    const samples: ReadSample[] = [
      ['app.info', {}, (info: { shell: string }) => expect(info.shell).toBe('serve')],
      ['app.logs', { limit: 10 }, (lines: unknown[]) => expect(Array.isArray(lines)).toBe(true)],
      ['profiles.save', { profile: scratch, password: data.profile.password }, (saved: { name: string; passwordStorage: string }) => expect(saved.name).toBe('serve scratch')],
      // the same password again: connection.connect below still uses it
      ['profiles.setPassword', { name: 'serve scratch', password: data.profile.password }, (saved: { name: string; hasPassword: boolean; managed: boolean }) => {
        expect(saved).toMatchObject({ name: 'serve scratch', hasPassword: data.profile.password !== '', managed: false });
        expect(saved).not.toHaveProperty('password');
      }],
      ['profiles.list', {}, (list: { name: string }[]) => expect(list.map((profile) => profile.name)).toContain('serve scratch')],
      ['connection.test', { profile: 'serve scratch' }, (test: { bookingPlan: boolean; serverVersion: string }) => {
        expect(test.bookingPlan).toBe(true);
        expect(test.serverVersion).not.toBe('');
      }],
      ['connection.current', {}, (state: { connected: boolean; database: string }) => expect(state).toMatchObject({ connected: true, database: data.name })],
      ['pool.stats', {}, (stats: { inPool: number; measuredAt: Date; byStatus: Record<string, number> }) => {
        expect(stats.inPool).toBe(POOLED);
        expect(stats.byStatus).toMatchObject({ waiting: 20, failed: 10 });
        expect(stats.measuredAt).toBeInstanceOf(Date); // Dates survive the socket
      }],
      ['pool.pauseState', {}, (state: { available: boolean; pauses: unknown[]; measuredAt: Date }) => {
        expect(state).toMatchObject({ available: true, pauses: [] });
        expect(state.measuredAt).toBeInstanceOf(Date);
      }],
      ['workers.list', { leaseSeconds: 600 }, (list: { heartbeats: boolean; workers: unknown[]; unownedLeases: number }) => {
        expect(list).toMatchObject({ heartbeats: true, workers: [], unownedLeases: 0 });
      }],
      ['workers.release.preview', { ownerId: 'worker-gone' }, (preview: { state: string; count: number; allowed: boolean }) => {
        expect(preview).toMatchObject({ state: 'no-heartbeat', count: 0, allowed: true });
      }],
      ['alerts.overview', {}, (overview: { available: boolean; rules: { kind: string; updatedAt: Date | null }[]; firing: unknown[] }) => {
        expect(overview.available).toBe(true);
        expect(overview.rules.map((rule) => rule.kind)).toEqual(['deadline-unclaimed', 'stuck-leases', 'failure-rate', 'no-claims', 'paused-too-long', 'recorder-gap']);
        expect(Array.isArray(overview.firing)).toBe(true);
      }],
      ['alerts.events', { kind: 'stuck-leases', limit: 20 }, (events: { kind: string; at: Date }[]) => {
        for (const event of events) {
          expect(event.kind).toBe('stuck-leases');
          expect(event.at).toBeInstanceOf(Date);
        }
      }],
      ['pool.latency', {}, (latency: { name: string }[]) => expect(latency.length).toBeGreaterThan(0)],
      // the sampler's ring: whatever was sampled so far, oldest first, with its times as Dates
      ['stats.recent', {}, (recent: { at: Date }[]) => {
        for (const sample of recent) expect(sample.at).toBeInstanceOf(Date);
        expect(recent.map((sample) => sample.at.getTime())).toEqual(recent.map((sample) => sample.at.getTime()).sort((a, b) => a - b));
      }],
      // the recorded history over an hour before this database existed: no rows, one gap, Dates across the socket
      ['history.read', { from: new Date('2020-01-01T00:00:00Z'), to: new Date('2020-01-01T01:00:00Z') }, (history: { resolution: number; points: unknown[]; gaps: { from: Date; to: Date }[] }) => {
        expect(history).toMatchObject({ resolution: 10, points: [] });
        expect(history.gaps).toEqual([{ from: new Date('2020-01-01T00:00:00Z'), to: new Date('2020-01-01T01:00:00Z') }]);
      }],
      // this console's history recorder, running since the connect
      ['recorder.state', {}, (state: { role: string; identity: string; intervalMs: number; lockName: string }) => {
        expect(['starting', 'leader', 'follower']).toContain(state.role);
        expect(state.identity).toMatch(/^console \S+@\S+ pid \d+ /);
        expect(state.lockName).toMatch(/^pool_console\.recorder\./);
        expect(state.intervalMs).toBeGreaterThanOrEqual(100);
      }],
      ['entries.list', { limit: 25 }, (page: { entries: { bookingId: number }[]; next: unknown }) => {
        expect(page.entries).toHaveLength(25);
        expect(page.next).not.toBeNull();
      }],
      ['entries.detail', { bookingId: pooledIds[0] }, (detail: { entry: { bookingId: number; status: string } | null }) => {
        expect(detail.entry).toMatchObject({ bookingId: pooledIds[0], status: 'waiting' });
      }],
      ['entries.bulk.preview', { action: 'retry', match: { status: 'failed' }, cap: 4 }, (preview: { matching: { count: number }; willChange: number; sample: unknown[]; cap: number }) => {
        // the 10 failed entries match; the cap bounds what one run would change
        expect(preview).toMatchObject({ matching: { count: 10 }, willChange: 4, cap: 4 });
        expect(preview.sample).toHaveLength(10);
      }],
      ['maintenance.cleanup.preview', {}, (preview: { dryRun: boolean }) => expect(preview.dryRun).toBe(true)],
      ['maintenance.validate', {}, (report: object) => expect(report).toBeTypeOf('object')],
      ['maintenance.retryFailed.preview', { maxAttempts: 3 }, (preview: { count: number; atMaxAttempts: number }) => {
        // the retry's own condition and the rest of the failed entries add up to the failed ones
        expect(preview.count + preview.atMaxAttempts).toBe(10);
      }],
      ['maintenance.resetStuck.preview', { olderThanSeconds: 3600 }, (preview: { leaseBasis: string; count: number; sampleIds: number[] }) => {
        expect(preview.leaseBasis).toBe('claim-time');
        expect(preview.sampleIds.length).toBe(Math.min(20, preview.count));
      }],
      ['migrations.status', {}, (status: { applied: unknown[]; pending: unknown[] }) => {
        expect(status.applied.length).toBeGreaterThan(0);
        expect(status.pending).toEqual([]);
      }],
      ['migrations.plan', { direction: 'down' }, (plans: { steps: { sql: string | null }[] }[]) => {
        expect(plans.length).toBeGreaterThan(0);
        expect(plans.flatMap((plan) => plan.steps).some((step) => step.sql !== null)).toBe(true);
      }],
      ['migrations.lockHolder', {}, (holder: unknown) => expect(holder).toBeNull()],
      ['indexes.health', {}, (health: object) => expect(health).toBeTypeOf('object')],
      ['indexes.ensure.preview', {}, (plans: unknown[]) => expect(Array.isArray(plans)).toBe(true)],
      ['import.preview', { snapshot }, (preview: { dryRun: boolean }) => expect(preview.dryRun).toBe(true)],
      ['audit.list', { limit: 5 }, (entries: unknown[]) => expect(Array.isArray(entries)).toBe(true)],
      ['system.status', {}, (status: { state: string }) => expect(['healthy', 'degraded']).toContain(status.state)],
      ['system.validate', {}, (checks: { check: string; ok: boolean }[]) => expect(checks[0]).toMatchObject({ check: 'database.reachable', ok: true })],
      ['connection.disconnect', {}, (state: { connected: boolean }) => expect(state.connected).toBe(false)],
      ['connection.connect', { profile: 'serve scratch' }, (state: { connected: boolean; profileName: string }) => {
        expect(state).toMatchObject({ connected: true, profileName: 'serve scratch' });
      }],
      ['profiles.delete', { name: 'serve scratch' }, (result: { deleted: boolean }) => expect(result.deleted).toBe(true)],
    ];

    // a new read operation without a sample fails here, so none is forgotten
    expectEveryReadSampled(samples);

    const socket = await ProtocolSocket.open(socketUrlOf(serve.url));
    try {
      await callEverySample(socket, samples);
    } finally {
      socket.close();
    }
  });

  it('refuses the page and the socket without the token, with a wrong one, and from a foreign origin', async () => {
    const token = tokenOf(serve.url);
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const origin = `http://127.0.0.1:${serve.port}`;

    expect(await upgradeOutcome(socketUrlOf(serve.url, null), { Origin: origin })).toBe(401);
    expect(await upgradeOutcome(socketUrlOf(serve.url, wrong), { Origin: origin })).toBe(403);
    expect(await upgradeOutcome(socketUrlOf(serve.url), { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeOutcome(socketUrlOf(serve.url), { Origin: `http://127.0.0.1:${serve.port + 1}` })).toBe(403);
    expect(await upgradeOutcome(socketUrlOf(serve.url), { Origin: origin, Host: `evil.example:${serve.port}` })).toBe(403);
    expect(await upgradeOutcome(socketUrlOf(serve.url), { Origin: origin })).toBe('open');
    expect(await upgradeOutcome(socketUrlOf(serve.url), { Origin: `http://localhost:${serve.port}` })).toBe('open');

    expect((await httpGet(serve.port, '/')).status).toBe(401);
    expect((await httpGet(serve.port, site.asset)).status).toBe(401);
    expect((await httpGet(serve.port, `/?token=${wrong}`)).status).toBe(403);

    // the right token becomes an HttpOnly, SameSite=Strict cookie, and leaves the address bar
    const entry = await httpGet(serve.port, `/?token=${token}`);
    expect(entry.status).toBe(303);
    expect(entry.headers.location).toBe('/');
    const setCookie = entry.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;

    const page = await httpGet(serve.port, '/', { Cookie: cookie });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.body).toContain('<title>Pool Console</title>');
    const asset = await httpGet(serve.port, site.asset, { Cookie: cookie });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');

    // the browser's socket carries the cookie instead of the token; a wrong cookie is refused
    expect(await upgradeOutcome(socketUrlOf(serve.url, null), { Origin: origin, Cookie: cookie })).toBe('open');
    expect(await upgradeOutcome(socketUrlOf(serve.url, null), { Origin: origin, Cookie: `${cookie.split('=')[0]}=${wrong}` })).toBe(403);
    // a page on another name for 127.0.0.1 (DNS rebinding) is refused even with the cookie
    expect((await httpGet(serve.port, '/', { Cookie: cookie, Host: `rebound.example:${serve.port}` })).status).toBe(421);
  });

  it('never serves a file outside the built renderer, a dot-file or a directory listing', async () => {
    const cookie = `pool_console_${serve.port}=${tokenOf(serve.url)}`;
    for (const attempt of [
      '/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt',
      '/%2e%2e%2f%2e%2e%2fsecret.txt', '//etc/passwd', '/.env', '/assets/', '/assets', '/%00index.html',
    ]) {
      const answer = await httpGet(serve.port, attempt, { Cookie: cookie });
      expect([400, 403, 404], attempt).toContain(answer.status);
      expect(answer.body, attempt).not.toContain(site.secret);
      expect(answer.body, attempt).not.toContain('NOT_FOR_BROWSERS');
    }
  });

  it('answers malformed frames with an error envelope and keeps serving', async () => {
    const socket = await ProtocolSocket.open(socketUrlOf(serve.url));
    try {
      socket.sendText('{not json');
      socket.sendText(Buffer.from([1, 2, 3]));
      socket.send([1, 2, 3]);
      socket.send({ id: 41, type: 'shout', name: 'app.info' });
      socket.send({ id: 42, type: 'call' });
      socket.send({ id: 43, type: 'call', name: 'no.such.operation', input: {} });
      socket.send({ id: 44, type: 'call', name: 'pool.stats', input: { leaseSeconds: 'soon' } });
      socket.send({ id: 45, type: 'subscribe', stream: 'no.such.stream', params: {} });
      await socket.until(() => socket.orphanReplies.length === 3 && [41, 42, 43, 44, 45].every((id) => socket.replies.has(id)), 10_000, 'the error replies');
      for (const reply of [...socket.orphanReplies, ...[41, 42, 43, 44, 45].map((id) => socket.replies.get(id)!)]) {
        expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      }
      expect(okResult('app.info', await socket.call('app.info', {}))).toMatchObject({ shell: 'serve' });
    } finally {
      socket.close();
    }

    // a frame over 70 MB closes that socket (1009); the server carries on
    const big = await ProtocolSocket.open(socketUrlOf(serve.url));
    big.send({ id: 1, type: 'call', name: 'import.preview', input: { snapshot: 'x'.repeat(MAX_FRAME_BYTES + 1024) } });
    expect(await big.closed()).toBe(1009);
    const after = await ProtocolSocket.open(socketUrlOf(serve.url));
    expect(okResult('app.info', await after.call('app.info', {}))).toMatchObject({ shell: 'serve' });
    after.close();
  });

  it('gives the browser client the same typed object, and it reconnects after a drop', async () => {
    const sockets: WebSocket[] = [];
    // the ws package's WebSocket, remembered so the test can cut the line under the client
    class TrackedSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        sockets.push(this);
      }
    }
    const client = createWebClient(serve.url, { WebSocket: TrackedSocket as unknown as SocketConstructor, initialDelayMs: 50, maxDelayMs: 200 });
    const states: SocketState[] = [];
    client.onStateChange((state) => states.push(state));
    try {
      const stats = await client.call('pool.stats', {});
      expect(stats.inPool).toBe(POOLED);
      expect(stats.measuredAt).toBeInstanceOf(Date);

      const refused = await client.call('pool.stats', { leaseSeconds: -1 }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(PoolError);
      expect(refused).toMatchObject({ code: 'INVALID_INPUT', details: { issues: [expect.objectContaining({ path: 'leaseSeconds' })] } });
      expect(() => client.subscribe('stats.live', { intervalMs: 5 }, () => undefined)).toThrow(PoolError);

      const samples: StatsSample[] = [];
      const unsubscribe = client.subscribe('stats.live', { intervalMs: 1000 }, (sample) => samples.push(sample));
      await waitFor(() => samples.length >= 1, 15_000, 'a first live sample');

      const inFlight = client.call('indexes.health', {});
      sockets.at(-1)!.terminate();
      await expect(inFlight).rejects.toMatchObject({ code: 'UNREACHABLE' });
      expect(states).toContain('reconnecting');
      await waitFor(() => client.state === 'open', 10_000, 'the client to reconnect');
      expect(sockets.length).toBeGreaterThanOrEqual(2);
      expect((await client.call('connection.current', {})).connected).toBe(true);

      // the subscription was re-established on the new socket
      const before = samples.length;
      await waitFor(() => samples.length >= before + 2, 15_000, 'live samples after the reconnect');
      unsubscribe();
      expect(states.slice(0, 2)).toEqual(['connecting', 'open']);
    } finally {
      client.close();
    }
    expect(states.at(-1)).toBe('closed');
  });
});

describe('serve mode: the stats.live stream through a database outage', () => {
  let outageService: ConsoleService;
  let outageServe: ServeMode;

  beforeAll(async () => {
    await seedQuietPool(own.database, 12);
    ({ service: outageService } = await consoleService());
    await outageService.session.connect(savedFor('outage', own.database.profile), { ...own.database.profile });
    outageServe = await startServeMode({ service: outageService, staticDir: site.staticDir, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await outageServe?.close();
    await outageService?.close();
  });

  it('delivers a sample each interval, an error sample (never zeros) while the server is down, and good samples after it restarts', async () => {
    const socket = await ProtocolSocket.open(socketUrlOf(outageServe.url));
    const id = socket.id();
    socket.send({ id, type: 'subscribe', stream: 'stats.live', params: { intervalMs: 1000 } });
    try {
      expect(okResult('subscribe stats.live', await socket.reply(id))).toEqual({ subscribed: true });
      const samples = () => (socket.events.get(id) ?? []) as StatsSample[];

      await socket.until(() => samples().filter((sample) => sample.kind === 'ok').length >= 3, 20_000, 'three good samples');
      const good = samples().filter((sample) => sample.kind === 'ok');
      for (const sample of good) {
        expect(sample.stats.inPool).toBe(12);
        expect(sample.at).toBeInstanceOf(Date);
      }

      await own.server.stop();
      const stoppedAt = samples().length;
      await socket.until(() => samples().slice(stoppedAt).some((sample) => sample.kind === 'error'), 30_000, 'an error sample');
      // a few more intervals of outage: every sample from the first error on is an error, never zeros
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const duringOutage = samples().slice(stoppedAt);
      const firstError = duringOutage.findIndex((sample) => sample.kind === 'error');
      expect(duringOutage[firstError]).toMatchObject({
        kind: 'error', error: { code: expect.stringMatching(/^(UNREACHABLE|TIMEOUT)$/), message: expect.any(String) }, connection: expect.any(String),
      });
      expect(duringOutage.slice(firstError).map((sample) => sample.kind)).toEqual(duringOutage.slice(firstError).map(() => 'error'));
      // a sample that arrived between the stop and the first error was read before the stop
      for (const sample of duringOutage.slice(0, firstError)) expect(sample.kind === 'ok' && sample.stats.inPool).toBe(12);

      await own.server.start();
      const restartedAt = samples().length;
      await socket.until(() => samples().slice(restartedAt).some((sample) => sample.kind === 'ok'), 60_000, 'a good sample after the restart');
      const back = samples().slice(restartedAt).find((sample) => sample.kind === 'ok')!;
      expect(back.kind === 'ok' && back.stats.inPool).toBe(12);

      // an unsubscribed stream stops sending
      socket.send({ id, type: 'unsubscribe' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const settled = samples().length;
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(samples().length).toBe(settled);
    } finally {
      socket.close();
    }
  }, 120_000);
});

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
