import { app, BrowserWindow, safeStorage, session } from 'electron';
import log from 'electron-log/main';
import type { ConsoleService } from '../core/console/console-service.js';
import { createSandboxLauncher } from '../core/console/sandbox-launcher.js';
import { appPageUrl } from './app-page';
import { createDesktopConsole } from './desktop-console';
import { bindContractToIpc, type ContractBinding } from './ipc';
import { configureLogging } from './logging';
import { installApplicationMenu } from './menu';
import { safeStorageBox } from './secret-box';
import { hardenSession } from './session-security';
import { createMainWindow, lockDownWebContents } from './window';

/** A console still closing its connection and sandbox after this long is left to the OS. */
const QUIT_GRACE_MS = 20_000;

// Renderer logs (electron-log's own preload) reach this process and its file; every line redacted.
log.initialize();
const { recent } = configureLogging(log);
log.errorHandler.startCatching();

const dev = !app.isPackaged;
const appUrl = appPageUrl();
let mainWindow: BrowserWindow | null = null;
let service: ConsoleService | null = null;
let binding: ContractBinding | null = null;

function showMainWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) {
    mainWindow = createMainWindow({ appUrl, dev, log });
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function startConsole(): void {
  const userData = app.getPath('userData');
  // The local sandbox: a private server kept in userData, started when the UI asks for it
  // (connection.connect {sandbox: true}; with no saved profile the UI offers it), stopped on quit.
  const sandbox = createSandboxLauncher(userData, (error) => log.warn(`sandbox: ${error.code} ${error.message}`));
  const box = safeStorageBox(safeStorage);
  service = createDesktopConsole({ userData, box, sandbox, logs: recent, log });
  binding = bindContractToIpc({ service, appUrl, log });
  const passwords = box.available ? 'encrypted with the OS keychain' : 'kept for this session only (no OS encryption available)';
  log.info(`Pool Console ${app.getVersion()} started; data in ${userData}; passwords ${passwords}`);
}

/** Closes the database connection and stops the sandbox's server before the app exits. */
function closeConsoleOnQuit(): void {
  let state: 'open' | 'closing' | 'closed' = 'open';
  app.on('before-quit', (event) => {
    if (state === 'closed' || !service) return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    binding?.dispose();
    const timer = setTimeout(() => {
      log.error(`The console did not close within ${QUIT_GRACE_MS / 1000} s; exiting anyway.`);
      app.exit(1);
    }, QUIT_GRACE_MS);
    service
      .close()
      .catch((error: unknown) => log.error('Closing the console failed:', error))
      .finally(() => {
        clearTimeout(timer);
        state = 'closed';
        app.quit();
      });
  });
}

// Every renderer runs sandboxed, whatever a window asks for.
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (app.isReady()) showMainWindow();
  });

  // Every web contents, the main window's and any other, stays on the app's page.
  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents, appUrl, log));

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  closeConsoleOnQuit();

  app
    .whenReady()
    .then(() => {
      hardenSession(session.defaultSession, appUrl);
      installApplicationMenu({ dev, platform: process.platform });
      startConsole();
      showMainWindow();

      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) showMainWindow();
      });
    })
    .catch((error: unknown) => {
      log.error('Pool Console failed to start:', error);
      app.exit(1);
    });
}
