import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../src/shared/contract.js';
import { goTo, launchChromium, openConsole, screenshot, textMatching, type ConsolePage } from './helpers/browser.js';
import { poolStatuses, writeLegacyExport } from './helpers/legacy-export.js';
import { ensureRendererBuilt, resultOf, ROOT, SANDBOX_DATABASE, startServeConsole, type ServeConsole } from './helpers/serve-console.js';

/**
 * The console end to end: serve mode on the local sandbox (its own POOL_CONSOLE_HOME), driven in
 * Debian's Chromium at 1280×800. The tests run in order on one page, as an operator would: each
 * leaves the console where the next one starts. A screenshot of every page goes to
 * test-results/e2e/ (not committed).
 */

const SHOTS = path.join(ROOT, 'test-results', 'e2e');
const READ_ONLY_PROFILE = 'sandbox read-only';

let serve: ServeConsole;
let browser: Browser;
let opened: ConsolePage;
let page: Page;

beforeAll(async () => {
  ensureRendererBuilt();
  serve = await startServeConsole();
  browser = await launchChromium();
  opened = await openConsole(browser, serve.url);
  page = opened.page;
}, 300_000);

afterAll(async () => {
  await opened?.context.close();
  await browser?.close();
  await serve?.stop();
}, 60_000);

/** The text of each tile on the Overview, by tile id. */
function tileTexts(target: Page): Promise<Record<string, string>> {
  return target.evaluate(() =>
    Object.fromEntries([...document.querySelectorAll('[data-testid^="value-"]')].map((element) => [element.getAttribute('data-testid')!.slice(6), element.textContent ?? ''])),
  );
}

