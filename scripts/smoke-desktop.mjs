#!/usr/bin/env node
/* global process, console, document, window */
// `npm run smoke:desktop`: the desktop app, for real, before each release (on a workstation with
// a display and Electron's binary; not part of `npm test`, which runs where Electron cannot).
// Builds, launches the built app through Playwright's Electron driver with a fresh data folder,
// opens the local sandbox, waits for the Overview's numbers, and checks through the real window
// that context isolation and the sandbox are on and that the page has no `require`.
//   exit 0  all held          exit 1  a check failed (what, and a screenshot path)
//   exit 2  cannot run here (no Electron binary, no display): one line saying so
// Options: --skip-build (use the last build); --executable PATH (a packaged app instead, e.g.
// dist/linux-unpacked/pool-console from `npm run dist:dir`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { electronBinary } from './electron-binary.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
/** The first start of a sandbox installs a database server and seeds 50,000 bookings. */
const SANDBOX_TIMEOUT_MS = 300_000;

function option(name) {
  const index = process.argv.indexOf(name);
  return index < 0 ? null : (process.argv[index + 1] ?? null);
}

async function main() {
  const packaged = option('--executable');
  const executable = packaged ? path.resolve(packaged) : electronBinary();
  if (!executable || !existsSync(executable)) {
    console.log(
      packaged
        ? `smoke:desktop: cannot run here: ${packaged} does not exist`
        : "smoke:desktop: cannot run here: Electron's binary is not installed (node_modules/electron/path.txt names no file under dist/); run it on a workstation where `npm install` downloaded Electron",
    );
    return 2;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.log('smoke:desktop: cannot run here: there is no display (set DISPLAY, or run it under xvfb-run)');
    return 2;
  }
  if (!packaged && !process.argv.includes('--skip-build')) {
    const built = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
    if (built.status !== 0) return 1;
  }

  const { _electron: electron } = await import('playwright-core');
  // A fresh data folder: no saved profile (so the sandbox is offered), its own single-instance
  // lock (a console already open on this workstation does not swallow the launch), no managed file.
  const data = mkdtempSync(path.join(tmpdir(), 'pool-console-smoke-'));
  const step = (text) => console.log(`smoke:desktop: ${text}`);
  let app;
  let page;
  try {
    app = await electron.launch({
      executablePath: executable,
      args: [...(packaged ? [] : [ROOT]), `--user-data-dir=${data}`],
      env: { ...process.env, POOL_CONSOLE_MANAGED_PROFILES: path.join(data, 'no-managed-profiles.json') },
      timeout: 60_000,
    });
    page = await app.firstWindow();
    step(`window open: ${await page.title()}`);

    // Through the real window: what Electron applied to it, and what its page can reach.
    const preferences = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].webContents.getLastWebPreferences());
    const pageGlobals = await page.evaluate(() => ({ require: typeof window.require, process: typeof window.process, module: typeof window.module }));
    const problems = [];
    if (preferences.contextIsolation !== true) problems.push(`contextIsolation is ${preferences.contextIsolation}`);
    if (preferences.sandbox !== true) problems.push(`sandbox is ${preferences.sandbox}`);
    if (preferences.nodeIntegration !== false) problems.push(`nodeIntegration is ${preferences.nodeIntegration}`);
    if (pageGlobals.require !== 'undefined') problems.push(`the page has require (${pageGlobals.require})`);
    if (pageGlobals.process !== 'undefined') problems.push(`the page has process (${pageGlobals.process})`);
    if (problems.length > 0) throw new Error(`the window is not locked down: ${problems.join('; ')}`);
    step('context isolation on, sandbox on, no Node integration; the page has no require and no process');

    step('opening the local sandbox (the first start takes a minute or more)…');
    await page.getByRole('button', { name: 'Open the local sandbox' }).click();
    const inPool = page.getByTestId('value-inPool');
    await page.waitForFunction(
      () => /^\d[\d,]*$/.test(document.querySelector('[data-testid="value-inPool"]')?.textContent ?? ''),
      undefined,
      { timeout: SANDBOX_TIMEOUT_MS, polling: 500 },
    );
    const pooled = Number((await inPool.innerText()).replace(/,/g, ''));
    if (!(pooled > 0)) throw new Error(`the Overview shows ${pooled} entries in the pool; the sandbox seeds thousands`);
    step(`Overview shows ${pooled.toLocaleString('en')} entries in the pool`);
    await app.close();
    app = null;
    step('ok');
    return 0;
  } catch (error) {
    console.error(`smoke:desktop: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    if (page) {
      const shot = path.join(tmpdir(), `pool-console-smoke-${Date.now()}.png`);
      await page.screenshot({ path: shot }).then(() => console.error(`smoke:desktop: screenshot ${shot}`), () => undefined);
    }
    return 1;
  } finally {
    await app?.close().catch(() => undefined);
    rmSync(data, { recursive: true, force: true });
  }
}

process.exitCode = await main();
