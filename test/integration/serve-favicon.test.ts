import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleService } from '../../src/core/console/console-service.js';
import { startServeMode, type ServeMode } from '../../src/server/serve-mode.js';
import { consoleService, staticSite } from '../helpers/serve-fixture.js';
import { httpGet, tokenOf } from '../helpers/serve-socket.js';

const ICON = path.resolve(import.meta.dirname, '../../resources/icon.ico');

let service: ConsoleService;
let serve: ServeMode;
let bare: ServeMode;

beforeAll(async () => {
  ({ service } = await consoleService());
  const site = await staticSite();
  serve = await startServeMode({ service, staticDir: site.staticDir, host: '127.0.0.1', favicon: ICON });
  bare = await startServeMode({ service, staticDir: site.staticDir, host: '127.0.0.1' });
});

afterAll(async () => {
  await serve?.close();
  await bare?.close();
  await service?.close();
});

describe("serve mode: the app's icon", () => {
  it('answers /favicon.ico with resources/icon.ico, without the token (the 401 page asks for it too)', async () => {
    const answer = await httpGet(serve.port, '/favicon.ico');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('image/x-icon');
    const icon = await fs.readFile(ICON);
    expect(Number(answer.headers['content-length'])).toBe(icon.length);
    // an .ico starts with reserved 0, type 1 (icon)
    expect(icon.subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves nothing else without the token, and keeps refusing other hosts', async () => {
    expect((await httpGet(serve.port, '/')).status).toBe(401);
    expect((await httpGet(serve.port, '/favicon.ico/../index.html')).status).toBe(401);
    expect((await httpGet(serve.port, '/favicon.ico', { Host: `rebound.example:${serve.port}` })).status).toBe(421);
  });

  it('is just another file behind the token when no icon is configured (404 in a build without one)', async () => {
    expect((await httpGet(bare.port, '/favicon.ico')).status).toBe(401);
    const cookie = `pool_console_${bare.port}=${tokenOf(bare.url)}`;
    expect((await httpGet(bare.port, '/favicon.ico', { Cookie: cookie })).status).toBe(404);
  });
});
