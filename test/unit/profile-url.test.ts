import { describe, expect, it } from 'vitest';
import { partsFromUrl, profileFromUrl } from '../../src/core/db/profile-url.js';
import { thrown } from '../helpers/thrown.js';


describe('profileFromUrl', () => {
  it('reads every part of a mysql:// URL', () => {
    expect(profileFromUrl('mysql://ops:s3cret@db.example:3307/booking')).toEqual({
      host: 'db.example',
      port: 3307,
      user: 'ops',
      password: 's3cret',
      database: 'booking',
    });
  });

  it('defaults the port and the password, and accepts mariadb://', () => {
    expect(profileFromUrl('mariadb://root@10.1.2.3/booking')).toEqual({ host: '10.1.2.3', port: 3306, user: 'root', password: '', database: 'booking' });
  });

  it('decodes percent-escapes in user, password and database', () => {
    const profile = profileFromUrl('mysql://op%20s:p%40ss%3Aw%2Frd@db.example/book%24ing');
    expect(profile).toMatchObject({ user: 'op s', password: 'p@ss:w/rd', database: 'book$ing' });
  });

  it('takes a password with a raw @ whole', () => {
    expect(profileFromUrl('mysql://root:P@ss@db.example/booking')).toMatchObject({ user: 'root', password: 'P@ss', host: 'db.example' });
  });

  it('reads a socket path from ?socket=', () => {
    expect(profileFromUrl('mysql://root@localhost/booking?socket=/run/mysqld/mysqld.sock').socketPath).toBe('/run/mysqld/mysqld.sock');
  });

  it('gives an IPv6 literal to the driver without brackets', () => {
    expect(profileFromUrl('mysql://root@[::1]:3307/booking')).toMatchObject({ host: '::1', port: 3307 });
  });

  it.each([
    ['a scheme other than mysql:// or mariadb://', 'postgres://root:pw@db.example/booking', /must start with mysql:\/\/ or mariadb:\/\/, not postgres:\/\//],
    ['something that is not a URL', 'booking on db.example', /not a URL/],
    ['a host without a scheme', 'db.example:3306/booking', /must start with mysql:\/\//],
    ['no database', 'mysql://root:pw@db.example:3306/', /database/],
    ['no user', 'mysql://db.example:3306/booking', /user/],
    ['a database name with a dot', 'mysql://root@db.example/booking.x', /database/],
    ['a port out of range', 'mysql://root@db.example:70000/booking', /not a URL/],
    ['a malformed escape', 'mysql://root:100%@db.example/booking', /password has a malformed %-escape/],
  ])('refuses %s with INVALID_INPUT', (_, url, message) => {
    const error = thrown(() => profileFromUrl(url));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(message);
  });

  it('never repeats the password in its refusals', () => {
    for (const url of ['mysql://root:Hidden-Pw1@db.example/', 'mysql://root:Hidden-Pw1%@db.example/booking', 'http://root:Hidden-Pw1@db.example/booking']) {
      expect(thrown(() => profileFromUrl(url)).message).not.toContain('Hidden-Pw1');
    }
  });
});

describe('partsFromUrl', () => {
  it('leaves the parts a URL does not give undefined, for flags to fill in', () => {
    expect(partsFromUrl('mysql://db.example/')).toEqual({
      host: 'db.example',
      port: undefined,
      user: undefined,
      password: undefined,
      database: undefined,
      socketPath: undefined,
    });
  });

  it('still refuses a foreign scheme', () => {
    expect(thrown(() => partsFromUrl('https://db.example/booking')).code).toBe('INVALID_INPUT');
  });
});
