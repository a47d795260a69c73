import path from 'node:path';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertBookings, poolDirectly } from '../helpers/pool-database.js';
import { goTo, launchChromium, openConsole, screenshot, textMatching, type ConsolePage } from './helpers/browser.js';
import { ensureRendererBuilt, resultOf, ROOT, SANDBOX_DATABASE, startServeConsole, type ServeConsole } from './helpers/serve-console.js';

/**
 * A bulk retry by filter in Chromium: serve mode on the sandbox, failed entries of one mode
 * filtered on the Entries page, previewed, retried with a reason; the count shows and the rows
 * change. Claiming is paused for the test so the sandbox's simulated workers neither claim the
 * retried entries again nor fail new ones of that mode while it runs.
 */

const SHOTS = path.join(ROOT, 'test-results', 'e2e');
const MODE = 'CUSTOM';

let serve: ServeConsole;
let browser: Browser;
let opened: ConsolePage;
let page: Page;
let admin: mysql.Connection;
let ours: number[];

beforeAll(async () => {
  ensureRendererBuilt();
  serve = await startServeConsole();
  browser = await launchChromium();
  opened = await openConsole(browser, serve.url);
  page = opened.page;
  admin = await mysql.createConnection({ host: '127.0.0.1', port: serve.sandboxPort, user: 'root', password: '', database: SANDBOX_DATABASE });
  resultOf(await serve.socket.call('pool.pause', { reason: 'e2e bulk retry: hold the simulated workers' }));
  // failed entries of our own in the mode, VIP meetings, a lease left on some (retry clears it)
  ours = await insertBookings(admin, { count: 30, meetingType: 'VIP' });
  await poolDirectly(admin, ours, { status: 'failed', mode: MODE, attempts: 2, deadlineHoursFromNow: -1 });
}, 300_000);

afterAll(async () => {
  await admin?.end();
  await opened?.context.close();
  await browser?.close();
  await serve?.stop();
}, 60_000);

async function failedOfMode(): Promise<number[]> {
  const [rows] = await admin.query<RowDataPacket[]>("SELECT BOOKING_ID AS id FROM BOOKING_PLAN WHERE POOL_STATUS = 'failed' AND POOL_MODE = ? ORDER BY BOOKING_ID", [MODE]);
  return rows.map((row) => Number(row.id));
}

describe('bulk actions in Chromium, on the sandbox through serve mode', { timeout: 240_000 }, () => {
  it('filters failed entries of one mode on Entries, retries them all with a reason, and shows the count and the rows change', async () => {
    await textMatching(page.getByTestId('connection-status'), /^connected$/, 60_000);
    await goTo(page, 'Entries');
    const filters = page.getByRole('form', { name: 'Entry filters' });
    await filters.getByLabel('Status').selectOption('failed');
    await filters.getByLabel('Mode').selectOption(MODE);
    const table = page.getByTestId('entries-scroll');
    // the list shows failed entries of the mode (ours entered last: the list is in entry order)
    await textMatching(table.getByRole('row').nth(1), new RegExp(`^\\d+\\s*failed\\s*${MODE}`));

    await page.getByRole('button', { name: 'Act on all matching…' }).click();
    const panel = page.getByRole('region', { name: 'Act on every matching entry' });
    const before = await failedOfMode();
    expect(before).toEqual(expect.arrayContaining(ours));
    const preview = panel.getByTestId('bulk-preview');
    await textMatching(preview, new RegExp(`Would change ${before.length} of ${before.length} matching entries now \\(at most 5,000 per run\\)`));
    await textMatching(panel.getByTestId('bulk-condition'), new RegExp(`^failed entries, mode ${MODE}: the failed ones go back to waiting`));
    await screenshot(page, SHOTS, 'bulk-01-preview');

    await panel.getByRole('button', { name: `Retry ${before.length} entries` }).click();
    const dialog = page.getByRole('dialog', { name: `Retry: ${before.length} entries` });
    await dialog.getByLabel(/Reason/).fill('INC-E2E bulk retry after the interpreter API outage');
    await dialog.getByRole('button', { name: 'Retry' }).click();

    const result = await textMatching(panel.getByRole('status', { name: 'Bulk action result' }), /^Retry: /);
    expect(result).toBe(`Retry: ${before.length} entries changed on ${SANDBOX_DATABASE}.`);
    // the rows changed: ours are waiting again with their attempts, the list of failed ones no longer shows them
    const [rows] = await admin.query<RowDataPacket[]>('SELECT POOL_STATUS AS status, POOL_PROCESSING_ATTEMPTS AS attempts FROM BOOKING_PLAN WHERE BOOKING_ID IN (?)', [ours]);
    expect(rows.map((row) => `${row.status}/${row.attempts}`)).toEqual(ours.map(() => 'waiting/2'));
    await page.getByText('No pool entries match these filters.').waitFor({ timeout: 30_000 });
    await textMatching(preview, /Would change 0 of 0 matching entries/);
    const [audit] = await admin.query<RowDataPacket[]>("SELECT AFFECTED_ROWS AS n, OUTCOME AS outcome FROM POOL_AUDIT_LOG WHERE ACTION = 'entries.bulk.retry' AND REASON LIKE 'INC-E2E bulk%'");
    expect(audit).toEqual([{ n: before.length, outcome: 'ok' }]);
    await screenshot(page, SHOTS, 'bulk-02-applied');
    expect(opened.pageErrors).toEqual([]);
  });
});
