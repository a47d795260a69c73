import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodType } from 'zod';
import { ConsoleService } from '../../src/core/console/console-service.js';
import { HANDLERS } from '../../src/core/console/handlers.js';
import { NO_SECRET_BOX, ProfileStore } from '../../src/core/console/profile-store.js';
import { OPERATION_NAMES, OPERATIONS, STREAMS, type StatsSample } from '../../src/shared/contract.js';

let dir: string;
let service: ConsoleService;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pool-console-contract-'));
  service = new ConsoleService({
    profiles: new ProfileStore(join(dir, 'profiles.json'), NO_SECRET_BOX),
    sandbox: null,
    info: { version: 'test', shell: 'serve', platform: process.platform, node: process.version, dataDir: dir },
    logs: { recent: () => [] },
  });
});
afterAll(async () => {
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the contract', () => {
  it('gives every operation an input schema, a writes flag and a handler, and no handler without an operation', () => {
    for (const name of OPERATION_NAMES) {
      expect(OPERATIONS[name].input, name).toBeInstanceOf(ZodType);
      expect(typeof OPERATIONS[name].writes, name).toBe('boolean');
      expect(typeof HANDLERS[name], name).toBe('function');
    }
    expect(Object.keys(HANDLERS).sort()).toEqual([...OPERATION_NAMES].sort());
  });

  it.each(OPERATION_NAMES)('answers bad input to %s with INVALID_INPUT, before doing anything', async (name) => {
    for (const input of [42, 'text', [1, 2], { unexpected: { nested: true } }]) {
      const reply = await service.dispatch(name, input);
      expect(reply.ok, `${name} ${JSON.stringify(input)}`).toBe(false);
      if (!reply.ok) expect(reply.error.code).toBe('INVALID_INPUT');
    }
  });

  it('refuses unknown operations and streams with INVALID_INPUT', async () => {
    for (const name of ['nope', '__proto__', 'constructor', 'toString', 42, null]) {
      const reply = await service.dispatch(name, {});
      expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(() => service.subscribe('nope', {}, () => undefined)).toThrow(/Unknown stream/);
    expect(() => service.subscribe('stats.live', { intervalMs: 10 }, () => undefined)).toThrow();
    expect(Object.keys(STREAMS)).toContain('stats.live');
  });

  it('says clearly that nothing is connected, with a code the UI can explain', async () => {
    const reply = await service.dispatch('pool.stats', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'UNREACHABLE', message: expect.stringContaining('No database is connected') } });
    const info = await service.dispatch('app.info', {});
    expect(info).toMatchObject({ ok: true, result: { version: 'test', passwordEncryption: false } });
  });

  it('answers stats.recent with the samples the live stream sent, oldest first, after the stream has stopped', async () => {
    expect(await service.dispatch('stats.recent', {})).toEqual({ ok: true, result: [] });
    const sent: StatsSample[] = [];
    const unsubscribe = service.subscribe('stats.live', { intervalMs: 1000 }, (sample) => sent.push(sample));
    const deadline = Date.now() + 20_000;
    while (sent.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    unsubscribe();
    expect(sent.length).toBeGreaterThanOrEqual(2);

    // Nothing is connected here: error samples, which the ring keeps as it keeps good ones.
    const reply = await service.dispatch('stats.recent', {});
    expect(reply.ok).toBe(true);
    const recent = (reply as { result: StatsSample[] }).result;
    expect(recent.map((sample) => sample.at.getTime())).toEqual(sent.map((sample) => sample.at.getTime()));
    expect(recent.map((sample) => sample.kind)).toEqual(sent.map((sample) => sample.kind));
    expect(recent[0]).toMatchObject({ kind: 'error', connection: 'disconnected' });
  });
});
