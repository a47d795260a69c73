import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goTo, launchChromium, openConsole, textMatching, type ConsolePage } from './helpers/browser.js';
import { ensureRendererBuilt, startServeConsole, type ServeConsole } from './helpers/serve-console.js';

/**
 * A deep link to the Entries search in Chromium through serve mode: the filters set on the page
 * are in the address; the same address opened in a second page (same browser: the token's cookie)
 * and in a fresh browser context (the printed URL with the fragment appended, through the token
 * swap) shows the same filter.
 */

let serve: ServeConsole;
let browser: Browser;
const opened: ConsolePage[] = [];

beforeAll(async () => {
  ensureRendererBuilt();
  serve = await startServeConsole();
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  for (const console of opened) await console.context.close();
  await browser?.close();
  await serve?.stop();
}, 60_000);

const SUMMARY = /entr(y|ies) loaded.* · status failed, attempts ≥ 1 · in order of attempts, descending/;

describe('Entries deep link in Chromium through serve mode', { timeout: 240_000 }, () => {
  it('restores the filter in a second page and in a fresh browser', async () => {
    const first = await openConsole(browser, serve.url);
    opened.push(first);
    const { page } = first;
    await textMatching(page.getByTestId('connection-status'), /^connected$/, 60_000);
    await goTo(page, 'Entries');
    await page.getByRole('combobox', { name: /^Status/ }).selectOption('failed');
    await page.getByRole('combobox', { name: /^Sort by/ }).selectOption('attempts');
    await page.getByRole('combobox', { name: /^Order/ }).selectOption('desc');
    await page.getByRole('textbox', { name: /^Attempts ≥/ }).fill('1');
    await page.getByRole('button', { name: 'Find' }).click();
    await textMatching(page.locator('.entries-summary'), SUMMARY);
    const link = page.url();
    expect(new URL(link).hash).toBe('#entries?status=failed&attemptsMin=1&sort=attempts&order=desc');
    // the token went into the cookie: the address holds none
    expect(new URL(link).searchParams.has('token')).toBe(false);

    // Another window of the same browser: the cookie lets the link in.
    const second = await first.context.newPage();
    await second.goto(link);
    await textMatching(second.locator('.entries-summary'), SUMMARY, 60_000);
    expect(await second.getByRole('combobox', { name: /^Sort by/ }).inputValue()).toBe('attempts');
    expect(await second.getByRole('textbox', { name: /^Attempts ≥/ }).inputValue()).toBe('1');

    // A fresh browser: the printed URL with the fragment appended keeps it through the token swap.
    const fresh = await openConsole(browser, `${serve.url}${new URL(link).hash}`);
    opened.push(fresh);
    await textMatching(fresh.page.locator('.entries-summary'), SUMMARY, 60_000);
    expect(new URL(fresh.page.url()).hash).toBe(new URL(link).hash);
    expect([...first.pageErrors, ...fresh.pageErrors]).toEqual([]);
  });
});
