import fs from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { findChromium } from '../../setup/prerequisites.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The size the issue asks the console to be good at. */
export const VIEWPORT = { width: 1280, height: 800 };

export async function launchChromium(): Promise<Browser> {
  // the same search as `npm test`'s prerequisite step, which installs one where it can
  const executablePath = findChromium();
  if (!executablePath) {
    throw new Error('No Chromium for the end-to-end tests: run `npm run pretest` (it says what to install), or set POOL_E2E_CHROMIUM to its path.');
  }
  // playwright-core gives every launch a fresh, temporary user-data dir; never a downloaded browser
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions of the page: a test fails on any. */
  pageErrors: string[];
}

/** A fresh context (no cookies) at 1280×800 with the console opened from serve mode's URL. */
export async function openConsole(browser: Browser, url: string): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: false });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
  await page.goto(url);
  return { context, page, pageErrors };
}

/** The nav item of a page (its title; Alt+N is shown after it). */
export function navItem(page: Page, title: string): Locator {
  return page.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: new RegExp(`^${title}\\b`) });
}

/** Switches page through the nav and waits until the nav says it is the current one. */
export async function goTo(page: Page, title: string): Promise<void> {
  const item = navItem(page, title);
  await item.click();
  await page.locator('nav[aria-label="Pages"] [aria-current="page"]', { hasText: new RegExp(`^${title}\\b`) }).waitFor();
}

/** Waits until `locator` (the first match) shows text matching `pattern`; returns that text. */
export async function textMatching(locator: Locator, pattern: RegExp, timeout = 30_000): Promise<string> {
  const matching = locator.filter({ hasText: pattern }).first();
  await matching.waitFor({ timeout });
  return (await matching.innerText()).trim();
}

/** A PNG of the viewport (1280×800) into `dir`. */
export async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}
