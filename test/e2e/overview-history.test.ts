import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleService } from '../../src/core/console/console-service.js';
import { Database } from '../../src/core/db/database.js';
import { metricsModel, rollUp } from '../../src/core/metrics/index.js';
import { toAttributes } from '../../src/core/metrics/metrics-model.js';
import { startServeMode, type ServeMode } from '../../src/server/serve-mode.js';
import type { MetricsPoint } from '../../src/shared/results/metrics.js';
import { freshDatabase } from '../helpers/database.js';
import { seedQuietPool } from '../helpers/pool-database.js';
import { consoleService, savedFor } from '../helpers/serve-fixture.js';
import { ProtocolSocket, socketUrlOf } from '../helpers/serve-socket.js';
import { goTo, launchChromium, openConsole, screenshot, textMatching, type ConsolePage } from './helpers/browser.js';
import { ensureRendererBuilt, resultOf, ROOT } from './helpers/serve-console.js';

/**
 * The Overview opens on the history the database holds: a migrated database with two hours of
 * POOL_METRICS rows (10-second samples written through the model, rolled up by the core), an
 * applied cleanup in the audit log, and the console in serve mode in Chromium. The charts span the
 * two hours at once, the cleanup is a marker with who and why on hover, and other ranges read
 * other resolutions.
 */

const data = freshDatabase();
const POOLED = 40;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const REASON = 'e2e: clear leftovers after the deploy';
const SHOTS = path.join(ROOT, 'test-results', 'e2e');

let db: Database;
let service: ConsoleService;
let serve: ServeMode;
let socket: ProtocolSocket;
let browser: Browser;
let opened: ConsolePage;
let page: Page;
/** The database's clock when the history was written: its newest row is 10 s before. */
let writtenAt: number;

/** Two hours of 10-second samples ending now, by the database's clock: a pool draining slowly. */
function twoHours(now: number): MetricsPoint[] {
  const points: MetricsPoint[] = [];
  for (let t = now - 2 * HOUR; t < now - 5_000; t += 10_000) {
    const waiting = 30 + Math.round(10 * Math.sin((t - now) / (20 * MINUTE)));
    points.push({
      resolution: 10, time: new Date(t), recorderId: 'console e2e@history 1', exact: true, samples: 1, inPool: waiting + 10,
      byStatus: { waiting, ready: 4, processing: 3, failed: 3 }, byModeStatus: null, eligible: 4, overdue: 1, expiredLeases: 0, failedAtMaxAttempts: 1,
      oldestEntryAgeSeconds: 7200, deadlineWithin: { hour1: 2, hours6: 8, hours24: 20 },
      events: { entered: 2, claimed: 2, completed: 1, failed: 0, retried: 0, removed: 0, reset: 0 }, eventTotals: null,
      sampleMs: 3, intervalMs: 10_000, note: null,
    });
  }
  return points;
}

beforeAll(async () => {
  ensureRendererBuilt();
  await seedQuietPool(data, POOLED);
  db = new Database(data.profile);
  const [clock] = await db.select<{ now: Date }>('e2e.clock', 'SELECT NOW(3) AS now');
  writtenAt = clock!.now.getTime();
  const model = metricsModel(db);
  const rows = twoHours(writtenAt).map(toAttributes);
  for (let i = 0; i < rows.length; i += 200) await model.bulkCreate(rows.slice(i, i + 200));
  // the minute and hour rows, as the recorder's leader makes them (each pass reads a bounded window)
  for (let pass = 0; pass < 50 && (await rollUp(db, new Date(writtenAt))).more; pass += 1);

  ({ service } = await consoleService());
  await service.session.connect(savedFor('history e2e', data.profile), data.profile);
  serve = await startServeMode({ service, staticDir: path.join(ROOT, 'out', 'renderer'), host: '127.0.0.1' });
  socket = await ProtocolSocket.open(socketUrlOf(serve.url));
  // an operator's cleanup, through the console: the audit log gets its row
  resultOf(await socket.call('maintenance.cleanup.apply', { confirm: data.name, reason: REASON }, 60_000));

  browser = await launchChromium();
  opened = await openConsole(browser, serve.url);
  page = opened.page;
}, 300_000);

afterAll(async () => {
  await opened?.context.close();
  await browser?.close();
  socket?.close();
  await serve?.close();
  await service?.close();
  await db?.close();
}, 60_000);

interface ChartSpan {
  points: number;
  firstT: number;
  gaps: number;
  resolution: number;
  rangeFrom: number;
}

/** What the history's status chart draws, once its read for the range starting at `from` (±2 min) is in. */
async function statusSpan(target: Page, expectedFrom: number): Promise<ChartSpan> {
  await target.waitForFunction(
    (from) => {
      const section = document.querySelector('[data-testid="history"]');
      const figure = document.querySelector('figure[data-history-chart="history-status"]');
      return Math.abs(Number(section?.getAttribute('data-range-from')) - from) < 120_000 && Number(figure?.getAttribute('data-points') ?? 0) > 0 && section?.getAttribute('data-resolution');
    },
    expectedFrom,
    { timeout: 60_000, polling: 200 },
  );
  return target.evaluate(() => {
    const section = document.querySelector('[data-testid="history"]')!;
    const figure = document.querySelector('figure[data-history-chart="history-status"]')!;
    return {
      points: Number(figure.getAttribute('data-points')),
      firstT: Number(figure.getAttribute('data-first-t')),
      gaps: Number(figure.getAttribute('data-gaps')),
      resolution: Number(section.getAttribute('data-resolution')),
      rangeFrom: Number(section.getAttribute('data-range-from')),
    };
  });
}

