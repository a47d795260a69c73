import type { IpcMainInvokeEvent } from 'electron';
import type { Reply } from '../shared/wire.js';
import { isAppPage } from './app-page';

/**
 * Why a call must be refused, or null when it comes from the app's own page in the window's main
 * frame. An iframe, a page the window was somehow navigated to, or a frame already gone may not
 * use the console, whatever channel it found.
 */
export function foreignSenderReason(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, appUrl: URL): string | null {
  const frame = event.senderFrame;
  if (!frame) return 'a frame that is gone (navigated away or closed)';
  if (frame.parent !== null) return `a sub-frame (${frame.url})`;
  if (!isAppPage(frame.url, appUrl)) return `a foreign page (${frame.url})`;
  return null;
}

export const FOREIGN_SENDER_REPLY: Reply<never> = {
  ok: false,
  error: { code: 'NO_PRIVILEGE', message: 'Only the console’s own page may use the console.' },
};
