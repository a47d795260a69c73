import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleService } from '../../../src/core/console/console-service.js';
import { NO_SECRET_BOX, ProfileStore } from '../../../src/core/console/profile-store.js';
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

const corp = { name: 'corp-prod', host: 'db-prod.corp.internal', port: 3306, user: 'ops', database: 'booking', environment: 'production', readOnly: true } as const;
const mine = { name: 'my-staging', host: 'db-staging.corp.internal', port: 3306, user: 'me', database: 'booking_staging', environment: 'staging', readOnly: false } as const;
const SECRET = 'corp-s3cret!';

let dir: string;
let managedFile: string;
let userFile: string;
const services: ConsoleService[] = [];
const logged: string[] = [];

function open(): ConsoleService {
  const log = { warn: (text: string) => void logged.push(text), error: (text: string) => void logged.push(text) };
  const service = createDesktopConsole({ userData: join(dir, 'userData'), box: keychain, sandbox: null, logs: new RecentLogLines(), log, managedProfiles: managedFile });
  services.push(service);
  return service;
}

const ship = (content: unknown) => writeFile(managedFile, JSON.stringify(content));
const userJson = async () => JSON.parse(await readFile(userFile, 'utf8')) as Record<string, unknown>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pool-console-managed-pw-'));
  managedFile = join(dir, 'managed-profiles.json');
  userFile = join(dir, 'userData', 'profiles.json');
  logged.length = 0;
  await ship({ version: 1, profiles: [corp] });
});

afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()));
  await rm(dir, { recursive: true, force: true });
});

