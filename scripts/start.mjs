#!/usr/bin/env node
/* global process, console */
// `npm start`: builds the console, then opens the desktop app; where Electron's binary cannot be
// had (an offline machine, where `npm install` could not download it) or there is no display for
// its window, it says so in one line and opens the console in serve mode on the sandbox instead.
//
//   node scripts/start.mjs [--skip-build] [-- SERVE ARGS]
//
// --skip-build uses the existing out/ build. SERVE ARGS replace serve's default `--sandbox`
// (e.g. `-- --profile staging`).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { electronBinary } from './electron-binary.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Why the desktop app cannot open here, in one line; null when it can. */
function whyNoDesktop(env = process.env) {
  if (!electronBinary(env)) return "Electron's binary is not installed on this machine; opening the console in serve mode instead";
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return 'There is no display for the desktop window on this machine; opening the console in serve mode instead';
  }
  return null;
}

/** Runs a child with this terminal, passing Ctrl-C and SIGTERM on; resolves with its exit code. */
function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (error) => {
      console.error(`Cannot run ${command}: ${error.message}`);
      resolve(2);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}

async function main(argv) {
  const separator = argv.indexOf('--');
  const own = separator < 0 ? argv : argv.slice(0, separator);
  const serveArgs = separator < 0 ? ['--sandbox'] : argv.slice(separator + 1);
  const unknown = own.find((arg) => arg !== '--skip-build');
  if (unknown) {
    console.error(`start: unknown option ${unknown}. Usage: node scripts/start.mjs [--skip-build] [-- SERVE ARGS]`);
    return 2;
  }

  if (!own.includes('--skip-build')) {
    const built = await run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { shell: process.platform === 'win32' });
    if (built !== 0) return built;
  }

  const reason = whyNoDesktop();
  if (reason === null) return run(electronBinary(), [ROOT]);
  console.log(reason);
  return run(process.execPath, [path.join(ROOT, 'bin', 'pool-console.mjs'), 'serve', ...serveArgs]);
}

process.exitCode = await main(process.argv.slice(2));
