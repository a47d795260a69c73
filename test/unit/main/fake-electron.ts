import { EventEmitter } from 'node:events';

/**
 * A stand-in for the parts of Electron that main and the preload use, for unit tests only
 * (`require('electron')` in plain Node tries to download the binary). Used through
 * `vi.mock('electron', () => import('./fake-electron.js'))`; it records what the code under
 * test registers so the tests can drive it.
 */

/** Main's ipcMain: listeners by channel (`on`, `removeListener`), fed by what a page sends. */
class FakeIpcMain extends EventEmitter {
  /** What ipcRenderer.send from `event`'s page does: main's listeners get a structured-clone copy. */
  deliver(channel: string, event: unknown, message: unknown): boolean {
    const copy = structuredClone(message);
    return this.emit(channel, event, copy);
  }
}

export const ipcMain = new FakeIpcMain();

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

/** A web contents: an emitter that records what main sends to it. */
export class FakeWebContents extends EventEmitter {
  readonly sent: { channel: string; message: unknown }[] = [];
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  loaded: string[] = [];
  readonly mainFrame: FakeFrame;

  constructor(url: string) {
    super();
    this.mainFrame = { url, parent: null };
  }
  send(channel: string, message: unknown): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, message: structuredClone(message) });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
  }
}

/** An IPC event as Electron builds it, from a page's frame. */
/**
 * A page sending one protocol message to main on the console's channel, and main's reply to it
 * (the message sent back to that page with the same id, or with id null when the id was unusable).
 * Rejects when nothing listens.
 */
export async function ipcRequest(event: { sender: FakeWebContents; senderFrame: FakeFrame | null }, message: { id: unknown; [key: string]: unknown }, timeoutMs = 10_000): Promise<unknown> {
  const start = event.sender.sent.length;
  if (!ipcMain.deliver('pool:to-main', event, message)) throw new Error("No listener registered for 'pool:to-main'");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = event.sender.sent.slice(start).find((sent) => sent.channel === 'pool:to-page' && [message.id, null].includes((sent.message as { id?: unknown }).id) && 'reply' in (sent.message as object));
    if (found) return (found.message as { reply: unknown }).reply;
    if (Date.now() > deadline) throw new Error(`no reply to ${String(message.id)}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export function invokeEvent(sender: FakeWebContents, frame: FakeFrame | null = sender.mainFrame) {
  return { sender, senderFrame: frame };
}

/** A navigation event: `defaultPrevented` says whether the handler cancelled it. */
export function navigationEvent(url: string) {
  return { url, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
}

export class BrowserWindow extends EventEmitter {
  static created: BrowserWindow[] = [];
  readonly webContents: FakeWebContents;
  /** What the user did to it: moved, resized, maximised, minimised; and what main asked of it. */
  bounds: { x: number; y: number; width: number; height: number };
  maximized = false;
  minimized = false;
  destroyed = false;
  readonly calls: string[] = [];
  constructor(readonly options: Record<string, unknown>) {
    super();
    this.webContents = new FakeWebContents('about:blank');
    this.bounds = { x: Number(options['x'] ?? 100), y: Number(options['y'] ?? 100), width: Number(options['width']), height: Number(options['height']) };
    BrowserWindow.created.push(this);
  }
  async loadURL(url: string): Promise<void> {
    await this.webContents.loadURL(url);
  }
  show(): void {
    this.calls.push('show');
  }
  focus(): void {
    this.calls.push('focus');
  }
  restore(): void {
    this.calls.push('restore');
    this.minimized = false;
  }
  maximize(): void {
    this.calls.push('maximize');
    this.maximized = true;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
}

/** The displays' work areas (the screen minus task bars); tests set them. */
export const screen = {
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }] as { workArea: { x: number; y: number; width: number; height: number } }[],
  getAllDisplays() {
    return screen.displays;
  },
};

export const dialog = {
  shown: [] as { parent: unknown; options: Record<string, unknown> }[],
  async showMessageBox(parentOrOptions: unknown, maybeOptions?: Record<string, unknown>) {
    const [parent, options] = maybeOptions ? [parentOrOptions, maybeOptions] : [null, parentOrOptions as Record<string, unknown>];
    dialog.shown.push({ parent, options });
    return { response: 0, checkboxChecked: false };
  },
};

export const clipboard = {
  text: '',
  writeText(text: string): void {
    clipboard.text = text;
  },
};

export const nativeImage = {
  createFromPath: (path: string) => ({ fromPath: path }),
};

export const shell = {
  opened: [] as string[],
  openedPaths: [] as string[],
  async openExternal(url: string): Promise<void> {
    shell.opened.push(url);
  },
  async openPath(path: string): Promise<string> {
    shell.openedPaths.push(path);
    return '';
  },
};

type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

export class FakeSession {
  headersListener: HeadersListener | null = null;
  permissionRequestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  permissionCheckHandler: ((contents: unknown, permission: string) => boolean) | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener) => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = handler;
  }
}

export const session = { defaultSession: new FakeSession() };

export const Menu = {
  applied: null as unknown,
  buildFromTemplate: (template: unknown) => ({ template }),
  setApplicationMenu: (menu: unknown) => {
    Menu.applied = menu;
  },
};

/** The preload's side: what it exposes and an ipcRenderer wired to this fake ipcMain. */
export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    if (contextBridge.exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
    contextBridge.exposed.set(key, api);
  },
};

class FakeIpcRenderer extends EventEmitter {
  /** The page this renderer is; what it sends reaches the fake ipcMain from this page's main frame. */
  page = new FakeWebContents('file:///app/out/renderer/index.html');
  readonly sentToMain: { channel: string; payload: unknown }[] = [];

  constructor() {
    super();
    // What main sends to the page arrives on this renderer's listeners.
    this.page.send = (channel: string, message: unknown) => {
      this.emit(channel, {}, structuredClone(message));
    };
  }
  /** Like Electron's: throws at once for a payload structured clone cannot copy. */
  send(channel: string, payload: unknown): void {
    const copy = structuredClone(payload);
    this.sentToMain.push({ channel, payload: copy });
    ipcMain.deliver(channel, invokeEvent(this.page), copy);
  }
}

export const ipcRenderer = new FakeIpcRenderer();

/** Electron's Notification: what main showed, and a click on one. */
export class Notification extends EventEmitter {
  static supported = true;
  static shown: Notification[] = [];
  static isSupported(): boolean {
    return Notification.supported;
  }
  constructor(readonly options: { title: string; body: string; icon?: string }) {
    super();
  }
  show(): void {
    Notification.shown.push(this);
  }
}
