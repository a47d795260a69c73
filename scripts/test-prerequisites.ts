// `pretest`: makes sure the machine has what the tests need (test/setup/prerequisites.ts), so that
// `npm install && npm test` works on a fresh machine. Root on Debian/Ubuntu: installs what is
// missing with apt-get, in one line. Elsewhere, or with POOL_TEST_NO_INSTALL=1: names the command
// to run and exits 1 before any test starts. Silent when everything is there.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { decide, PREREQUISITES, osFamily, type Machine } from '../test/setup/prerequisites.js';

// apt-get update plus an install of chromium took ~30 s here; a slow mirror gets ten times that
const INSTALL_TIMEOUT_MS = 5 * 60_000;

function survey(): Machine {
  const env = process.env;
  const found: Machine['found'] = {};
  for (const item of PREREQUISITES) {
    found[item.name] = (item.needed?.(env) ?? true) ? item.find(env) : null;
  }
  let osRelease: string | null = null;
  try {
    osRelease = fs.readFileSync('/etc/os-release', 'utf8');
  } catch {
    // not Linux, or a minimal image
  }
  const hasAptGet = ['/usr/bin', '/bin', ...(env.PATH ?? '').split(path.delimiter)].some((dir) =>
    fs.existsSync(path.join(dir, 'apt-get')),
  );
  return { found, isRoot: process.getuid?.() === 0, os: osFamily(process.platform, osRelease), hasAptGet, env };
}

/** Runs apt-get quietly within what is left of the deadline; its output only when it fails. */
function aptGet(args: string[], deadline: number): void {
  const result = spawnSync('apt-get', ['-qq', '-o', 'DPkg::Lock::Timeout=120', ...args], {
    // another worktree's pretest may be installing at the same moment: wait for its lock
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
    timeout: Math.max(1_000, deadline - Date.now()),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status === 0) return;
  const why = result.error?.message ?? (result.signal ? `killed by ${result.signal} (time limit ${INSTALL_TIMEOUT_MS / 1000} s)` : `exit ${result.status}`);
  const tail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trimEnd().split('\n').slice(-10).join('\n');
  throw new Error(`apt-get ${args.join(' ')} failed: ${why}${tail ? `\n${tail}` : ''}`);
}

function main(): number {
  const decision = decide(survey());
  if (decision.action === 'none') return 0;
  console.log(decision.line);
  if (decision.action === 'stop') return 1;

  const deadline = Date.now() + INSTALL_TIMEOUT_MS;
  try {
    aptGet(['update'], deadline);
    aptGet(['install', '-y', ...decision.packages], deadline);
  } catch (error) {
    console.error(`test prerequisites: ${(error as Error).message}`);
    console.error(`Install ${decision.packages.join(' ')} by hand (apt-get install -y ${decision.packages.join(' ')}), or set POOL_TEST_NO_INSTALL=1 to see what else could be used.`);
    return 1;
  }
  // installed is not the same as found: check again, and stop with the usual line if not
  const after = decide({ ...survey(), isRoot: false });
  if (after.action === 'none') return 0;
  console.log(after.line);
  return 1;
}

process.exitCode = main();
