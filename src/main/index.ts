import { app, BrowserWindow, safeStorage, session } from 'electron';
import log from 'electron-log/main';
import { dirname, join } from 'node:path';
import type { ConsoleService } from '../core/console/console-service.js';
import { managedProfilesPath } from '../core/console/managed-profiles.js';
import { createSandboxLauncher } from '../core/console/sandbox-launcher.js';
import { appIconPath } from './app-icon';
import { appPageUrl } from './app-page';
import { desktopActions } from './desktop-actions';
import { bindDesktopNotifications } from './desktop-notifications';
import { createDesktopConsole } from './desktop-console';
import { bindContractToIpc, type ContractBinding } from './ipc';
import { configureLogging } from './logging';
import { installApplicationMenu } from './menu';
import { safeStorageBox } from './secret-box';
import { hardenSession } from './session-security';
import { bringToFront, claimSingleInstance } from './single-instance';
import { createMainWindow, lockDownWebContents } from './window';

/** A console still closing its connection and sandbox after this long is left to the OS. */
const QUIT_GRACE_MS = 20_000;

// Renderer logs (electron-log's own preload) reach this process and its file; every line redacted.
log.initialize();
const { recent } = configureLogging(log);
log.errorHandler.startCatching();

const dev = !app.isPackaged;
const appUrl = appPageUrl();
const iconPath = appIconPath(app.getAppPath());
const managedProfiles = managedProfilesPath();
let mainWindow: BrowserWindow | null = null;
let service: ConsoleService | null = null;
let binding: ContractBinding | null = null;

function showMainWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) {
    const stateFile = join(app.getPath('userData'), 'window-state.json');
    mainWindow = createMainWindow({ appUrl, dev, log, icon: iconPath, stateFile });
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
    return;
  }
  bringToFront(mainWindow);
}

/** Starts the console's back; says whether passwords can be encrypted (for diagnostics). */
function startConsole(): boolean {
  const userData = app.getPath('userData');
  // The local sandbox: a private server kept in userData, started when the UI asks for it
  // (connection.connect {sandbox: true}; with no saved profile the UI offers it), stopped on quit.
  const sandbox = createSandboxLauncher(userData, (error) => log.warn(`sandbox: ${error.code} ${error.message}`));
  const box = safeStorageBox(safeStorage);
  service = createDesktopConsole({ userData, box, sandbox, logs: recent, log, managedProfiles });
  binding = bindContractToIpc({ service, appUrl, log });
  bindDesktopNotifications({ appUrl, icon: iconPath, log, onClick: showMainWindow });
  const passwords = box.available ? 'encrypted with the OS keychain' : 'kept for this session only (no OS encryption available)';
  log.info(`Pool Console ${app.getVersion()} started; data in ${userData}; passwords ${passwords}; managed profiles from ${managedProfiles}`);
  return box.available;
}

function installMenu(passwordEncryption: boolean): void {
  const version = app.getVersion();
  app.setAboutPanelOptions({ applicationName: 'Pool Console', applicationVersion: version, iconPath });
  const actions = desktopActions({
    version,
    iconPath,
    userData: app.getPath('userData'),
    logsFolder: dirname(log.transports.file.getFile().path),
    managedProfilesFile: managedProfiles,
    passwordEncryption,
    logs: recent,
    log,
    window: () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow : null),
  });
  installApplicationMenu({ dev, platform: process.platform, version, actions });
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

// A second launch focuses this one's window and exits.
const focusRunningWindow = (): void => {
  if (app.isReady()) showMainWindow();
};
if (!claimSingleInstance(app, focusRunningWindow)) {
  app.quit();
} else {

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
      installMenu(startConsole());
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
