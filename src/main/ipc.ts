import { ipcMain, type IpcMainEvent, type WebContents } from 'electron';
import { Endpoint, type EndpointService } from '../core/console/endpoint.js';
import { IPC_CHANNELS } from '../shared/ipc-protocol.js';
import type { ServerMessage } from '../shared/protocol.js';
import { FOREIGN_SENDER_REPLY, foreignSenderReason } from './ipc-sender';
import type { LogSink } from './log-sink';
import { rememberSecretsIn } from './secret-registry';

export interface ContractBindingOptions {
  service: EndpointService;
  /** The app's one page: only its main frame may call. */
  appUrl: URL;
  log: LogSink;
}

export interface ContractBinding {
  /** How many subscriptions a page holds (for tests and diagnostics). */
  count(contents: WebContents): number;
  /** Removes the listener and ends every page's calls and subscriptions. */
  dispose(): void;
}

/**
 * Binds the console's one endpoint (core/console/endpoint.ts) to Electron IPC: one channel each
 * way, one endpoint per page. Every message is checked first to come from the app's own page in
 * its main frame; a page's endpoint closes (its subscriptions end, its calls are aborted) when
 * the page reloads, crashes or is destroyed.
 */
export function bindContractToIpc({ service, appUrl, log }: ContractBindingOptions): ContractBinding {
  const pages = new Map<WebContents, { endpoint: Endpoint; deliver(message: unknown): void; close(): void }>();

  function open(contents: WebContents) {
    let deliver: (message: unknown) => void = () => undefined;
    const closers: (() => void)[] = [];
    const close = () => {
      if (pages.get(contents)?.close !== close) return;
      pages.delete(contents);
      contents.off('destroyed', close);
      contents.off('render-process-gone', close);
      contents.off('did-start-navigation', onNavigation);
      for (const closer of closers) closer();
    };
    const onNavigation = (details: { isMainFrame: boolean; isSameDocument: boolean }) => {
      if (details.isMainFrame && !details.isSameDocument) close(); // a reload or a new document
    };
    contents.once('destroyed', close);
    contents.on('render-process-gone', close);
    contents.on('did-start-navigation', onNavigation);
    const send = (message: ServerMessage) => (contents.isDestroyed() ? close() : contents.send(IPC_CHANNELS.toPage, message));
    const endpoint = new Endpoint(
      { send, onMessage: (listener) => (deliver = listener), onClose: (listener) => closers.push(listener) },
      service,
      { log, onCall: (_name, input) => rememberSecretsIn(input) },
    );
    const page = { endpoint, deliver: (message: unknown) => deliver(message), close };
    pages.set(contents, page);
    return page;
  }

  const receive = (event: IpcMainEvent, message: unknown) => {
    const foreign = foreignSenderReason(event, appUrl);
    if (foreign) {
      log.warn(`Refused '${IPC_CHANNELS.toMain}' from ${foreign}`);
      const id = message && typeof message === 'object' && 'id' in message && (typeof message.id === 'number' || typeof message.id === 'string') ? message.id : null;
      if (!event.sender.isDestroyed()) event.sender.send(IPC_CHANNELS.toPage, { id, reply: FOREIGN_SENDER_REPLY } satisfies ServerMessage);
      return;
    }
    if (!event.sender.isDestroyed()) (pages.get(event.sender) ?? open(event.sender)).deliver(message);
  };
  ipcMain.on(IPC_CHANNELS.toMain, receive);

  return {
    count: (contents) => pages.get(contents)?.endpoint.subscriptionCount ?? 0,
    dispose() {
      ipcMain.removeListener(IPC_CHANNELS.toMain, receive);
      for (const page of [...pages.values()]) page.close();
    },
  };
}
