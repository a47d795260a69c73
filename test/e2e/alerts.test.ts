import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleService } from '../../src/core/console/console-service.js';
import { startServeMode, type ServeMode } from '../../src/server/serve-mode.js';
import { freshDatabase } from '../helpers/database.js';
import { seedQuietPool } from '../helpers/pool-database.js';
import { consoleService, savedFor } from '../helpers/serve-fixture.js';
import { insertAlertEvent } from './helpers/alert-rows.js';
import { goTo, launchChromium, openConsole, screenshot, textMatching, type ConsolePage } from './helpers/browser.js';
import { ensureRendererBuilt, ROOT } from './helpers/serve-console.js';

/**
 * An alert end to end: a migrated database (the alert tables included), the console in serve
 * mode in Chromium, and a firing event written to POOL_ALERT_EVENTS as the recorder's leader
 * writes one. The Alerts page shows it, and the Overview's history charts mark it.
 */

const data = freshDatabase();
const SHOTS = path.join(ROOT, 'test-results', 'e2e');
const MESSAGE = 'e2e: 14 leases expired more than 60 min ago';

let service: ConsoleService;
let serve: ServeMode;
let browser: Browser;
let opened: ConsolePage;
let page: Page;
let eventId: number;

beforeAll(async () => {
  ensureRendererBuilt();
  await seedQuietPool(data, 20);
  ({ service } = await consoleService());
  await service.session.connect(savedFor('alerts e2e', data.profile), data.profile);
  serve = await startServeMode({ service, staticDir: path.join(ROOT, 'out', 'renderer'), host: '127.0.0.1' });
  browser = await launchChromium();
  opened = await openConsole(browser, serve.url);
  page = opened.page;
}, 300_000);

afterAll(async () => {
  await opened?.context.close();
  await browser?.close();
  await serve?.close();
  await service?.close();
}, 60_000);

describe('alerts in Chromium through serve mode, on a real database', { timeout: 180_000 }, () => {
  it('shows the rules, then a firing event written by the leader on the Alerts page', async () => {
    await textMatching(page.getByTestId('connection-status'), /^connected$/, 60_000);
    await goTo(page, 'Alerts');
    // the shipped rules, from POOL_ALERT_RULES
    await textMatching(page.getByTestId('rule-stuck-leases'), /Stuck leases[\s\S]*10[\s\S]*more than this many expired leases/);
    expect(await page.getByTestId('alerts-unavailable').count()).toBe(0);

    eventId = await insertAlertEvent(data.admin, { kind: 'stuck-leases', state: 'firing', value: 14, message: MESSAGE });
    // the page polls: the event comes within a poll or two
    const row = page.getByTestId(`alert-event-${eventId}`);
    await row.waitFor({ timeout: 60_000 });
    expect(await row.getAttribute('data-state')).toBe('firing');
    expect(await row.innerText()).toContain(MESSAGE);
    expect(await row.innerText()).toContain('Stuck leases');
    await screenshot(page, SHOTS, 'alerts-01-page');
  });

  it("marks the event on the Overview's history charts, red, naming the rule on hover", async () => {
    await goTo(page, 'Overview');
    const marker = page.locator(`figure[data-history-chart="history-status"] [data-alert-marker="${eventId}"]`);
    await marker.waitFor({ timeout: 60_000 });
    expect(await marker.getAttribute('data-tone')).toBe('firing');
    // Known gap (see the stop's note): the events-per-minute chart of a fresh database, whose rates are all
    // unknown, draws no marker; the three charts with values do.
    for (const id of ['history-status', 'history-leases', 'history-risk']) {
      expect(await page.locator(`figure[data-history-chart="${id}"] [data-alert-marker="${eventId}"]`).count()).toBe(1);
    }
    const box = (await marker.locator('line').last().boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = page.getByTestId('marker-tooltip');
    await tooltip.waitFor({ state: 'visible', timeout: 10_000 });
    // the leader may already have resolved the crafted event (its data is not really stuck), and the
    // resolved marker then sits on the same pixel: either names the rule
    expect(await tooltip.innerText()).toMatch(/alert (firing|resolved): Stuck leases · /);
    await screenshot(page, SHOTS, 'alerts-02-marker');
    expect(opened.pageErrors).toEqual([]);
  });
});
