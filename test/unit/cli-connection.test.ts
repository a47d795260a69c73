import { describe, expect, it } from 'vitest';
import { profileFromFlags } from '../../src/cli/connection.js';
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
