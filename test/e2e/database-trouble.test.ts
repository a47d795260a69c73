import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goTo, launchChromium, openConsole, textMatching, type ConsolePage } from './helpers/browser.js';
import { ensureRendererBuilt, SANDBOX_DATABASE, startServeConsole, type ServeConsole } from './helpers/serve-console.js';

/**
 * The Overview in Chromium while the database is in trouble (issue 8): serve mode on its own
 * sandbox, whose server this file freezes with SIGSTOP and whose database it drops.
 */

const NOT_RESPONDING_BOUND_MS = 3_000;

let serve: ServeConsole;
let browser: Browser;
let opened: ConsolePage;
let page: Page;
let pid: number | null = null;

function sandboxServerPid(): number {
  return Number.parseInt(fs.readFileSync(path.join(serve.home, 'sandbox-db', 'pid'), 'utf8').trim(), 10);
}

beforeAll(async () => {
  ensureRendererBuilt();
  serve = await startServeConsole();
  browser = await launchChromium();
  opened = await openConsole(browser, serve.url);
  page = opened.page;
}, 300_000);

afterAll(async () => {
  // never leave a frozen server behind, whatever failed
  if (pid !== null) process.kill(pid, 'SIGCONT');
  await opened?.context.close();
  await browser?.close();
  await serve?.stop();
}, 60_000);

describe('the Overview in Chromium while the database is in trouble', { timeout: 120_000 }, () => {
  it('shows "not responding" within 3 s of the server freezing, and live numbers again once it is back', async () => {
    await goTo(page, 'Overview');
    const label = page.getByTestId('live-status');
    await textMatching(label, /^Live · sample read/, 60_000);

    pid = sandboxServerPid();
    process.kill(pid, 'SIGSTOP');
    const frozenAt = Date.now();
    try {
      await textMatching(label, /^Not responding/, 15_000);
      expect(Date.now() - frozenAt).toBeLessThanOrEqual(NOT_RESPONDING_BOUND_MS);
      // the trouble notice (the alerts banner, also an alert, may be shown above it)
      await page.getByRole('alert').filter({ hasText: /not responded for \d+ s/ }).first().waitFor({ timeout: 5_000 });
      // the header follows at its next poll, and never says "connected" meanwhile
      await textMatching(page.getByTestId('connection-status'), /^not responding$/, 10_000);
    } finally {
      process.kill(pid, 'SIGCONT');
      pid = null;
    }
    await textMatching(label, /^Live · sample read/, 20_000);
    await textMatching(page.getByTestId('connection-status'), /^connected$/, 10_000);
  });

  it('shows the database down, "database missing", when it is dropped while connected', async () => {
    const admin = await mysql.createConnection({ host: '127.0.0.1', port: serve.sandboxPort, user: 'root', password: '' });
    try {
      await admin.query(`DROP DATABASE \`${SANDBOX_DATABASE}\``);
    } finally {
      await admin.end();
    }
    await textMatching(page.getByTestId('connection-status'), /^database missing$/, 10_000);
    await textMatching(page.getByTestId('live-status'), /^Database missing/, 10_000);
    // The health banner asks every 10 s. On a loaded machine a heartbeat can also miss its 1 s for
    // a moment, so the first down may say "not responding": wait for the drop to be named.
    const banner = page.getByTestId('health-banner');
    await page.locator('[data-testid="health-banner"][data-state="down"]', { hasText: 'was dropped' }).waitFor({ timeout: 30_000 });
    const text = await banner.innerText();
    expect(text).toMatch(/^Down/);
    expect(text).toMatch(/was dropped/);
    expect(text).not.toMatch(/migrate up/);
  });
});
