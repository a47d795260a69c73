import { ipcMain, Notification, type IpcMainEvent } from 'electron';
import { desktopNoticeSchema, IPC_CHANNELS } from '../shared/ipc-protocol.js';
import { foreignSenderReason } from './ipc-sender';
import type { LogSink } from './log-sink';

export interface DesktopNotificationsOptions {
  /** The app's one page: only its main frame may ask for a notification. */
  appUrl: URL;
  icon: string;
  log: Pick<LogSink, 'warn'>;
  /** A click on a notification: bring the window forward (the alert is on its Alerts page). */
  onClick: () => void;
}

/**
 * The page's alert notifications, shown with Electron's Notification (the OS's own). The page
 * decides what to say and when (it groups and never repeats, see renderer/app/use-alert-watch);
 * main only checks who asks and what, since a notification is text a person will trust.
 * Returns the unbinding.
 */
export function bindDesktopNotifications({ appUrl, icon, log, onClick }: DesktopNotificationsOptions): () => void {
  // Held until closed: a collected Notification loses its click handler on some platforms.
  const open = new Set<Notification>();
  const receive = (event: IpcMainEvent, payload: unknown) => {
    const foreign = foreignSenderReason(event, appUrl);
    if (foreign) {
      log.warn(`Refused '${IPC_CHANNELS.notify}' from ${foreign}`);
      return;
    }
    const notice = desktopNoticeSchema.safeParse(payload);
    if (!notice.success) {
      log.warn(`Refused a desktop notification that is not a title and a body: ${notice.error.issues.map((issue) => issue.message).join('; ')}`);
      return;
    }
    if (!Notification.isSupported()) {
      log.warn(`Desktop notifications are not supported here; not shown: ${notice.data.title}`);
      return;
    }
    const shown = new Notification({ title: notice.data.title, body: notice.data.body, icon });
    open.add(shown);
    shown.on('click', () => {
      open.delete(shown);
      onClick();
    });
    shown.on('close', () => open.delete(shown));
    shown.show();
  };
  ipcMain.on(IPC_CHANNELS.notify, receive);
  return () => void ipcMain.removeListener(IPC_CHANNELS.notify, receive);
}