describe("a user's own password for a managed profile", () => {
  it('is set with profiles.setPassword, stored encrypted apart from the profiles, listed truthfully and used to connect', async () => {
    const managedBefore = await readFile(managedFile, 'utf8');
    const service = open();
    await service.dispatch('profiles.save', { profile: mine, password: 'mine-pw' });

    const reply = await service.dispatch('profiles.setPassword', { name: 'corp-prod', password: SECRET });
    expect(reply).toEqual({ ok: true, result: { ...corp, managed: true, hasPassword: true, passwordStorage: 'encrypted' } });
    expect(await service.dispatch('profiles.list', {})).toEqual({
      ok: true,
      result: [
        { ...corp, managed: true, hasPassword: true, passwordStorage: 'encrypted' },
        { ...mine, managed: false, hasPassword: true, passwordStorage: 'encrypted' },
      ],
    });

    // the user's file: their profile as it was, the managed one's password sealed under credentials
    const stored = await userJson();
    expect(stored.version).toBe(1);
    expect((stored.profiles as { name: string }[]).map((profile) => profile.name)).toEqual(['my-staging']);
    expect(stored.credentials).toEqual([{ name: 'corp-prod', sealedPassword: expect.any(String) }]);
    const text = await readFile(userFile, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain([...SECRET].reverse().join('')); // sealed, not merely reversed in the clear
    expect(await readFile(managedFile, 'utf8')).toBe(managedBefore);

    // a fresh store (the next start) connects with it
    const store = new ProfileStore(userFile, keychain, managedFile);
    expect(await store.connectionProfile('corp-prod')).toEqual({ saved: corp, connection: expect.objectContaining({ host: corp.host, user: 'ops', password: SECRET }) });
    expect((await store.connectionProfile('my-staging')).connection.password).toBe('mine-pw');
  });

  it("is cleared with '': the managed profile connects with no password again and the file has no credentials", async () => {
    const service = open();
    await service.dispatch('profiles.setPassword', { name: 'corp-prod', password: SECRET });
    const cleared = await service.dispatch('profiles.setPassword', { name: 'corp-prod', password: '' });
    expect(cleared).toEqual({ ok: true, result: { ...corp, managed: true, hasPassword: false, passwordStorage: 'none' } });
    expect(await service.dispatch('profiles.list', {})).toMatchObject({ ok: true, result: [{ name: 'corp-prod', hasPassword: false, passwordStorage: 'none' }] });
    expect(await userJson()).toEqual({ version: 1, profiles: [] });
    const store = new ProfileStore(userFile, keychain, managedFile);
    expect((await store.connectionProfile('corp-prod')).connection.password).toBe('');
  });

  it('is kept for this session only without the OS encryption: never on disk, gone after a restart', async () => {
    const store = new ProfileStore(userFile, NO_SECRET_BOX, managedFile);
    expect(await store.setPassword('corp-prod', SECRET)).toEqual({ ...corp, managed: true, hasPassword: true, passwordStorage: 'session-only' });
    expect(await store.list()).toEqual([{ ...corp, managed: true, hasPassword: true, passwordStorage: 'session-only' }]);
    expect((await store.connectionProfile('corp-prod')).connection.password).toBe(SECRET);
    // nothing to write: no file at all
    await expect(readFile(userFile, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });

    // with the user's own profile saved meanwhile, the file still carries no password of either
    await store.save(mine, 'mine-pw');
    expect(await readFile(userFile, 'utf8')).not.toMatch(/s3cret|mine-pw|credentials/);

    const restarted = new ProfileStore(userFile, NO_SECRET_BOX, managedFile);
    expect(await restarted.list()).toMatchObject([{ name: 'corp-prod', hasPassword: false, passwordStorage: 'none' }, { name: 'my-staging', hasPassword: false }]);
    expect((await restarted.connectionProfile('corp-prod')).connection.password).toBe('');

    expect(await store.setPassword('corp-prod', '')).toMatchObject({ hasPassword: false, passwordStorage: 'none' });
    expect((await store.connectionProfile('corp-prod')).connection.password).toBe('');
  });

  it('leaves the managed definition read-only: save and delete still refuse, and the password survives them', async () => {
    const service = open();
    await service.dispatch('profiles.setPassword', { name: 'corp-prod', password: SECRET });
    expect(await service.dispatch('profiles.save', { profile: { ...corp, readOnly: false }, password: 'other' })).toMatchObject({ ok: false, error: { code: 'NO_PRIVILEGE' } });
    expect(await service.dispatch('profiles.delete', { name: 'corp-prod' })).toMatchObject({ ok: false, error: { code: 'NO_PRIVILEGE' } });
    expect(await service.dispatch('profiles.list', {})).toEqual({ ok: true, result: [{ ...corp, managed: true, hasPassword: true, passwordStorage: 'encrypted' }] });
    expect((await userJson()).profiles).toEqual([]);

    // saving and deleting the user's own profiles keeps it too
    await service.dispatch('profiles.save', { profile: mine });
    await service.dispatch('profiles.delete', { name: 'my-staging' });
    const store = new ProfileStore(userFile, keychain, managedFile);
    expect((await store.connectionProfile('corp-prod')).connection.password).toBe(SECRET);
  });

  it("works on the user's own profiles too, and refuses an unknown name, naming it", async () => {
    const service = open();
    await service.dispatch('profiles.save', { profile: mine });
    expect(await service.dispatch('profiles.setPassword', { name: 'my-staging', password: 'mine-pw' })).toEqual({
      ok: true,
      result: { ...mine, managed: false, hasPassword: true, passwordStorage: 'encrypted' },
    });
    const store = new ProfileStore(userFile, keychain, managedFile);
    expect((await store.connectionProfile('my-staging')).connection.password).toBe('mine-pw');
    expect(await userJson()).not.toHaveProperty('credentials');

    const unknown = await service.dispatch('profiles.setPassword', { name: 'nobody', password: SECRET });
    expect(unknown).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: "There is no saved profile named 'nobody'." } });
    // a schema refusal: no password in the answer either
    const tooLong = await service.dispatch('profiles.setPassword', { name: 'corp-prod', password: `${SECRET}${'x'.repeat(1024)}` });
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(JSON.stringify([unknown, tooLong, logged])).not.toContain(SECRET);
  });

  it("is kept apart from a hidden own profile of the same name: each keeps its password", async () => {
    await rm(managedFile);
    const service = open();
    await service.dispatch('profiles.save', { profile: { ...corp, host: 'my-own-host' }, password: 'own-pw' });
    await ship({ version: 1, profiles: [corp] });
    await service.dispatch('profiles.setPassword', { name: 'corp-prod', password: SECRET });
    const store = new ProfileStore(userFile, keychain, managedFile);
    expect((await store.connectionProfile('corp-prod')).connection).toMatchObject({ host: corp.host, password: SECRET });
    await rm(managedFile);
    expect((await store.connectionProfile('corp-prod')).connection).toMatchObject({ host: 'my-own-host', password: 'own-pw' });
  });
});

describe('profiles files', () => {
  it('written before credentials existed are still read, and keep their profiles when a managed password is added', async () => {
    await mkdir(join(dir, 'userData'), { recursive: true });
    const sealed = keychain.encrypt('mine-pw');
    await writeFile(userFile, JSON.stringify({ version: 1, profiles: [{ ...mine, sealedPassword: sealed }] }));
    const store = new ProfileStore(userFile, keychain, managedFile);
    expect(await store.list()).toEqual([
      { ...corp, managed: true, hasPassword: false, passwordStorage: 'none' },
      { ...mine, managed: false, hasPassword: true, passwordStorage: 'encrypted' },
    ]);
    await store.setPassword('corp-prod', SECRET);
    expect(await userJson()).toEqual({
      version: 1,
      profiles: [{ ...mine, sealedPassword: sealed }],
      credentials: [{ name: 'corp-prod', sealedPassword: keychain.encrypt(SECRET) }],
    });
    expect((await store.connectionProfile('my-staging')).connection.password).toBe('mine-pw');
  });

  it('with a malformed credentials entry are refused as damaged, like any other damage', async () => {
    await mkdir(join(dir, 'userData'), { recursive: true });
    await writeFile(userFile, JSON.stringify({ version: 1, profiles: [], credentials: [{ name: 'corp-prod', password: SECRET }] }));
    const listed = await open().dispatch('profiles.list', {});
    expect(listed).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('is damaged') } });
    expect(JSON.stringify(listed)).not.toContain(SECRET);
  });
});
