import { clipboard, dialog, nativeImage, shell, type BrowserWindow } from 'electron';
import { arch, release } from 'node:os';
import type { LogLine } from '../shared/contract.js';
import { diagnosticsText } from './diagnostics';
import type { LogSink } from './log-sink';
import type { MenuActions } from './menu';
import { knownSecrets } from './secret-registry';

export interface DesktopActionsOptions {
  version: string;
  iconPath: string;
  userData: string;
  logsFolder: string;
  managedProfilesFile: string;
  passwordEncryption: boolean;
  logs: { recent(limit: number): LogLine[] };
  log: LogSink;
  /** The window dialogs belong to, when there is one. */
  window: () => BrowserWindow | null;
}

/** Lines of the log a diagnostics paste carries: enough for the last minutes, short enough for a ticket. */
const DIAGNOSTIC_LOG_LINES = 100;

/** The menu's own items, done with Electron: a dialog, the file manager, the clipboard. */
export function desktopActions(options: DesktopActionsOptions): MenuActions {
  return {
    about() {
      const versions = `Electron ${process.versions['electron'] ?? '?'} · Chrome ${process.versions['chrome'] ?? '?'} · Node ${process.versions.node}`;
      const box: Electron.MessageBoxOptions = {
        type: 'info',
        title: 'About Pool Console',
        message: `Pool Console ${options.version}`,
        detail: `Operations console for the booking assignment pool.\n\n${versions}`,
        icon: nativeImage.createFromPath(options.iconPath),
        buttons: ['OK'],
      };
      const parent = options.window();
      (parent ? dialog.showMessageBox(parent, box) : dialog.showMessageBox(box)).catch((error: unknown) => options.log.error('The About dialog failed:', error));
    },
    openLogsFolder() {
      // openPath answers with an error message, or '' when the file manager opened it.
      shell
        .openPath(options.logsFolder)
        .then((problem) => {
          if (problem) options.log.warn(`Could not open the logs folder ${options.logsFolder}: ${problem}`);
        })
        .catch((error: unknown) => options.log.error(`Could not open the logs folder ${options.logsFolder}:`, error));
    },
    copyDiagnostics() {
      const text = diagnosticsText(
        {
          version: options.version,
          versions: process.versions,
          platform: process.platform,
          arch: arch(),
          osRelease: release(),
          userData: options.userData,
          logsFolder: options.logsFolder,
          managedProfilesFile: options.managedProfilesFile,
          passwordEncryption: options.passwordEncryption,
          recentLogs: options.logs.recent(DIAGNOSTIC_LOG_LINES),
        },
        knownSecrets(),
      );
      clipboard.writeText(text);
    },
  };
}
