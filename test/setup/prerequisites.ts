// What `npm test` needs from the machine beyond node_modules, how each is found, and what to do
// when one is missing. scripts/test-prerequisites.ts runs it as `pretest`; the decision itself is
// the pure function decide(), so test/unit/test-prerequisites.test.ts covers it without apt-get.
import fs from 'node:fs';
import path from 'node:path';
import { findServerBinary } from '../../src/core/sandbox/local-server.js';

export type Env = Record<string, string | undefined>;

/** Turns installing off: the step then only names what to install and stops. */
export const NO_INSTALL_ENV = 'POOL_TEST_NO_INSTALL';

/** Package managers we can name a command for; only apt is ever run, and only as root. */
export type OsFamily = 'debian' | 'ubuntu' | 'fedora' | 'macos' | 'other';

export interface Prerequisite {
  name: string;
  /** Why the tests need it, for the one line printed. */
  why: string;
  /** The environment variable that points at an existing one instead. */
  env: string;
  /** The path found, or null; `env` is passed so a test can look somewhere else. */
  find(env: Env): string | null;
  /** Whether the tests need it at all under this environment. */
  needed?(env: Env): boolean;
  /** Package per package manager; the apt names are the ones the step may install. */
  packages: { apt: string; aptUbuntu?: string; dnf: string; brew: string };
}

const SERVER_ENV = 'POOL_TEST_DATABASE_URL';
const CHROMIUM_ENV = 'POOL_E2E_CHROMIUM';

/** Names a Chromium goes by in PATH, and where one lives when PATH has none (sudo's, macOS apps). */
const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
export const WELL_KNOWN_CHROMIUMS = [
  '/usr/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The Chromium the end-to-end tests drive: POOL_E2E_CHROMIUM when set (and only it, so a wrong
 * setting is reported, not silently replaced), else the first in PATH, else a well-known one.
 */
export function findChromium(env: Env = process.env, wellKnown = WELL_KNOWN_CHROMIUMS): string | null {
  const named = env[CHROMIUM_ENV];
  if (named) return executable(named) ? named : null;
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of CHROMIUM_NAMES) {
      const candidate = path.join(dir, name);
      if (executable(candidate)) return candidate;
    }
  }
  return wellKnown.find(executable) ?? null;
}

/** Where Debian's galera-4 (and Fedora's galera) put the Galera provider library. */
export const GALERA_PROVIDER_PATHS = [
  '/usr/lib/galera/libgalera_smm.so',
  '/usr/lib/galera-4/libgalera_smm.so',
  '/usr/lib64/galera-4/libgalera_smm.so',
  '/usr/lib64/galera/libgalera_smm.so',
];
const GALERA_ENV = 'POOL_GALERA_PROVIDER';

