import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMainWindow } from '../../../src/main/window.js';
import { loadWindowState, visibleBounds } from '../../../src/main/window-state.js';
import { BrowserWindow, screen } from './fake-electron.js';

vi.mock('electron', () => import('./fake-electron.js'));

const APP = new URL('file:///opt/pool-console/out/renderer/index.html');
const noLog = { warn: () => undefined, error: () => undefined };
const ONE_SCREEN = [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }];
const TWO_SCREENS = [...ONE_SCREEN, { workArea: { x: 1920, y: 0, width: 2560, height: 1400 } }];

let dir: string;
let stateFile: string;

function open() {
  createMainWindow({ appUrl: APP, dev: false, log: noLog, preloadPath: '/p/index.cjs', icon: '/opt/pool-console/resources/icon.png', stateFile });
  return BrowserWindow.created.at(-1)!;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pool-console-window-'));
  stateFile = join(dir, 'window-state.json');
  screen.displays = TWO_SCREENS;
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the main window remembers its size and position', () => {
  it('opens at the default size the first time, with the app icon', () => {
    const win = open();
    expect(win.options).toMatchObject({ width: 1280, height: 800, icon: '/opt/pool-console/resources/icon.png' });
    expect(win.options).not.toHaveProperty('x');
  });

  it('saves its bounds as it closes and opens there next time, maximised again if it was', async () => {
    const first = open();
    first.bounds = { x: 2000, y: 80, width: 1500, height: 900 };
    first.maximized = true;
    first.emit('close');
    expect(JSON.parse(await readFile(stateFile, 'utf8'))).toEqual({ x: 2000, y: 80, width: 1500, height: 900, maximized: true });

    const next = open();
    expect(next.options).toMatchObject({ x: 2000, y: 80, width: 1500, height: 900 });
    next.emit('ready-to-show');
    expect(next.calls).toEqual(['maximize', 'show']);
  });

  it('opens at the default size when the saved place is on a display that is gone', () => {
    const first = open();
    first.bounds = { x: 2200, y: 100, width: 1400, height: 900 };
    first.emit('close');
    screen.displays = ONE_SCREEN; // the second monitor was unplugged
    const next = open();
    expect(next.options).toMatchObject({ width: 1280, height: 800 });
    expect(next.options).not.toHaveProperty('x');
    next.emit('ready-to-show');
    expect(next.calls).toEqual(['show']);
  });

  it('ignores a damaged or hand-edited state file', async () => {
    for (const content of ['{ not json', JSON.stringify({ x: 0, y: 0, width: -5, height: 800 }), JSON.stringify({ x: 'a' })]) {
      await writeFile(stateFile, content);
      expect(loadWindowState(stateFile)).toBeNull();
      expect(open().options).toMatchObject({ width: 1280, height: 800 });
    }
  });
});

describe('visibleBounds', () => {
  const saved = (x: number, y: number) => ({ x, y, width: 1200, height: 800, maximized: false });
  const areas = ONE_SCREEN.map((display) => display.workArea);

  it("restores a window whose title bar is on a display, even partly", () => {
    expect(visibleBounds(saved(100, 100), areas)).toEqual({ x: 100, y: 100, width: 1200, height: 800 });
    expect(visibleBounds(saved(1700, 900), areas)).toEqual({ x: 1700, y: 900, width: 1200, height: 800 });
  });

  it('refuses one off every display, or with only a sliver or its bottom edge showing', () => {
    expect(visibleBounds(saved(3000, 100), areas)).toBeNull();
    expect(visibleBounds(saved(1850, 100), areas)).toBeNull(); // 70 px of title bar: too little to grab
    expect(visibleBounds(saved(100, -700), areas)).toBeNull(); // title bar above the screen
    expect(visibleBounds(saved(100, 1020), areas)).toBeNull();
    expect(visibleBounds(null, areas)).toBeNull();
  });
});
