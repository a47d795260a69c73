import { createContext, useContext, useState, type ReactNode } from 'react';
import type { PoolConsoleBridge } from '../../shared/bridge-client';
import type { DesktopNotice } from '../../shared/ipc-protocol';

/** granted: notices show; default: not asked yet (a click asks); denied/unsupported: they cannot. */
export type NotifyPermission = 'granted' | 'default' | 'denied' | 'unsupported';

/** Where alert notifications go: the desktop app's main process, the browser's, or nowhere. */
export interface Notifier {
  kind: 'desktop' | 'browser' | 'none';
  permission(): NotifyPermission;
  /** Asks the person (the browser wants it from a click); resolves with the answer. */
  request(): Promise<NotifyPermission>;
  show(notice: DesktopNotice): void;
}

interface BrowserNotification {
  permission: string;
  requestPermission(): Promise<string>;
  new (title: string, options: { body: string }): unknown;
}

interface PageGlobals {
  poolConsole?: Partial<PoolConsoleBridge>;
  Notification?: BrowserNotification;
}

const NONE: Notifier = { kind: 'none', permission: () => 'unsupported', request: async () => 'unsupported', show: () => undefined };

const asPermission = (value: string): NotifyPermission => (value === 'granted' || value === 'denied' ? value : 'default');

/**
 * The desktop app's preload `notify` (main shows Electron's Notification; no permission to ask),
 * else the Web Notification API of serve mode's browser, else none (the page says so).
 */
export function chooseNotifier(page: PageGlobals = globalThis as unknown as PageGlobals): Notifier {
  const bridge = page.poolConsole;
  if (bridge && typeof bridge.notify === 'function') {
    const notify = bridge.notify.bind(bridge);
    return { kind: 'desktop', permission: () => 'granted', request: async () => 'granted', show: (notice) => notify(notice) };
  }
  const Web = page.Notification;
  if (Web && typeof Web.requestPermission === 'function') {
    return {
      kind: 'browser',
      permission: () => asPermission(Web.permission),
      request: async () => asPermission(await Web.requestPermission()),
      show: (notice) => {
        if (Web.permission === 'granted') new Web(notice.title, { body: notice.body });
      },
    };
  }
  return NONE;
}

const NotifierContext = createContext<Notifier | null>(null);

/** The notifier of this page (tests hand in one that records). */
export function NotifierProvider({ notifier, children }: { notifier?: Notifier; children: ReactNode }) {
  const [chosen] = useState(() => notifier ?? chooseNotifier());
  return <NotifierContext.Provider value={chosen}>{children}</NotifierContext.Provider>;
}

/** Without a provider (a page rendered alone in a test): notifications go nowhere. */
export function useNotifier(): Notifier {
  return useContext(NotifierContext) ?? NONE;
}
