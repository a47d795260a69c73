import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goTo, launchChromium, openConsole, textMatching, type ConsolePage } from './helpers/browser.js';
import { ensureRendererBuilt, startServeConsole, type ServeConsole } from './helpers/serve-console.js';

/**
 * The last hour of samples lives on the back (the sampler's ring, read by stats.recent), not in
 * the page: serve mode on the sandbox in Chromium, a reload of the page, and the Overview's charts
 * hold the samples taken before it.
 */

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

/** What the status chart draws: how many points, from which time (the sampler's clock, ms). */
async function statusChart(target: Page): Promise<{ points: number; firstT: number | null }> {
  return target.evaluate(() => {
    const figure = document.querySelector('figure[data-chart="status"]');
    const first = figure?.getAttribute('data-first-t');
    return { points: Number(figure?.getAttribute('data-points') ?? 0), firstT: first ? Number(first) : null };
  });
}

describe('the Overview after a reload, in Chromium through serve mode', { timeout: 240_000 }, () => {
  it('shows the samples taken before the reload at once: the history comes from the back', async () => {
    await textMatching(page.getByTestId('connection-status'), /^connected$/, 60_000);
    await goTo(page, 'Overview');
    await textMatching(page.getByTestId('live-status'), /^Live · sample read/, 60_000);
    // a few samples a second apart (more on a busy machine if the sampler backs off: we wait for the count)
    await page.waitForFunction(() => Number(document.querySelector('figure[data-chart="status"]')?.getAttribute('data-points') ?? 0) >= 5, undefined, {
      timeout: 90_000,
      polling: 250,
    });
    const before = await statusChart(page);
    expect(before.firstT).not.toBeNull();
    const reloadedAt = Date.now();

    await page.reload();
    await textMatching(page.getByTestId('connection-status'), /^connected$/, 60_000);
    await goTo(page, 'Overview');
    // Every live sample after the reload is newer than the reload; only the back's history can
    // hold the oldest sample drawn before it.
    await page.waitForFunction((oldest) => document.querySelector('figure[data-chart="status"]')?.getAttribute('data-first-t') === String(oldest), before.firstT, {
      timeout: 60_000,
      polling: 100,
    });
    const after = await statusChart(page);
    expect(after.firstT).toBe(before.firstT);
    expect(after.firstT!).toBeLessThan(reloadedAt);
    expect(after.points).toBeGreaterThanOrEqual(before.points);
    expect(opened.pageErrors).toEqual([]);
  });
});
