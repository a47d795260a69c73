import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleService } from '../../../src/core/console/console-service.js';
import { MANAGED_PROFILES_ENV, managedProfilesPath } from '../../../src/core/console/managed-profiles.js';
import { ProfileStore } from '../../../src/core/console/profile-store.js';
import { createDesktopConsole } from '../../../src/main/desktop-console.js';
import { RecentLogLines } from '../../../src/main/recent-log-lines.js';
import { safeStorageBox } from '../../../src/main/secret-box.js';

/** The OS keychain, faked (Electron cannot run here); the store and service are the real ones. */
const keychain = safeStorageBox({
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString: (plain: string) => Buffer.from([...plain].reverse().join('')),
  decryptString: (sealed: Buffer) => [...sealed.toString()].reverse().join(''),
});
const noLog = { warn: () => undefined, error: () => undefined };

const corp = { name: 'corp-prod', host: 'db-prod.corp.internal', port: 3306, user: 'ops', database: 'booking', environment: 'production', readOnly: true };
const mine = { name: 'my-staging', host: 'db-staging.corp.internal', port: 3306, user: 'me', database: 'booking_staging', environment: 'staging', readOnly: false };

let dir: string;
let managedFile: string;
const services: ConsoleService[] = [];

function open(): ConsoleService {
  const service = createDesktopConsole({ userData: join(dir, 'userData'), box: keychain, sandbox: null, logs: new RecentLogLines(), log: noLog, managedProfiles: managedFile });
  services.push(service);
  return service;
}

const ship = (content: unknown) => writeFile(managedFile, typeof content === 'string' ? content : JSON.stringify(content));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pool-console-managed-'));
  managedFile = join(dir, 'managed-profiles.json');
});

afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('where the managed profiles file is looked for', () => {
  it('is the documented place on each OS, or the file the environment names', () => {
    expect(managedProfilesPath('linux', {})).toBe('/etc/pool-console/profiles.json');
    expect(managedProfilesPath('darwin', {})).toBe('/Library/Application Support/PoolConsole/profiles.json');
    expect(managedProfilesPath('win32', { ProgramData: 'D:\\ProgramData' })).toBe('D:\\ProgramData\\PoolConsole\\profiles.json');
    expect(managedProfilesPath('win32', {})).toBe('C:\\ProgramData\\PoolConsole\\profiles.json');
    expect(managedProfilesPath('linux', { [MANAGED_PROFILES_ENV]: '/srv/test/profiles.json' })).toBe('/srv/test/profiles.json');
  });

  it('is where the desktop console reads them, as index.ts wires it (the environment override here)', async () => {
    await ship({ version: 1, profiles: [corp] });
    const file = managedProfilesPath(process.platform, { [MANAGED_PROFILES_ENV]: managedFile });
    const service = createDesktopConsole({ userData: join(dir, 'userData'), box: keychain, sandbox: null, logs: new RecentLogLines(), log: noLog, managedProfiles: file });
    services.push(service);
    expect(await service.dispatch('profiles.list', {})).toMatchObject({ ok: true, result: [{ name: 'corp-prod', managed: true }] });
  });
});

describe('managed profiles in the desktop app', () => {
  it("are listed marked managed, merged with the user's own, by name", async () => {
    await ship({ version: 1, profiles: [corp] });
    const service = open();
    expect(await service.dispatch('profiles.save', { profile: mine, password: 'pw' })).toMatchObject({ ok: true, result: { name: 'my-staging', managed: false } });
    expect(await service.dispatch('profiles.list', {})).toEqual({
      ok: true,
      result: [
        { ...corp, managed: true, hasPassword: false, passwordStorage: 'none' },
        { ...mine, managed: false, hasPassword: true, passwordStorage: 'encrypted' },
      ],
    });
  });

  it('are what a connection to that name uses, with no stored password', async () => {
    await ship({ version: 1, profiles: [corp] });
    const store = new ProfileStore(join(dir, 'userData', 'profiles.json'), keychain, managedFile);
    expect(await store.get('corp-prod')).toEqual(corp);
    expect(await store.connectionProfile('corp-prod')).toMatchObject({ saved: corp, connection: { host: 'db-prod.corp.internal', user: 'ops', password: '' } });
  });

  it('are none when the file does not exist', async () => {
    expect(await open().dispatch('profiles.list', {})).toEqual({ ok: true, result: [] });
  });

  it('cannot be edited or deleted: save and delete refuse with a clear message, and the file is never written', async () => {
    await ship({ version: 1, profiles: [corp] });
    const before = await readFile(managedFile, 'utf8');
    const service = open();
    const edit = await service.dispatch('profiles.save', { profile: { ...corp, readOnly: false } });
    expect(edit).toMatchObject({ ok: false, error: { code: 'NO_PRIVILEGE' } });
    expect((edit as { error: { message: string } }).error.message).toBe(
      `'corp-prod' is a managed profile (from ${managedFile}): it cannot be changed here. To use other settings, add your own profile under another name.`,
    );
    const remove = await service.dispatch('profiles.delete', { name: 'corp-prod' });
    expect(remove).toMatchObject({ ok: false, error: { code: 'NO_PRIVILEGE', message: expect.stringContaining('cannot be deleted here') } });
    expect(await readFile(managedFile, 'utf8')).toBe(before);
    expect(await service.dispatch('profiles.list', {})).toMatchObject({ ok: true, result: [{ name: 'corp-prod', readOnly: true, managed: true }] });
  });

  it("win a name clash: a user's older profile of that name is hidden, kept in the user's file, and used again once the managed one goes", async () => {
    const service = open();
    await service.dispatch('profiles.save', { profile: { ...corp, host: 'my-own-host' } });
    await ship({ version: 1, profiles: [corp] });
    expect(await service.dispatch('profiles.list', {})).toMatchObject({ ok: true, result: [{ name: 'corp-prod', host: 'db-prod.corp.internal', managed: true }] });
    expect(JSON.parse(await readFile(join(dir, 'userData', 'profiles.json'), 'utf8')).profiles[0].host).toBe('my-own-host');
    await rm(managedFile);
    expect(await service.dispatch('profiles.list', {})).toMatchObject({ ok: true, result: [{ name: 'corp-prod', host: 'my-own-host', managed: false }] });
  });

  it('refuse a password in the file, naming the file and the field', async () => {
    await ship({ version: 1, profiles: [mine, { ...corp, password: 'hunter2' }] });
    const listed = await open().dispatch('profiles.list', {});
    expect(listed).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const message = (listed as { error: { message: string } }).error.message;
    expect(message).toContain(managedFile);
    expect(message).toContain('profiles[1].password');
    expect(message).toContain('carry no password');
    expect(message).not.toContain('hunter2');
  });

  it('refuse an invalid or unknown field and a name used twice, naming the file and the field', async () => {
    const service = open();
    const cases: [unknown, string][] = [
      [{ version: 1, profiles: [{ ...corp, port: 'x' }] }, 'profiles[0].port'],
      [{ version: 1, profiles: [{ ...corp, hots: 'typo' }] }, 'profiles[0].hots'],
      [{ version: 1, profiles: [corp, corp] }, 'profiles[1].name'],
      [{ version: 2, profiles: [] }, 'version'],
      ['{ not json', '(the file)'],
    ];
    for (const [content, field] of cases) {
      await ship(content);
      const listed = await service.dispatch('profiles.list', {});
      expect(listed, field).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining(`${managedFile} is invalid at ${field}:`) } });
    }
  });
});
