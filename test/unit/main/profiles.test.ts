import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleService } from '../../../src/core/console/console-service.js';
import { createDesktopConsole } from '../../../src/main/desktop-console.js';
import { RecentLogLines } from '../../../src/main/recent-log-lines.js';
import { safeStorageBox } from '../../../src/main/secret-box.js';

/**
 * Electron's safeStorage, faked (Electron cannot run here): it "encrypts" by reversing and
 * remembers whether the OS keychain is there. Everything else is the real ProfileStore and service.
 */
function fakeSafeStorage(available: boolean, backend: 'gnome_libsecret' | 'basic_text' = 'gnome_libsecret') {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (plain: string) => {
      if (!available) throw new Error('Encryption is not available.');
      return Buffer.from([...plain].reverse().join(''));
    },
    decryptString: (sealed: Buffer) => [...sealed.toString()].reverse().join(''),
  };
}

const PASSWORD = 'Tr0ub4dor&3-horse';
const profile = { name: 'prod', host: 'db.example', port: 3306, user: 'ops', database: 'booking', environment: 'production', readOnly: true };
const noLog = { warn: () => undefined, error: () => undefined };

let dir: string;
const services: ConsoleService[] = [];

function open(storage: ReturnType<typeof fakeSafeStorage>, platform: NodeJS.Platform = 'linux') {
  const service = createDesktopConsole({ userData: dir, box: safeStorageBox(storage, platform), sandbox: null, logs: new RecentLogLines(), log: noLog, managedProfiles: null });
  services.push(service);
  return service;
}

async function profilesFile(): Promise<string> {
  return readFile(join(dir, 'profiles.json'), 'utf8');
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pool-console-profiles-'));
});

afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('connection profiles in the desktop app', () => {
  it('are stored in <userData>/profiles.json with the password sealed, never in clear', async () => {
    const service = open(fakeSafeStorage(true));
    expect(await service.dispatch('profiles.save', { profile, password: PASSWORD })).toMatchObject({
      ok: true,
      result: { name: 'prod', hasPassword: true, passwordStorage: 'encrypted', readOnly: true, environment: 'production' },
    });
    const text = await profilesFile();
    expect(text).not.toContain(PASSWORD);
    const stored = JSON.parse(text).profiles[0];
    expect(stored).not.toHaveProperty('password');
    expect(Buffer.from(stored.sealedPassword, 'base64').toString()).toBe([...PASSWORD].reverse().join(''));
    expect(await service.dispatch('app.info', {})).toMatchObject({ ok: true, result: { passwordEncryption: true, shell: 'desktop', dataDir: dir } });

    // a later run decrypts it, and the UI never sees it
    const later = open(fakeSafeStorage(true));
    const listed = await later.dispatch('profiles.list', {});
    expect(JSON.stringify(listed)).not.toContain(PASSWORD);
    expect(listed).toMatchObject({ ok: true, result: [{ name: 'prod', passwordStorage: 'encrypted' }] });
  });

  it('keep the password in memory for the session only where the OS has no encryption, and say so', async () => {
    const service = open(fakeSafeStorage(false));
    expect(await service.dispatch('app.info', {})).toMatchObject({ ok: true, result: { passwordEncryption: false } });
    expect(await service.dispatch('profiles.save', { profile, password: PASSWORD })).toMatchObject({
      ok: true,
      result: { hasPassword: true, passwordStorage: 'session-only' },
    });
    const text = await profilesFile();
    expect(text).not.toContain(PASSWORD);
    expect(JSON.parse(text).profiles[0]).not.toHaveProperty('sealedPassword');

    // the next run has the profile but not the password
    const nextRun = open(fakeSafeStorage(false));
    expect(await nextRun.dispatch('profiles.list', {})).toMatchObject({ ok: true, result: [{ name: 'prod', hasPassword: false, passwordStorage: 'none' }] });
  });

  it("treat Linux's basic_text store (a fixed, public key) as no encryption", async () => {
    const service = open(fakeSafeStorage(true, 'basic_text'), 'linux');
    expect(await service.dispatch('app.info', {})).toMatchObject({ ok: true, result: { passwordEncryption: false } });
    await service.dispatch('profiles.save', { profile, password: PASSWORD });
    expect(JSON.parse(await profilesFile()).profiles[0]).not.toHaveProperty('sealedPassword');
    // the same backend name means nothing outside Linux
    expect(safeStorageBox(fakeSafeStorage(true, 'basic_text'), 'darwin').available).toBe(true);
  });

  it('round-trip through the box as base64 text', () => {
    const box = safeStorageBox(fakeSafeStorage(true));
    const sealed = box.encrypt('pässwörd ✓');
    expect(sealed).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(box.decrypt(sealed)).toBe('pässwörd ✓');
  });
});
