import { BrowserWindow, screen, type WebContents } from 'electron';
import { join } from 'node:path';
import { isAppPage } from './app-page';
import { openExternalSafely } from './external-links';
import type { LogSink } from './log-sink';
import { DEFAULT_SIZE, loadWindowState, saveWindowState, visibleBounds } from './window-state';

export interface MainWindowOptions {
  /** The app's one page (see app-page.ts). */
  appUrl: URL;
  /** Developer tools only while developing: a packaged console has no back door into the page. */
  dev: boolean;
  log: LogSink;
  preloadPath?: string;
  /** The app's icon (resources/icon.png) for the title bar and task switcher on Linux and Windows. */
  icon?: string;
  /** Where the window's size and position are kept between runs (<userData>/window-state.json). */
  stateFile?: string;
}

/** The renderer is untrusted: isolated, sandboxed, no Node, same-origin rules on. */
export function secureWebPreferences(preloadPath: string, dev: boolean): Electron.WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    devTools: dev,
  };
}

const lockedDown = new WeakSet<WebContents>();

/**
 * The page never leaves the app: navigation and redirects away from it are cancelled, new
 * windows are denied (an https link opens in the user's browser instead), webviews are refused.
 */
export function lockDownWebContents(contents: WebContents, appUrl: URL, log: LogSink): void {
  // Called for every web contents as it is created and again for the main window: once is enough.
  if (lockedDown.has(contents)) return;
  lockedDown.add(contents);
  const stayHome = (what: string) => (event: Electron.Event<{ url: string }>) => {
    if (isAppPage(event.url, appUrl)) return;
    event.preventDefault();
    log.warn(`Refused ${what} to ${event.url}`);
  };
  contents.on('will-navigate', stayHome('navigation'));
  contents.on('will-redirect', stayHome('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('Refused to attach a webview');
  });
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url)
      .then((opened) => {
        if (!opened) log.warn(`Refused to open ${url}: only https: links open, in the browser`);
      })
      .catch((error: unknown) => log.error(`Could not open ${url} in the browser:`, error));
    return { action: 'deny' };
  });
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const saved = options.stateFile ? loadWindowState(options.stateFile) : null;
  // Restored only where a display still shows it; otherwise the default size, centred.
  const bounds = visibleBounds(saved, screen.getAllDisplays().map((display) => display.workArea));
  const win = new BrowserWindow({
    ...(bounds ?? DEFAULT_SIZE),
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'Pool Console',
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: secureWebPreferences(options.preloadPath ?? join(import.meta.dirname, '../preload/index.cjs'), options.dev),
  });

  win.once('ready-to-show', () => {
    if (bounds && saved?.maximized) win.maximize();
    win.show();
  });
  if (options.stateFile) rememberWindowState(win, options.stateFile, options.log);
  lockDownWebContents(win.webContents, options.appUrl, options.log);
  win.loadURL(options.appUrl.href).catch((error: unknown) => options.log.error(`Could not load the console page ${options.appUrl.href}:`, error));

  return win;
}

/** Saves the window's normal (un-maximised) bounds and whether it was maximised, as it closes. */
function rememberWindowState(win: BrowserWindow, file: string, log: LogSink): void {
  win.on('close', () => {
    try {
      saveWindowState(file, { ...win.getNormalBounds(), maximized: win.isMaximized() });
    } catch (error) {
      log.warn(`Could not save the window's position to ${file}:`, error);
    }
  });
}
