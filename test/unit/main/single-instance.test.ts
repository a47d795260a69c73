import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { bringToFront, claimSingleInstance } from '../../../src/main/single-instance.js';
import { BrowserWindow } from './fake-electron.js';

vi.mock('electron', () => import('./fake-electron.js'));

/** Electron's app as far as the lock goes: the first process to ask gets it, later ones do not. */
class FakeApp extends EventEmitter {
  constructor(private readonly lockFree: boolean) {
    super();
  }
  requestSingleInstanceLock(): boolean {
    return this.lockFree;
  }
}

describe('one console per user', () => {
  it('lets the first launch run, and a second launch calls it back instead of starting', () => {
    const first = new FakeApp(true);
    const focus = vi.fn();
    expect(claimSingleInstance(first, focus)).toBe(true);
    // what Electron emits in the first process when the user launches the app again
    first.emit('second-instance', {}, ['pool-console'], '/home/ops');
    expect(focus).toHaveBeenCalledOnce();
  });

  it('tells the second launch to quit, and registers nothing in it', () => {
    const second = new FakeApp(false);
    const focus = vi.fn();
    expect(claimSingleInstance(second, focus)).toBe(false);
    expect(second.listenerCount('second-instance')).toBe(0);
  });

  it("brings the running window to the front, un-minimising it first", () => {
    const win = new BrowserWindow({ width: 1280, height: 800 });
    win.minimized = true;
    bringToFront(win as never);
    expect(win.calls).toEqual(['restore', 'show', 'focus']);

    const shown = new BrowserWindow({ width: 1280, height: 800 });
    bringToFront(shown as never);
    expect(shown.calls).toEqual(['show', 'focus']);

    const closed = new BrowserWindow({ width: 1280, height: 800 });
    closed.destroyed = true;
    bringToFront(closed as never);
    expect(closed.calls).toEqual([]);
  });
});
