/**
 * `npx tsx test/e2e/take-readme-screenshots.ts [--fill-seconds N] [--out DIR]`: the README's
 * screenshots, from the real UI on the sandbox. Starts serve mode on a fresh sandbox (its own
 * POOL_CONSOLE_HOME, removed after), lets the Overview's live charts fill for a while, and saves
 * overview.png, entries.png, indexes.png and migrations.png at 1280×800 into docs/screenshots/.
 * A script, not a test: `npm test` does not run it.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { goTo, launchChromium, openConsole, screenshot, textMatching } from './helpers/browser.js';
import { ensureRendererBuilt, resultOf, ROOT, startServeConsole } from './helpers/serve-console.js';

const { values } = parseArgs({
  options: {
    'fill-seconds': { type: 'string', default: '60' },
    out: { type: 'string', default: path.join(ROOT, 'docs', 'screenshots') },
  },
});
const fillSeconds = Number(values['fill-seconds']);
if (!Number.isInteger(fillSeconds) || fillSeconds < 0 || fillSeconds > 600) throw new Error(`--fill-seconds must be a whole number from 0 to 600; got '${values['fill-seconds']}'`);
const OUT = path.resolve(values.out);

const say = (line: string) => process.stdout.write(`${line}\n`);

async function overview(page: Page): Promise<void> {
  await goTo(page, 'Overview');
  await textMatching(page.getByTestId('live-status'), /^Live · sample read/, 60_000);
  say(`letting the live charts fill for ${fillSeconds} s…`);
  // the point of the wait is the charts' history: there is no condition to wait for instead
  await page.waitForTimeout(fillSeconds * 1000);
  // each tile's change over the window is known by now
  await page.waitForFunction(() => !document.querySelector('.overview-tiles')?.textContent?.includes('collecting'), undefined, { timeout: 60_000 });
  await page.getByTestId('health-banner').waitFor();
  await screenshot(page, OUT, 'overview');
}

async function entries(page: Page): Promise<void> {
  await goTo(page, 'Entries');
  const rows = page.locator('tr.entry-row');
  await rows.first().waitFor();
  // an entry with a history: attempts and a last error
  const withError = rows.filter({ hasText: 'simulated:' }).first();
  const row = (await withError.count()) > 0 ? withError : rows.first();
  const bookingId = await row.getAttribute('data-booking-id');
  await row.click();
  const drawer = page.getByRole('complementary', { name: `Booking ${bookingId}` });
  await drawer.getByRole('region', { name: 'Audit trail' }).waitFor();
  await screenshot(page, OUT, 'entries');
  await drawer.getByRole('button', { name: 'Close details' }).click();
}

async function indexes(page: Page): Promise<void> {
  await goTo(page, 'Indexes');
  await page.getByRole('heading', { name: 'Hot query plans' }).waitFor();
  await screenshot(page, OUT, 'indexes');
}

/** With the newest migration (the event counters) reverted by the console itself, so the page shows a pending migration and its SQL. */
async function migrations(page: Page, revert: () => Promise<void>): Promise<void> {
  await revert();
  await goTo(page, 'Migrations');
  await textMatching(page.getByRole('heading', { name: /^Pending/ }), /^Pending \(1\)$/);
  const run = page.getByRole('region', { name: 'Run migrations' });
  await run.getByRole('combobox', { name: /^Direction/ }).selectOption('up');
  await run.getByRole('button', { name: 'Preview SQL' }).click();
  const preview = run.getByRole('list', { name: 'SQL preview' });
  await preview.waitFor();
  // the pending list, the drift it causes and the SQL that would fix it, in one view
  await page.getByRole('heading', { name: 'Schema drift' }).evaluate((heading) => heading.closest('section')?.scrollIntoView({ block: 'start' }));
  await screenshot(page, OUT, 'migrations');
}

async function main(): Promise<void> {
  ensureRendererBuilt();
  say('starting serve mode on a fresh sandbox…');
  const serve = await startServeConsole();
  const browser = await launchChromium();
  try {
    const { page, pageErrors } = await openConsole(browser, serve.url);
    await textMatching(page.getByTestId('connection-status'), /^connected$/, 60_000);
    await overview(page);
    await entries(page);
    await indexes(page);
    await migrations(page, async () => {
      resultOf(await serve.socket.call('migrations.down', { reason: 'README screenshot: show a pending migration' }));
    });
    if (pageErrors.length > 0) throw new Error(`the page raised errors:\n${pageErrors.join('\n')}`);
    say(`saved overview.png, entries.png, indexes.png and migrations.png in ${path.relative(ROOT, OUT) || '.'}`);
  } finally {
    await browser.close();
    await serve.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
