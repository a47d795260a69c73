import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decide, findChromium, findGaleraProvider, osFamily, PREREQUISITES, type Machine } from '../setup/prerequisites.js';

const SERVER = 'MariaDB/MySQL server (mariadbd or mysqld)';
const CHROMIUM = 'Chromium';
const GALERA = 'Galera provider (libgalera_smm.so)';

/** A machine with everything; `overrides.found` replaces only the rows it names. */
function machine(overrides: Partial<Machine> = {}): Machine {
  return {
    isRoot: true,
    os: 'debian',
    hasAptGet: true,
    env: {},
    ...overrides,
    found: { [SERVER]: '/usr/sbin/mariadbd', [CHROMIUM]: '/usr/bin/chromium', [GALERA]: '/usr/lib/galera/libgalera_smm.so', ...overrides.found },
  };
}

describe("npm test's prerequisite step: what it decides", () => {
  it('does nothing when everything is present', () => {
    expect(decide(machine())).toEqual({ action: 'none' });
  });

  it('installs a missing Chromium with apt-get as root on Debian, saying so in one line with the off switch', () => {
    const decision = decide(machine({ found: { [SERVER]: '/usr/sbin/mariadbd', [CHROMIUM]: null } }));
    expect(decision.action).toBe('install');
    if (decision.action !== 'install') return;
    expect(decision.packages).toEqual(['chromium']);
    expect(decision.line).toMatch(/^test prerequisites: installing chromium with apt-get \(missing Chromium: .+\); POOL_TEST_NO_INSTALL=1 turns this off\.$/);
    expect(decision.line).not.toContain('\n');
  });

  it("installs both in one apt-get when both are missing, with Ubuntu's Chromium package on Ubuntu", () => {
    const decision = decide(machine({ os: 'ubuntu', found: { [SERVER]: null, [CHROMIUM]: null } }));
    expect(decision).toMatchObject({ action: 'install', packages: ['mariadb-server', 'chromium-browser'] });
  });

  it.each([
    ['not root', { isRoot: false }, 'sudo apt-get install -y chromium'],
    ['Fedora', { os: 'fedora' as const }, 'sudo dnf install -y chromium'],
    ['macOS', { os: 'macos' as const, hasAptGet: false }, 'brew install --cask chromium'],
    ['Debian without apt-get', { hasAptGet: false }, 'sudo apt-get install -y chromium'],
  ])('stops with the command to run and the variable when Chromium is missing and it cannot install: %s', (_, overrides, command) => {
    const decision = decide(machine({ ...overrides, found: { [SERVER]: '/usr/sbin/mariadbd', [CHROMIUM]: null } }));
    expect(decision).toEqual({
      action: 'stop',
      line: `test prerequisites: no Chromium on this machine: run \`${command}\`, or set POOL_E2E_CHROMIUM=… to point at an existing one.`,
    });
  });

  it('names what to install on an OS it knows no command for', () => {
    const decision = decide(machine({ os: 'other', found: { [SERVER]: null, [CHROMIUM]: '/usr/bin/chromium' } }));
    expect(decision).toEqual({
      action: 'stop',
      line: 'test prerequisites: no MariaDB/MySQL server (mariadbd or mysqld) on this machine: install MariaDB/MySQL server (mariadbd or mysqld), or set POOL_TEST_DATABASE_URL=… to point at an existing one.',
    });
  });

  it('only reports, and stops, when POOL_TEST_NO_INSTALL is set, even as root on Debian', () => {
    const decision = decide(machine({ env: { POOL_TEST_NO_INSTALL: '1' }, found: { [SERVER]: null, [CHROMIUM]: null } }));
    expect(decision).toEqual({
      action: 'stop',
      line:
        'test prerequisites: no MariaDB/MySQL server (mariadbd or mysqld) and Chromium on this machine (POOL_TEST_NO_INSTALL is set, so nothing is installed): ' +
        'run `sudo apt-get install -y mariadb-server chromium`, or set POOL_TEST_DATABASE_URL=… or POOL_E2E_CHROMIUM=… to point at an existing one.',
    });
  });

  it('stops, installing nothing, when POOL_E2E_CHROMIUM names no executable', () => {
    const env = { POOL_E2E_CHROMIUM: '/opt/nowhere/chrome' };
    expect(decide(machine({ env, found: { [SERVER]: '/usr/sbin/mariadbd', [CHROMIUM]: null } }))).toEqual({
      action: 'stop',
      line: "test prerequisites: POOL_E2E_CHROMIUM=/opt/nowhere/chrome is not an executable Chromium: point it at one, or unset it to use (or install) the machine's own.",
    });
  });

  it('needs no server binary when POOL_TEST_DATABASE_URL names a server', () => {
    const env = { POOL_TEST_DATABASE_URL: 'mysql://root@db:3306/' };
    expect(decide(machine({ env, isRoot: false, found: { [SERVER]: null, [CHROMIUM]: '/usr/bin/chromium' } }))).toEqual({ action: 'none' });
  });

  it("installs galera-4 for the cluster tests when the Galera provider is missing, and needs none for a server of the user's own", () => {
    expect(decide(machine({ found: { [GALERA]: null } }))).toMatchObject({ action: 'install', packages: ['galera-4'] });
    const env = { POOL_TEST_DATABASE_URL: 'mysql://root@db:3306/' };
    expect(decide(machine({ env, found: { [SERVER]: null, [GALERA]: null } }))).toEqual({ action: 'none' });
  });

  it('tells the OS family from /etc/os-release, ID_LIKE included', () => {
    expect(osFamily('linux', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')).toBe('debian');
    expect(osFamily('linux', 'ID=ubuntu\nID_LIKE=debian\n')).toBe('ubuntu');
    expect(osFamily('linux', 'ID=linuxmint\nID_LIKE="ubuntu debian"\n')).toBe('ubuntu');
    expect(osFamily('linux', 'ID="rocky"\nID_LIKE="rhel centos fedora"\n')).toBe('fedora');
    expect(osFamily('linux', 'ID=alpine\n')).toBe('other');
    expect(osFamily('linux', null)).toBe('other');
    expect(osFamily('darwin', null)).toBe('macos');
  });

  it('has one row per prerequisite, each with its variable and Debian package', () => {
    for (const item of PREREQUISITES) {
      expect(item.env).toMatch(/^POOL_[A-Z0-9_]+$/);
      expect(item.packages.apt).toMatch(/^[a-z0-9.+-]+$/);
    }
  });
});

describe('findGaleraProvider()', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pool-galera-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes POOL_GALERA_PROVIDER when it names a file (null when it does not), else the first well-known path that exists', () => {
    const library = path.join(dir, 'libgalera_smm.so');
    fs.writeFileSync(library, '');
    expect(findGaleraProvider({ POOL_GALERA_PROVIDER: library })).toBe(library);
    expect(findGaleraProvider({ POOL_GALERA_PROVIDER: path.join(dir, 'absent.so') })).toBeNull();
    expect(findGaleraProvider({}, [path.join(dir, 'absent.so'), library])).toBe(library);
    expect(findGaleraProvider({}, [path.join(dir, 'absent.so')])).toBeNull();
  });
});

describe('findChromium()', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pool-chromium-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes POOL_E2E_CHROMIUM when it names an executable, and reports null rather than guess when it does not', () => {
    const fake = path.join(dir, 'my-chromium');
    fs.writeFileSync(fake, '#!/bin/sh\n', { mode: 0o755 });
    expect(findChromium({ POOL_E2E_CHROMIUM: fake })).toBe(fake);
    expect(findChromium({ POOL_E2E_CHROMIUM: path.join(dir, 'absent') })).toBeNull();
  });

  it('finds chromium-browser or google-chrome in PATH, then a well-known path, else nothing', () => {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const chrome = path.join(bin, 'google-chrome');
    fs.writeFileSync(chrome, '#!/bin/sh\n', { mode: 0o755 });
    expect(findChromium({ PATH: `${path.join(dir, 'empty')}${path.delimiter}${bin}` }, [])).toBe(chrome);
    expect(findChromium({ PATH: '' }, [chrome])).toBe(chrome);
    // a machine without one: the step then installs or stops, as decided above
    expect(findChromium({ PATH: '' }, [])).toBeNull();
    expect(findChromium({ PATH: path.join(dir, 'empty') }, [path.join(dir, 'absent')])).toBeNull();
  });
});
