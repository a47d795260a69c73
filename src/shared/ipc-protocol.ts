import { z } from 'zod';

/**
 * Electron's part of the console's protocol: one channel each way, every message one of
 * shared/protocol.ts (structured clone keeps Dates). A channel per operation would let Electron
 * reject an unknown name before main's one endpoint could see, refuse and log it.
 */
export const IPC_CHANNELS = {
  /** page → main (ipcRenderer.send): ClientMessage */
  toMain: 'pool:to-main',
  /** main → that page only (webContents.send): ServerMessage */
  toPage: 'pool:to-page',
  /** page → main (ipcRenderer.send): DesktopNotice, shown with the OS's notifications; no answer. */
  notify: 'pool:notify',
} as const;

/**
 * A desktop notification the page asks main to show (alerts). Not a contract operation: it
 * touches no database, and serve mode's browser shows its own (the Web Notification API).
 */
export const desktopNoticeSchema = z
  .object({
    title: z.string().min(1).max(200),
    body: z.string().max(2000),
  })
  .strict();

export type DesktopNotice = z.infer<typeof desktopNoticeSchema>;