describe('the console in Chromium, on the sandbox through serve mode', { timeout: 150_000 }, () => {
  it('connects: the header shows the sandbox badge and "connected"', async () => {
    await textMatching(page.getByTestId('connection-status'), /^connected$/, 60_000);
    expect(await page.getByTestId('environment-badge').first().innerText()).toBe('SANDBOX');
    const summary = await page.getByTestId('connection-summary').innerText();
    expect(summary).toContain(`Local sandbox · ${SANDBOX_DATABASE} @ 127.0.0.1:${serve.sandboxPort}`);
    // the token was swapped for a cookie: not left in the address bar
    expect(page.url()).not.toContain('token=');
    await page.getByRole('region', { name: 'Current connection' }).getByText(/Connected to Local sandbox/).waitFor();
    await screenshot(page, SHOTS, '01-connection');
  });

  it('shows live numbers on the Overview that change as the simulated workers run', async () => {
    await goTo(page, 'Overview');
    const inPool = page.getByTestId('value-inPool');
    await textMatching(inPool, /^\d[\d,]*$/);
    expect(Number((await inPool.innerText()).replace(/,/g, ''))).toBeGreaterThan(0);
    await textMatching(page.getByTestId('live-status'), /^Live · sample read/);
    const before = await tileTexts(page);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['inPool', 'eligibleNow', 'processing', 'failed', 'overdue', 'oldestAge', 'expiredLeases']));

    // the sandbox's three workers claim, complete and fail entries every few seconds
    await page.waitForFunction(
      (earlier) => [...document.querySelectorAll('[data-testid^="value-"]')].some((element) => element.textContent !== earlier[element.getAttribute('data-testid')!.slice(6)]),
      before,
      { timeout: 60_000, polling: 250 },
    );
    const after = await tileTexts(page);
    const changed = Object.keys(before).filter((id) => after[id] !== before[id]);
    expect(changed.length).toBeGreaterThan(0);
    await page.getByTestId('health-banner').waitFor();
    await screenshot(page, SHOTS, '02-overview');
  });

  it('filters entries by status "failed" and opens one: booking summary, pool fields and audit trail', async () => {
    await goTo(page, 'Entries');
    await page.getByRole('heading', { name: 'Entries', level: 1 }).waitFor();
    await page.getByRole('combobox', { name: /^Status/ }).selectOption('failed');
    await textMatching(page.locator('.entries-summary'), /entr(y|ies) loaded.* · status failed/);
    const rows = page.locator('tr.entry-row');
    await rows.first().waitFor();
    const statuses = await rows.locator('.status-tag').allInnerTexts();
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['failed']));

    const bookingId = Number(await rows.first().getAttribute('data-booking-id'));
    await rows.first().click();
    const drawer = page.getByRole('complementary', { name: `Booking ${bookingId}` });
    await drawer.waitFor();
    const booking = drawer.getByRole('region', { name: 'Booking', exact: true });
    await booking.getByText('Owner').waitFor();
    expect(await booking.innerText()).toMatch(/Meeting type[\s\S]*Booking status/);
    const entry = drawer.getByRole('region', { name: 'Pool entry' });
    expect(await entry.innerText()).toMatch(/Status\s+failed[\s\S]*Attempts\s+\d+[\s\S]*Lease/);
    await drawer.getByRole('region', { name: 'Audit trail' }).waitFor();

    // a row action, confirmed, shows up in the booking's audit trail
    await drawer.getByRole('button', { name: /^Retry/ }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toMatch(new RegExp(`Database ${SANDBOX_DATABASE} · 1 row`));
    await dialog.getByLabel(/^Reason/).fill('e2e: retry from the drawer');
    await dialog.getByRole('button', { name: /^Retry/ }).click();
    await textMatching(drawer.getByRole('status'), new RegExp(`^Booking ${bookingId} is waiting again\\.$`));
    const trail = drawer.getByRole('region', { name: 'Audit trail' }).locator('tbody tr', { hasText: 'entry.retry' });
    await trail.first().waitFor();
    expect(await trail.first().innerText()).toContain('e2e: retry from the drawer');
    await screenshot(page, SHOTS, '03-entries');
    await drawer.getByRole('button', { name: 'Close details' }).click();
    await drawer.waitFor({ state: 'detached' });
  });

  it('shows the hot query plans on Indexes', async () => {
    // Alt+4: the keyboard shortcut
    await page.keyboard.press('Alt+4');
    await page.locator('nav[aria-label="Pages"] [aria-current="page"]', { hasText: /^Indexes/ }).waitFor();
    await page.getByRole('heading', { name: 'Hot query plans' }).waitFor();
    await page.getByText(/Nothing is missing/).waitFor();
    await screenshot(page, SHOTS, '04-indexes');
  });

  it('previews a cleanup rule, applies it after typing the database name, and finds its audit row on Activity', async () => {
    await goTo(page, 'Maintenance');
    const rules = page.getByRole('table', { name: 'Cleanup rules' });
    // the sandbox seeds leases of workers long gone: "stuck processing" finds them
    const finding = rules.locator('tr.rule-finds').first();
    await finding.waitFor();
    const ruleId = (await finding.getAttribute('data-testid'))!.replace(/^rule-/, '');
    const previewed = Number((await finding.locator('td').nth(3).innerText()).replace(/,/g, ''));
    expect(previewed).toBeGreaterThan(0);
    expect(await finding.locator('td').nth(4).innerText()).toMatch(/^\d+/);
    await screenshot(page, SHOTS, '06-maintenance');

    await finding.getByRole('button', { name: 'Apply' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toMatch(new RegExp(`Database ${SANDBOX_DATABASE} · ${previewed.toLocaleString('en-US')} rows?`));
    const reason = `e2e cleanup ${ruleId} ${Date.now()}`;
    await dialog.getByLabel(/^Reason/).fill(reason);
    const confirm = dialog.getByRole('button', { name: 'Apply this rule' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('database name').fill(SANDBOX_DATABASE);
    expect(await confirm.isEnabled()).toBe(true);
    await confirm.click();
    const result = await textMatching(page.getByRole('status', { name: 'Cleanup result' }), new RegExp(`Cleanup applied on ${SANDBOX_DATABASE}: [\\d,]+ rows? changed`), 60_000);
    const fixed = Number(/: ([\d,]+) rows? changed/.exec(result)![1]!.replace(/,/g, ''));
    expect(fixed).toBeGreaterThan(0);

    await goTo(page, 'Activity');
    const filters = page.getByRole('form', { name: 'Audit filters' });
    await filters.getByRole('combobox', { name: /^Action/ }).fill('maintenance.cleanup');
    await filters.getByRole('button', { name: 'Apply' }).click();
    const row = page.locator('.audit-table tbody tr', { hasText: reason });
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[2]).toBe('maintenance.cleanup');
    expect(cells[4]).toBe(fixed.toLocaleString('en-US'));
    expect(cells[5]).toBe('ok');
    await screenshot(page, SHOTS, '07-activity');
  });

  it('migrates down and up: SQL preview, confirmation, progress, result, and nothing pending after', async () => {
    await goTo(page, 'Migrations');
    await textMatching(page.getByRole('heading', { name: /^Pending/ }), /^Pending \(0\)$/);
    const run = page.getByRole('region', { name: 'Run migrations' });

    await run.getByRole('combobox', { name: /^Direction/ }).selectOption('down');
    await run.getByRole('button', { name: 'Preview SQL' }).click();
    const sql = run.getByRole('list', { name: 'SQL preview' });
    await sql.waitFor();
    expect(await sql.innerText()).toMatch(/DROP INDEX|DROP COLUMN|DROP TABLE/i);
    await run.scrollIntoViewIfNeeded();
    await screenshot(page, SHOTS, '05-migrations');
    await run.getByRole('button', { name: /^Run down \(1 migration\)/ }).click();
    let dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toMatch(new RegExp(`Revert 1 migration[\\s\\S]*Database ${SANDBOX_DATABASE}`));
    await dialog.getByLabel(/^Reason/).fill('e2e: down');
    await dialog.getByLabel('database name').fill(SANDBOX_DATABASE);
    await dialog.getByRole('button', { name: 'Revert' }).click();
    const reverted = await textMatching(run.getByRole('status'), /^Reverted 1 migration: /, 120_000);
    expect(await run.getByRole('list', { name: 'Migration progress' }).locator('li').count()).toBeGreaterThan(0);
    const name = /^Reverted 1 migration: (\S+)\.$/.exec(reverted)![1]!;
    await textMatching(page.getByRole('heading', { name: /^Pending/ }), /^Pending \(1\)$/);
    await page.getByRole('table', { name: 'Pending migrations' }).getByText(name).waitFor();

    await run.getByRole('combobox', { name: /^Direction/ }).selectOption('up');
    await run.getByRole('button', { name: 'Preview SQL' }).click();
    await sql.waitFor();
    expect(await sql.innerText()).toContain(name);
    expect(await sql.innerText()).toMatch(/CREATE|ADD/i);
    await run.getByRole('button', { name: /^Run up \(1 migration\)/ }).click();
    dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toMatch(new RegExp(`Apply 1 migration[\\s\\S]*Database ${SANDBOX_DATABASE}`));
    await dialog.getByLabel(/^Reason/).fill('e2e: up');
    await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
    await textMatching(run.getByRole('status'), new RegExp(`^Applied 1 migration: ${name}\\.$`), 120_000);
    expect(await run.getByRole('list', { name: 'Migration progress' }).locator('li').count()).toBeGreaterThan(0);
    await textMatching(page.getByRole('heading', { name: /^Pending/ }), /^Pending \(0\)$/);
  });

  it('imports a legacy export of real sandbox bookings: per-entry preview, confirmation, result', async () => {
    const fixture = await writeLegacyExport(serve.sandboxPort, serve.home, 5);
    await goTo(page, 'Migrations');
    const wizard = page.getByRole('region', { name: 'Import a legacy pool export' });
    await wizard.getByLabel(/^Legacy export/).setInputFiles(fixture.file);
    const tile = (outcome: string) => wizard.getByTestId(`outcome-${outcome}`).locator('.tile-value');
    await textMatching(tile('will-add'), /^5$/);
    expect(await tile('already-pooled').innerText()).toBe('1');
    expect(await tile('booking-missing').innerText()).toBe('1');
    const preview = wizard.getByRole('table', { name: 'Import preview' });
    expect(await preview.locator('tbody tr').count()).toBe(7);
    expect(await preview.locator('tbody tr', { hasText: String(fixture.missingId) }).innerText()).toContain('booking missing');

    await wizard.getByRole('button', { name: 'Import 5 entries' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toMatch(new RegExp(`Database ${SANDBOX_DATABASE} · 5 rows`));
    await dialog.getByLabel(/^Reason/).fill('e2e: legacy import');
    await dialog.getByRole('button', { name: 'Import 5 entries' }).click();
    const result = await textMatching(wizard.getByRole('status', { name: 'Import result' }), /added/, 60_000);
    expect(result).toMatch(new RegExp(`Imported into ${SANDBOX_DATABASE}: 5 added, 1 already pooled .*of 7 entries`));
    expect(result).toMatch(/Skipped: 1 booking missing, 0 booking finished, 0 invalid/);
    const statuses = await poolStatuses(serve.sandboxPort, fixture.addIds);
    expect([...statuses.values()].every((status) => status !== null)).toBe(true);
  });

  it('refuses writes in a read-only profile: the buttons say why, and the back answers NO_PRIVILEGE', async () => {
    await goTo(page, 'Connection');
    await page.getByRole('button', { name: 'Add profile' }).click();
    const form = page.getByRole('form', { name: 'New profile' });
    await form.getByLabel('Name', { exact: true }).fill(READ_ONLY_PROFILE);
    await form.getByLabel('Environment', { exact: true }).selectOption('staging');
    await form.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await form.getByLabel('Port', { exact: true }).fill(String(serve.sandboxPort));
    await form.getByLabel('User', { exact: true }).fill('root');
    await form.getByLabel('Database', { exact: true }).fill(SANDBOX_DATABASE);
    await form.getByRole('checkbox', { name: /Read-only/ }).check();
    await form.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText(`Profile '${READ_ONLY_PROFILE}' saved.`).waitFor();
    await page.getByRole('button', { name: `Connect to ${READ_ONLY_PROFILE}` }).click();

    // connecting takes the console to the Overview, now on the read-only profile
    await textMatching(page.getByTestId('environment-badge').first(), /^STAGING · READ-ONLY$/);
    expect(await page.getByTestId('connection-summary').innerText()).toContain(`${READ_ONLY_PROFILE} · ${SANDBOX_DATABASE}`);

    await goTo(page, 'Maintenance');
    const why = `Profile '${READ_ONLY_PROFILE}' is read-only.`;
    const applyAll = page.getByRole('button', { name: /^Apply all/ });
    await applyAll.waitFor();
    const retry = page.getByRole('region', { name: 'Retry failed entries' }).getByRole('button', { name: /^Retry/ });
    const reset = page.getByRole('region', { name: 'Reset stuck processing' }).getByRole('button', { name: /^Reset/ });
    const rules = page.getByRole('table', { name: 'Cleanup rules' });
    await rules.waitFor();
    const applyRule = await rules.getByRole('button', { name: /^Apply/ }).all();
    expect(applyRule.length).toBeGreaterThan(0);
    for (const button of [applyAll, retry, reset, ...applyRule]) {
      expect(await button.isDisabled()).toBe(true);
      expect(await button.innerText()).toContain(why);
      expect(await button.getAttribute('title')).toBe(why);
    }
    await screenshot(page, SHOTS, '08-maintenance-read-only');

    // the back refuses too, whatever the page shows: a forced write through the socket
    const state = resultOf<ConnectionState>(await serve.socket.call('connection.current', {}));
    expect(state).toMatchObject({ profileName: READ_ONLY_PROFILE, readOnly: true, connected: true });
    for (const [operation, input] of [
      ['maintenance.retryFailed', { maxAttempts: 3, reason: 'e2e: forced write' }],
      ['maintenance.cleanup.apply', { confirm: SANDBOX_DATABASE, reason: 'e2e: forced write' }],
    ] as const) {
      const reply = await serve.socket.call(operation, input);
      expect(reply.ok).toBe(false);
      if (!reply.ok) {
        expect(reply.error.code).toBe('NO_PRIVILEGE');
        expect(reply.error.message).toContain('read-only');
      }
    }
  });

  it('raised no uncaught error in the page', () => {
    expect(opened.pageErrors).toEqual([]);
  });
});
