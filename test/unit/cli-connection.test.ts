import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileFromFlags, resolveTarget } from '../../src/cli/connection.js';
import { NO_SECRET_BOX, ProfileStore } from '../../src/core/console/profile-store.js';
import { makeTempDir } from '../helpers/temp-dirs.js';
import { thrown as refusal } from '../helpers/thrown.js';


const URL_ENV = { POOL_DATABASE_URL: 'mysql://ops:from-url@db.example:3307/booking' };

describe('profileFromFlags', () => {
  it('reads --url', () => {
    expect(profileFromFlags({ url: 'mysql://ops:pw1@db.example:3307/booking' }, {})).toEqual({
      host: 'db.example',
      port: 3307,
      user: 'ops',
      password: 'pw1',
      database: 'booking',
    });
  });

  it('falls back to POOL_DATABASE_URL, and --url wins over it', () => {
    expect(profileFromFlags({}, URL_ENV)).toMatchObject({ host: 'db.example', user: 'ops', password: 'from-url', database: 'booking' });
    expect(profileFromFlags({ url: 'mysql://root@other.example/other' }, URL_ENV)).toMatchObject({ host: 'other.example', user: 'root', database: 'other' });
  });

  it('lets single flags override the parts of the URL', () => {
    const profile = profileFromFlags(
      { host: 'replica.example', port: '3310', user: 'reader', database: 'booking_copy', socket: '/tmp/my.sock' },
      URL_ENV,
    );
    expect(profile).toEqual({
      host: 'replica.example',
      port: 3310,
      user: 'reader',
      password: 'from-url',
      database: 'booking_copy',
      socketPath: '/tmp/my.sock',
    });
  });

  it('lets flags complete a URL that lacks its user or database', () => {
    expect(profileFromFlags({ url: 'mysql://db.example/', database: 'booking', user: 'ops' }, {})).toMatchObject({
      host: 'db.example',
      user: 'ops',
      database: 'booking',
    });
    expect(profileFromFlags({ url: 'mysql://db.example/booking' }, {}).user).toBe('root');
  });

  it('takes the password from POOL_DATABASE_PASSWORD over the URL, and --password over both', () => {
    expect(profileFromFlags({}, { ...URL_ENV, POOL_DATABASE_PASSWORD: 'from-env' }).password).toBe('from-env');
    expect(profileFromFlags({ password: 'from-flag' }, { ...URL_ENV, POOL_DATABASE_PASSWORD: 'from-env' }).password).toBe('from-flag');
    expect(profileFromFlags({ database: 'booking' }, { POOL_DATABASE_PASSWORD: 'from-env' }).password).toBe('from-env');
  });

  it('builds a profile from flags alone, with defaults', () => {
    expect(profileFromFlags({ database: 'booking' }, {})).toEqual({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'booking' });
  });

  it('refuses a missing database with INVALID_INPUT', () => {
    for (const [flags, env] of [
      [{}, {}],
      [{ host: 'db.example', user: 'ops' }, {}],
      [{ url: 'mysql://root@db.example:3306/' }, {}],
      [{}, { POOL_DATABASE_URL: 'mysql://root@db.example/' }],
    ] as const) {
      const error = refusal(() => profileFromFlags(flags, env));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toMatch(/No database given/);
    }
  });

  it.each(['abc', '0', '70000', '', '1e3', '0x50', '-1'])('refuses --port %j with INVALID_INPUT', (port) => {
    const error = refusal(() => profileFromFlags({ database: 'booking', port }, {}));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/^Invalid --port: /);
  });

  it('refuses a non-mysql scheme with INVALID_INPUT', () => {
    for (const url of ['postgres://root@db.example/booking', 'https://db.example/booking']) {
      const error = refusal(() => profileFromFlags({ url }, {}));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toMatch(/must start with mysql:\/\/ or mariadb:\/\//);
    }
    expect(refusal(() => profileFromFlags({}, { POOL_DATABASE_URL: 'postgres://root@db.example/booking' })).code).toBe('INVALID_INPUT');
  });

  it('refuses an invalid database name or socket path naming the flag', () => {
    expect(refusal(() => profileFromFlags({ database: 'no spaces' }, {})).message).toMatch(/^Invalid --database: /);
    expect(refusal(() => profileFromFlags({ database: 'booking', socket: '' }, {})).message).toMatch(/^Invalid --socket: /);
  });
});

describe('resolveTarget', () => {
  const store = async () => new ProfileStore(path.join(await makeTempDir(), 'profiles.json'), NO_SECRET_BOX);

  it('makes the unsaved profile "command line" from the URL, read-only with --read-only', async () => {
    const profiles = await store();
    const plain = await resolveTarget({ url: 'mysql://ops:pw1@db.example:3307/booking' }, profiles, {});
    expect(plain.saved).toMatchObject({ name: 'command line', host: 'db.example', port: 3307, user: 'ops', database: 'booking', readOnly: false });
    expect(plain.saved).not.toHaveProperty('password');
    expect(plain.connection.password).toBe('pw1');
    expect((await resolveTarget({ url: 'mysql://ops@db.example/booking', readOnly: true }, profiles, {})).saved.readOnly).toBe(true);
  });

  it('opens a saved profile, its password from POOL_DATABASE_PASSWORD, and --read-only makes it read-only', async () => {
    const profiles = await store();
    await profiles.save({ name: 'staging', host: 'db.example', port: 3306, user: 'ops', database: 'booking', environment: 'staging', readOnly: false });
    const target = await resolveTarget({ profile: 'staging', readOnly: true }, profiles, { POOL_DATABASE_PASSWORD: 'from-env' });
    expect(target.saved).toMatchObject({ name: 'staging', readOnly: true });
    expect(target.connection).toMatchObject({ host: 'db.example', user: 'ops', password: 'from-env', database: 'booking' });
  });

  it('refuses --profile together with the URL or its parts, naming the flag', async () => {
    const profiles = await store();
    await expect(resolveTarget({ profile: 'staging', port: '3307' }, profiles, {})).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^Invalid --port: give either --profile NAME/) });
  });
});
