import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConsoleService } from '../../../src/core/console/console-service.js';
import type { SandboxLauncher } from '../../../src/core/console/sandbox-launcher.js';
import { createDesktopConsole } from '../../../src/main/desktop-console.js';
import { bindContractToIpc, type ContractBinding } from '../../../src/main/ipc.js';
import { RecentLogLines } from '../../../src/main/recent-log-lines.js';
import { safeStorageBox } from '../../../src/main/secret-box.js';
import { PoolError } from '../../../src/shared/errors.js';
import { FakeWebContents, invokeEvent, ipcMain, ipcRequest } from './fake-electron.js';

vi.mock('electron', () => import('./fake-electron.js'));

const APP = new URL('file:///opt/pool-console/out/renderer/index.html');
const reversing = {
  isEncryptionAvailable: () => true,
  encryptString: (plain: string) => Buffer.from([...plain].reverse().join('')),
  decryptString: (sealed: Buffer) => [...sealed.toString()].reverse().join(''),
};

/** A sandbox whose server binary is missing: it reports progress, then fails, like the real one would. */
const missingSandbox: SandboxLauncher = {
  open: async (onProgress) => {
    onProgress('Looking for a MariaDB or MySQL server binary');
    throw new PoolError('UNREACHABLE', 'No database server binary found: install mariadb-server.');
  },
  close: async () => undefined,
};

let dir: string;
let service: ConsoleService;
let binding: ContractBinding;
let warnings: string[];
let page: FakeWebContents;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pool-console-ipc-'));
  warnings = [];
  const log = { warn: (...data: unknown[]) => warnings.push(format(...data)), error: (...data: unknown[]) => warnings.push(format(...data)) };
  service = createDesktopConsole({ userData: dir, box: safeStorageBox(reversing), sandbox: missingSandbox, logs: new RecentLogLines(), log, managedProfiles: null });
  binding = bindContractToIpc({ service, appUrl: APP, log });
  page = new FakeWebContents(`${APP.href}#/connection`);
});

