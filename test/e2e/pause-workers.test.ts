import path from 'node:path';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPoolPaused } from '../../src/core/control/paused-error.js';
import { Database } from '../../src/core/db/database.js';
import { DatabaseBookingPool } from '../../src/core/pool/database-booking-pool.js';
import { PoolWorker } from '../../src/core/workers/pool-worker.js';
import { goTo, launchChromium, openConsole, screenshot, textMatching, type ConsolePage } from './helpers/browser.js';
import { ensureRendererBuilt, ROOT, SANDBOX_DATABASE, startServeConsole, type ServeConsole } from './helpers/serve-console.js';

/**
 * Pause and resume from the Overview, and a dead worker's leases released from the Workers page:
 * serve mode on the sandbox in Chromium, with the pool library beside it (its own connections to
 * the sandbox's server, as a booking server's worker would have) claiming and heartbeating.
 */

const SHOTS = path.join(ROOT, 'test-results', 'e2e');
const DYING = 'e2e-dying-worker';

let serve: ServeConsole;
let browser: Browser;
let opened: ConsolePage;
let page: Page;
let library: DatabaseBookingPool;
let admin: mysql.Connection;

beforeAll(async () => {
  ensureRendererBuilt();
  serve = await startServeConsole();
  browser = await launchChromium();
  opened = await openConsole(browser, serve.url);
  page = opened.page;
  const profile = { host: '127.0.0.1', port: serve.sandboxPort, user: 'root', password: '', database: SANDBOX_DATABASE };
  library = new DatabaseBookingPool(new Database(profile, { poolMax: 2 }));
  admin = await mysql.createConnection(profile);
}, 300_000);

afterAll(async () => {
  await library?.db.close();
  await admin?.end();
  await opened?.context.close();
  await browser?.close();
  await serve?.stop();
}, 60_000);

/** The error a claim through the library rejects with, or null when it was answered (entries, possibly none). */
async function claimError(): Promise<unknown> {
  try {
    await library.claimBatch({ owner: 'e2e-library-claimer', limit: 1 });
    return null;
  } catch (error) {
    return error;
  }
}

async function count(sql: string, values: unknown[] = []): Promise<number> {
  const [rows] = await admin.query<RowDataPacket[]>(sql, values);
  return Number(rows[0]!.n);
}

describe('pause and workers in Chromium, on the sandbox through serve mode', { timeout: 180_000 }, () => {
  it('pauses claiming from the Overview (the banner shows PAUSED, the library is refused as paused) and resumes it in one click and a reason', async () => {
    await textMatching(page.getByTestId('connection-status'), /^connected$/, 60_000);
    await goTo(page, 'Overview');
    const open = page.getByRole('button', { name: 'Pause claiming…' });
    await open.waitFor();
    await page.waitForFunction(() => {
      const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Pause claiming…');
      return button !== undefined && !button.disabled;
    }, undefined, { timeout: 30_000 });
    expect(await page.getByTestId('pause-banner').count()).toBe(0);

    await open.click();
    await page.getByRole('button', { name: 'Pause…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Pause claiming of the whole pool' });
    await dialog.getByLabel(/Reason/).fill('INC-E2E pause for the deploy');
    await dialog.getByRole('button', { name: 'Pause' }).click();

    const banner = page.getByTestId('pause-banner');
    await textMatching(banner, /PAUSED[\s\S]*Claiming paused for the whole pool since \d\d:\d\d UTC by .+: INC-E2E pause for the deploy; until someone resumes it/);
    // the health model reports it too, as a coded finding
    await textMatching(page.locator('[data-testid="health-banner"] [data-code="paused"]'), /Claiming paused for the whole pool/);
    expect(isPoolPaused(await claimError())).toBe(true);
    await screenshot(page, SHOTS, 'pause-01-paused');

    await banner.getByRole('button', { name: 'Resume claiming' }).click();
    const resume = page.getByRole('dialog', { name: 'Resume claiming of the whole pool' });
    await resume.getByLabel(/Reason/).fill('INC-E2E deploy done');
    await resume.getByRole('button', { name: 'Resume' }).click();
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    expect(await claimError()).toBeNull();
    const audit = await count("SELECT COUNT(*) AS n FROM POOL_AUDIT_LOG WHERE ACTION IN ('pool.pause', 'pool.resume') AND REASON LIKE 'INC-E2E%'");
    expect(audit).toBe(2);
    expect(opened.pageErrors).toEqual([]);
  });

  it("shows a worker whose heartbeats stopped as dead on the Workers page, and releasing its leases there frees them", async () => {
    const worker = await PoolWorker.start(new DatabaseBookingPool(new Database(library.db.profile, { poolMax: 2 })), { ownerId: DYING, intervalMs: 300, host: 'e2e-host', pid: 4242, version: '9.9.9' });
    // claim until it holds some leases: the sandbox keeps eligible entries coming
    const deadline = Date.now() + 60_000;
    let held: number[] = [];
    while (held.length === 0) {
      if (Date.now() > deadline) throw new Error('the worker found nothing to claim in 60 s');
      const outcome = await worker.claimBatch({ limit: 5 });
      held = outcome.entries?.map((entry) => entry.bookingId) ?? [];
      if (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // its process dies: the connections go, the heartbeats stop reaching the database
    await worker.pool.db.close();

    await goTo(page, 'Workers');
    const row = page.getByTestId(`worker-${DYING}`);
    await page.locator(`[data-testid="worker-${DYING}"][data-state="dead"]`).waitFor({ timeout: 60_000 });
    expect(await row.innerText()).toContain('e2e-host');
    await textMatching(row.getByTestId('leases'), new RegExp(`^${held.length}\\b`));
    await screenshot(page, SHOTS, 'workers-01-dead');

    await row.getByRole('button', { name: `Release leases of ${DYING}` }).click();
    const dialog = page.getByRole('dialog', { name: `Release leases of ${DYING}` });
    await textMatching(dialog.getByTestId('release-preview'), /is dead/);
    expect(await dialog.innerText()).toContain(`${held.length} row`);
    await dialog.getByLabel(/Reason/).fill('INC-E2E worker host gone');
    await dialog.getByRole('button', { name: 'Release' }).click();

    await textMatching(page.getByRole('status', { name: 'Release result' }), new RegExp(`${DYING}: ${held.length} leases? changed`));
    expect(await count("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS = 'processing' AND POOL_CLAIMED_BY = ?", [DYING])).toBe(0);
    const [audit] = (await admin.query<RowDataPacket[]>("SELECT AFFECTED_ROWS AS n, REASON AS reason FROM POOL_AUDIT_LOG WHERE ACTION = 'workers.release-leases' ORDER BY AUDIT_ID DESC LIMIT 1"))[0];
    expect({ n: Number(audit!.n), reason: audit!.reason }).toEqual({ n: held.length, reason: 'INC-E2E worker host gone' });
    await textMatching(row.getByTestId('leases'), /^0$/);
    expect(opened.pageErrors).toEqual([]);
    await worker.stop().catch(() => undefined); // ends its heartbeat timer; its connections are gone already
  });
});