const rangeButton = (label: string) => page.getByRole('group', { name: 'History range' }).getByRole('button', { name: label, exact: true });

describe('the Overview on recorded history, in Chromium through serve mode', { timeout: 240_000 }, () => {
  it('shows the two recorded hours at once, before any live sample could have filled them', async () => {
    await textMatching(page.getByTestId('connection-status'), /^connected$/, 60_000);
    await goTo(page, 'Overview');
    const opensAt = Date.now();
    const span = await statusSpan(page, opensAt - 6 * HOUR);
    // 6 hours at minute resolution: the first row is the two-hour-old one, the 4 hours before are a gap
    expect(span.resolution).toBe(60);
    expect(Math.abs(span.firstT - (writtenAt - 2 * HOUR))).toBeLessThanOrEqual(MINUTE);
    expect(span.points).toBeGreaterThanOrEqual(118);
    expect(span.gaps).toBeGreaterThanOrEqual(1);
    await textMatching(page.getByTestId('history-status'), /1 min resolution · 1[12]\d recorded points · \d+ gaps? \(no recorder\)/);
  });

  it('marks the applied cleanup on the charts: who, what, how many rows and why on hover', async () => {
    const marker = page.locator('figure[data-history-chart="history-status"] .audit-marker').first();
    await marker.waitFor({ timeout: 30_000 });
    const markerT = Number(await marker.getAttribute('data-marker-t'));
    expect(Math.abs(markerT - Date.now())).toBeLessThan(10 * MINUTE);
    // on the line itself, halfway down (its label stands to its left, at the top)
    const box = (await marker.locator('line').last().boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = page.getByTestId('marker-tooltip');
    await tooltip.waitFor({ state: 'visible', timeout: 10_000 });
    const text = await tooltip.innerText();
    expect(text).toContain('serve-test');
    expect(text).toContain('maintenance.cleanup');
    expect(text).toMatch(/\d+ rows? · why: e2e: clear leftovers after the deploy/);
    await screenshot(page, SHOTS, 'overview-history');
  });

  it('switches ranges: 15 min reads 10-second rows, 24 h minute rows, both ending now', async () => {
    await rangeButton('15 min').click();
    const quarter = await statusSpan(page, Date.now() - 15 * MINUTE);
    expect(quarter.resolution).toBe(10);
    expect(Math.abs(quarter.firstT - (quarter.rangeFrom))).toBeLessThanOrEqual(20_000);
    // the recorded rows up to when they were written, then the live tail (a gap between, if a while passed)
    expect(quarter.points).toBeGreaterThanOrEqual(50);

    await rangeButton('24 h').click();
    const day = await statusSpan(page, Date.now() - 24 * HOUR);
    expect(day.resolution).toBe(60);
    expect(Math.abs(day.firstT - (writtenAt - 2 * HOUR))).toBeLessThanOrEqual(MINUTE);
    expect(day.gaps).toBeGreaterThanOrEqual(1);
    expect(opened.pageErrors).toEqual([]);
  });

  it('zooms into a span dragged across a chart, and back to the range on reset', async () => {
    await rangeButton('6 h').click();
    const wide = await statusSpan(page, Date.now() - 6 * HOUR);
    const surface = (await page.locator('figure[data-history-chart="history-status"] svg.recharts-surface').first().boundingBox())!;
    const y = surface.y + surface.height / 2;
    // across the recorded two hours: the right third of the plot
    await page.mouse.move(surface.x + surface.width * 0.7, y);
    await page.mouse.down();
    await page.mouse.move(surface.x + surface.width * 0.8, y, { steps: 5 });
    await page.mouse.move(surface.x + surface.width * 0.9, y, { steps: 5 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Reset to 6 h' }).waitFor({ timeout: 30_000 });
    const zoomed = await page.evaluate(() => {
      const section = document.querySelector('[data-testid="history"]')!;
      return { from: Number(section.getAttribute('data-range-from')), to: Number(section.getAttribute('data-range-to')) };
    });
    expect(zoomed.from).toBeGreaterThan(wide.rangeFrom + 3 * HOUR);
    expect(zoomed.to - zoomed.from).toBeLessThan(2 * HOUR);
    expect(zoomed.to - zoomed.from).toBeGreaterThan(10 * MINUTE);
    await screenshot(page, SHOTS, 'overview-history-zoomed');

    await page.getByRole('button', { name: 'Reset to 6 h' }).click();
    const back = await statusSpan(page, Date.now() - 6 * HOUR);
    expect(back.resolution).toBe(60);
    expect(opened.pageErrors).toEqual([]);
  });
});