afterEach(async () => {
  binding.dispose();
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

let nextId = 1;
const call = (name: unknown, input: unknown, event = invokeEvent(page)) => ipcRequest(event, { id: nextId++, type: 'call', name, input });
const subscribe = (id: string, stream: string, params: unknown = {}, contents = page) =>
  ipcRequest(invokeEvent(contents), { id, type: 'subscribe', stream, params });
const unsubscribe = (id: string, contents = page) => ipcMain.deliver('pool:to-main', invokeEvent(contents), { id, type: 'unsubscribe' });
/** What main sent a page as stream events (replies left out). */
const events = (contents: FakeWebContents) => contents.sent.filter((sent) => (sent.message as { type?: string }).type === 'event');
const draft = { name: 'staging', host: 'db.example', user: 'ops', database: 'booking' };

describe('the IPC binding: calls', () => {
  it("listens on exactly one channel, the protocol's", () => {
    expect(ipcMain.eventNames()).toEqual(['pool:to-main']);
  });

  it("passes a good call to the service and returns the service's reply", async () => {
    const reply = await call('profiles.save', { profile: draft });
    expect(reply).toEqual({ ok: true, result: expect.objectContaining({ name: 'staging', environment: 'staging', readOnly: false, hasPassword: false }) });
    expect(await call('profiles.list', {})).toEqual({ ok: true, result: [expect.objectContaining({ name: 'staging' })] });
    expect(JSON.parse(await readFile(join(dir, 'profiles.json'), 'utf8')).profiles[0].host).toBe('db.example');
  });

  it('answers a bad input with INVALID_INPUT from the contract schema', async () => {
    const reply = await call('profiles.save', { profile: { ...draft, port: 'x' } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: { issues: [expect.objectContaining({ path: 'profile.port' })] } } });
    expect(await call('app.info', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('refuses and logs an operation outside the contract', async () => {
    const reply = await call('database.dropEverything', {});
    expect(reply).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: "Unknown operation 'database.dropEverything'." } });
    expect(warnings).toContainEqual(expect.stringContaining("Refused unknown operation 'database.dropEverything'"));
  });

  it('refuses a malformed request', async () => {
    for (const payload of [null, 'profiles.list', { name: 5 }, { id: 1, type: 'call', name: 'app.info', input: {}, extra: true }]) {
      const before = page.sent.length;
      ipcMain.deliver('pool:to-main', invokeEvent(page), payload);
      await vi.waitFor(() => expect(page.sent.length).toBe(before + 1));
      expect(page.sent.at(-1)!.message).toMatchObject({ reply: { ok: false, error: { code: 'INVALID_INPUT' } } });
    }
  });

  it('refuses calls from a foreign page, a sub-frame or a frame that is gone, before they reach the service', async () => {
    const foreign = new FakeWebContents('https://evil.example/');
    const senders = [
      invokeEvent(foreign),
      invokeEvent(page, { url: APP.href, parent: page.mainFrame }),
      invokeEvent(page, { url: 'file:///tmp/other.html', parent: null }),
      invokeEvent(page, null),
    ];
    for (const event of senders) {
      expect(await call('profiles.save', { profile: draft }, event)).toEqual({ ok: false, error: { code: 'NO_PRIVILEGE', message: expect.any(String) } });
      expect(await ipcRequest(event, { id: 'x', type: 'subscribe', stream: 'progress', params: {} })).toMatchObject({ ok: false, error: { code: 'NO_PRIVILEGE' } });
    }
    expect(await call('profiles.list', {})).toEqual({ ok: true, result: [] });
    expect(warnings.filter((line) => line.startsWith("Refused 'pool:"))).toHaveLength(8);
    expect(warnings.some((line) => line.includes('https://evil.example/'))).toBe(true);
  });

  it('stops answering once disposed', async () => {
    binding.dispose();
    await expect(call('app.info', {})).rejects.toThrow(/No listener/);
    binding = bindContractToIpc({ service, appUrl: APP, log: { warn: () => undefined, error: () => undefined } });
  });
});

describe('the IPC binding: streams', () => {
  /** A connection attempt to the (missing) sandbox reports progress to subscribers. */
  const makeProgress = () => call('connection.connect', { sandbox: true });

  it('sends a stream event to the page that subscribed, tagged with its id, and nowhere else', async () => {
    const other = new FakeWebContents(APP.href);
    expect(await subscribe('page-1', 'progress')).toEqual({ ok: true, result: { subscribed: true } });
    expect(await makeProgress()).toMatchObject({ ok: false, error: { code: 'UNREACHABLE' } });
    expect(events(page)).toEqual([
      { channel: 'pool:to-page', message: { type: 'event', subscription: 'page-1', event: { operation: 'connection', message: 'Looking for a MariaDB or MySQL server binary' } } },
    ]);
    expect(other.sent).toEqual([]);
  });

  it('stops sending after unsubscribe', async () => {
    await subscribe('s1', 'progress');
    expect(binding.count(page as never)).toBe(1);
    unsubscribe('s1');
    expect(binding.count(page as never)).toBe(0);
    unsubscribe('s1');
    await makeProgress();
    expect(events(page)).toEqual([]);
  });

  it("one page cannot end another page's subscription", async () => {
    const other = new FakeWebContents(APP.href);
    await subscribe('shared-id', 'progress');
    unsubscribe('shared-id', other);
    expect(binding.count(page as never)).toBe(1);
    await makeProgress();
    expect(events(page)).toHaveLength(1);
  });

  it('ends the subscriptions of a page that is destroyed or reloads', async () => {
    await subscribe('a', 'progress');
    await subscribe('b', 'progress');
    expect(binding.count(page as never)).toBe(2);
    page.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    expect(binding.count(page as never)).toBe(2);
    page.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    expect(binding.count(page as never)).toBe(0);

    await subscribe('c', 'progress');
    page.destroy();
    expect(binding.count(page as never)).toBe(0);
    await call('connection.connect', { sandbox: true }, invokeEvent(new FakeWebContents(APP.href))); // progress, made by another page
    expect(events(page)).toEqual([]);
    expect(page.listenerCount('did-start-navigation')).toBe(0);
  });

  it('refuses an unknown stream (logged), bad parameters, bad and duplicate ids', async () => {
    expect(await subscribe('x1', 'everything')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(warnings).toContainEqual(expect.stringContaining("unknown stream 'everything'"));
    expect(await subscribe('x2', 'progress', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await subscribe('no spaces allowed', 'progress')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await subscribe('dup', 'progress')).toMatchObject({ ok: true });
    expect(await subscribe('dup', 'progress')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('already in use') } });
    expect(binding.count(page as never)).toBe(1);
  });
});