/** The Galera provider the cluster tests load: POOL_GALERA_PROVIDER when set (and only it), else a well-known path. */
export function findGaleraProvider(env: Env = process.env, wellKnown = GALERA_PROVIDER_PATHS): string | null {
  const isFile = (file: string) => {
    try {
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  const named = env[GALERA_ENV];
  if (named) return isFile(named) ? named : null;
  return wellKnown.find(isFile) ?? null;
}

/** The table: later tests (e.g. the replica tests) add their rows here. */
export const PREREQUISITES: Prerequisite[] = [
  {
    name: 'MariaDB/MySQL server (mariadbd or mysqld)',
    why: 'the tests start a throwaway database server from it',
    env: SERVER_ENV,
    find: () => findServerBinary()?.path ?? null,
    // a server of the user's own replaces the binary
    needed: (env) => !env[SERVER_ENV],
    packages: { apt: 'mariadb-server', dnf: 'mariadb-server', brew: 'mariadb' },
  },
  {
    name: 'Chromium',
    why: 'the end-to-end tests drive the console in it',
    env: CHROMIUM_ENV,
    find: (env) => findChromium(env),
    // Ubuntu's "chromium" is not an apt package; chromium-browser is
    packages: { apt: 'chromium', aptUbuntu: 'chromium-browser', dnf: 'chromium', brew: '--cask chromium' },
  },
  {
    name: 'Galera provider (libgalera_smm.so)',
    why: '`npm run test:cluster` starts a 3-node Galera cluster with it (Debian installs it with mariadb-server)',
    env: GALERA_ENV,
    find: (env) => findGaleraProvider(env),
    // only a local MariaDB runs it; a server named by POOL_TEST_DATABASE_URL leaves the cluster tests nothing to start it with
    needed: (env) => !env[SERVER_ENV],
    packages: { apt: 'galera-4', dnf: 'galera', brew: 'galera' },
  },
];

export interface Machine {
  /** Per prerequisite name: the path found, or null. */
  found: Record<string, string | null>;
  isRoot: boolean;
  os: OsFamily;
  hasAptGet: boolean;
  env: Env;
}

export type Decision =
  | { action: 'none' }
  | { action: 'install'; packages: string[]; line: string }
  | { action: 'stop'; line: string };

function aptPackage(item: Prerequisite, os: OsFamily): string {
  return os === 'ubuntu' ? (item.packages.aptUbuntu ?? item.packages.apt) : item.packages.apt;
}

/** The command a user on this OS runs to install `missing`, or null where we know none. */
export function installCommand(missing: Prerequisite[], os: OsFamily): string | null {
  switch (os) {
    case 'debian':
    case 'ubuntu':
      return `sudo apt-get install -y ${missing.map((item) => aptPackage(item, os)).join(' ')}`;
    case 'fedora':
      return `sudo dnf install -y ${missing.map((item) => item.packages.dnf).join(' ')}`;
    case 'macos':
      // brew takes casks and formulae in separate commands
      return missing.map((item) => `brew install ${item.packages.brew}`).join(' && ');
    default:
      return null;
  }
}

/**
 * What to do about the machine: nothing, install with apt-get (root on Debian/Ubuntu with apt-get,
 * and installing not turned off), or stop with one line naming the command and the variables.
 */
export function decide(machine: Machine, table: Prerequisite[] = PREREQUISITES): Decision {
  const missing = table.filter((item) => (item.needed?.(machine.env) ?? true) && !machine.found[item.name]);
  if (missing.length === 0) return { action: 'none' };
  // a variable naming nothing usable is a mistake to fix, not a reason to install another one
  const misnamed = missing.find((item) => machine.env[item.env]);
  if (misnamed) {
    return {
      action: 'stop',
      line: `test prerequisites: ${misnamed.env}=${machine.env[misnamed.env]} is not an executable ${misnamed.name}: point it at one, or unset it to use (or install) the machine's own.`,
    };
  }

  const names = missing.map((item) => item.name).join(' and ');
  const envs = missing.map((item) => `${item.env}=…`).join(' or ');
  const installOff = Boolean(machine.env[NO_INSTALL_ENV]) && machine.env[NO_INSTALL_ENV] !== '0';
  const apt = machine.os === 'debian' || machine.os === 'ubuntu';

  if (apt && machine.isRoot && machine.hasAptGet && !installOff) {
    const packages = missing.map((item) => aptPackage(item, machine.os));
    const whys = missing.map((item) => item.why).join('; ');
    return {
      action: 'install',
      packages,
      line: `test prerequisites: installing ${packages.join(' ')} with apt-get (missing ${names}: ${whys}); ${NO_INSTALL_ENV}=1 turns this off.`,
    };
  }

  const command = installCommand(missing, machine.os);
  const how = command ? `run \`${command}\`` : `install ${names}`;
  const why = installOff ? ` (${NO_INSTALL_ENV} is set, so nothing is installed)` : '';
  return {
    action: 'stop',
    line: `test prerequisites: no ${names} on this machine${why}: ${how}, or set ${envs} to point at an existing one.`,
  };
}

/** The OS family from /etc/os-release's ID and ID_LIKE (its text passed in), or the platform. */
export function osFamily(platform: NodeJS.Platform, osRelease: string | null): OsFamily {
  if (platform === 'darwin') return 'macos';
  if (!osRelease) return 'other';
  const field = (key: string): string[] =>
    (osRelease.match(new RegExp(`^${key}="?([^"\\n]*)"?$`, 'm'))?.[1] ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const ids = [...field('ID'), ...field('ID_LIKE')];
  for (const family of ['ubuntu', 'debian', 'fedora'] as const) {
    if (ids.includes(family)) return family;
  }
  // RHEL, CentOS, Rocky: dnf all the same
  return ids.some((id) => ['rhel', 'centos'].includes(id)) ? 'fedora' : 'other';
}
