import type { WebContents } from 'electron';
import { z } from 'zod';
import type { ConsoleService } from '../core/console/console-service.js';
import { classifyError } from '../core/db/classify-error.js';
import { isStreamName } from '../shared/contract.js';
import { IPC_CHANNELS, SUBSCRIPTION_ID, type StreamMessage } from '../shared/ipc-protocol.js';
import type { Reply } from '../shared/wire.js';
import type { LogSink } from './log-sink';

/** Enough for every chart on every page; more means a page that forgets to unsubscribe. */
export const MAX_SUBSCRIPTIONS_PER_PAGE = 64;

const subscribeRequest = z.object({ id: z.string().regex(SUBSCRIPTION_ID), stream: z.string().max(80), params: z.unknown() }).strict();
const unsubscribeRequest = z.object({ id: z.string().regex(SUBSCRIPTION_ID) }).strict();

interface PageSubscriptions {
  byId: Map<string, () => void>;
  detach: () => void;
}

/**
 * The stream subscriptions of each page, by the id the preload chose. Events go to the page that
 * subscribed and no other. A page's subscriptions end when it reloads, crashes or is destroyed,
 * so a stream (and the live sampler behind it) never keeps running for a page that is gone.
 */
export class StreamSubscriptions {
  private readonly pages = new Map<WebContents, PageSubscriptions>();

  constructor(
    private readonly service: Pick<ConsoleService, 'subscribe'>,
    private readonly log: LogSink,
  ) {}

  subscribe(contents: WebContents, payload: unknown): Reply<{ subscribed: true }> {
    const request = subscribeRequest.safeParse(payload);
    if (!request.success) return { ok: false, error: classifyError(request.error).toEnvelope() };
    const { id, stream, params } = request.data;
    if (!isStreamName(stream)) {
      this.log.warn(`Refused a subscription to an unknown stream '${stream}'`);
      return { ok: false, error: { code: 'INVALID_INPUT', message: `Unknown stream '${stream}'.` } };
    }
    const page = this.page(contents);
    if (page.byId.has(id)) return { ok: false, error: { code: 'INVALID_INPUT', message: `Subscription id '${id}' is already in use.` } };
    if (page.byId.size >= MAX_SUBSCRIPTIONS_PER_PAGE) {
      return { ok: false, error: { code: 'INVALID_INPUT', message: `A page may hold at most ${MAX_SUBSCRIPTIONS_PER_PAGE} subscriptions; unsubscribe first.` } };
    }
    try {
      const unsubscribe = this.service.subscribe(stream, params, (event) => this.send(contents, { id, event }));
      page.byId.set(id, unsubscribe);
      return { ok: true, result: { subscribed: true } };
    } catch (error) {
      const failure = classifyError(error);
      this.log.warn(`Subscription to '${stream}' refused: ${failure.code} ${failure.message}`);
      this.forgetPageIfEmpty(contents);
      return { ok: false, error: failure.toEnvelope() };
    }
  }

  unsubscribe(contents: WebContents, payload: unknown): Reply<{ unsubscribed: boolean }> {
    const request = unsubscribeRequest.safeParse(payload);
    if (!request.success) return { ok: false, error: classifyError(request.error).toEnvelope() };
    const page = this.pages.get(contents);
    const unsubscribe = page?.byId.get(request.data.id);
    if (!page || !unsubscribe) return { ok: true, result: { unsubscribed: false } };
    page.byId.delete(request.data.id);
    this.stop(unsubscribe);
    this.forgetPageIfEmpty(contents);
    return { ok: true, result: { unsubscribed: true } };
  }

  /** How many subscriptions a page holds (for tests and diagnostics). */
  count(contents: WebContents): number {
    return this.pages.get(contents)?.byId.size ?? 0;
  }

  /** Ends every subscription of a page. */
  endPage(contents: WebContents): void {
    const page = this.pages.get(contents);
    if (!page) return;
    this.pages.delete(contents);
    page.detach();
    for (const unsubscribe of page.byId.values()) this.stop(unsubscribe);
  }

  endAll(): void {
    for (const contents of [...this.pages.keys()]) this.endPage(contents);
  }

  private page(contents: WebContents): PageSubscriptions {
    const existing = this.pages.get(contents);
    if (existing) return existing;
    const end = () => this.endPage(contents);
    const onNavigation = (details: Electron.Event<Electron.WebContentsDidStartNavigationEventParams>) => {
      // A reload or a new document: the old page and its listeners are gone.
      if (details.isMainFrame && !details.isSameDocument) end();
    };
    contents.once('destroyed', end);
    contents.on('render-process-gone', end);
    contents.on('did-start-navigation', onNavigation);
    const page: PageSubscriptions = {
      byId: new Map(),
      detach: () => {
        contents.off('destroyed', end);
        contents.off('render-process-gone', end);
        contents.off('did-start-navigation', onNavigation);
      },
    };
    this.pages.set(contents, page);
    return page;
  }

  private forgetPageIfEmpty(contents: WebContents): void {
    if (this.pages.get(contents)?.byId.size === 0) this.endPage(contents);
  }

  private send(contents: WebContents, message: StreamMessage): void {
    if (contents.isDestroyed()) {
      this.endPage(contents);
      return;
    }
    try {
      contents.send(IPC_CHANNELS.event, message);
    } catch (error) {
      this.log.error('Could not deliver a stream event to the page:', error);
    }
  }

  private stop(unsubscribe: () => void): void {
    try {
      unsubscribe();
    } catch (error) {
      this.log.error('Ending a stream subscription failed:', error);
    }
  }
}
