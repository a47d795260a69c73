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
} as const;
