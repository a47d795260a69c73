import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostSchemaSql } from '../fixtures/host-schema.js';
import { freshDatabase } from '../helpers/database.js';
import { makeTempDir } from '../helpers/temp-dirs.js';
import { goTo, launchChromium, openConsole, screenshot, textMatching, type ConsolePage } from './helpers/browser.js';
import { ensureRendererBuilt, ROOT } from './helpers/serve-console.js';

/*
 * The production database on day one: the host's four pool columns and its ORM's indexes, none of
 * our migrations. The Overview must show the real pool and "migrations pending", never "pool empty".
 */

const SHOTS = path.join(ROOT, 'test-results', 'e2e');
const db = freshDatabase();

let child: ChildProcess | null = null;
let browser: Browser;
let opened: ConsolePage;

/** `pool-console serve --url …` on the test database; resolves with the URL it prints. */
async function serveOn(url: string, password: string): Promise<string> {
  const home = await makeTempDir();
  const env: NodeJS.ProcessEnv = { ...process.env, POOL_CONSOLE_HOME: home, POOL_DATABASE_PASSWORD: password };
  delete env.POOL_DATABASE_URL;
  const started = spawn(process.execPath, ['bin/pool-console.mjs', 'serve', '--url', url], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child = started;
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[0]);
      }
    };
    started.stdout!.on('data', read);
    started.stderr!.on('data', read);
    started.once('exit', (code) => reject(new Error(`serve exited (${code}):\n${output}`)));
  });
}

beforeAll(async () => {
  ensureRendererBuilt();
  await db.admin.query(hostSchemaSql('host-orm', 200));
  const { host, port, user, password, database } = db.profile;
  const url = await serveOn(`mysql://${encodeURIComponent(user)}@${host}:${port}/${database}`, password);
  browser = await launchChromium();
  opened = await openConsole(browser, url);
}, 300_000);

afterAll(async () => {
  await opened?.context.close();
  await browser?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}, 60_000);

describe('a host database before our migrations, in Chromium', { timeout: 120_000 }, () => {
  it('the Overview shows the real counts and "migrations pending", not "pool empty"', async () => {
    const { page } = opened;
    const [rows] = (await db.admin.query('SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS IS NOT NULL')) as unknown as [{ n: number }[]];
    const pooled = Number(rows[0]?.n);
    expect(pooled).toBeGreaterThan(0);

    await goTo(page, 'Overview');
    await textMatching(page.getByTestId('value-inPool'), new RegExp(`^${pooled.toLocaleString('en-US')}$`), 60_000);
    const banner = page.getByTestId('health-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('data-state')).toBe('degraded');
    await textMatching(banner.locator('[data-code="migrations-pending"]'), /11 migrations pending \(0001-audit-log, .*0011-search-indexes\)/);
    await textMatching(page.getByTestId('unavailable-figures'), /Entries by mode: —, after migrations/);
    expect(await page.getByText('pool empty').count()).toBe(0);
    expect(await page.getByText('INTERNAL').count()).toBe(0);
    await screenshot(page, SHOTS, 'pre-migration-overview');
    expect(opened.pageErrors).toEqual([]);
  });
});
