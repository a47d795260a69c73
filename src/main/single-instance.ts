/** The parts of Electron's app and BrowserWindow this module needs (a fake in tests). */
interface InstanceApp {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: () => void): unknown;
}

interface FocusableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/**
 * One console per user: two would each run a sandbox server on the same data folder and write
 * the same profiles file. Returns false when another instance holds the lock (this one should
 * quit at once); otherwise a later launch calls `onSecondLaunch` here instead of starting.
 */
export function claimSingleInstance(app: InstanceApp, onSecondLaunch: () => void): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', onSecondLaunch);
  return true;
}

/** Brings a window to the front, un-minimising it first. */
export function bringToFront(win: FocusableWindow): void {
  if (win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
