import { shell } from 'electron';

/**
 * The only way this app opens anything outside itself: https: links, in the user's browser.
 * Everything else (file:, http:, javascript:, custom schemes that launch programs) is refused,
 * because a link the renderer was tricked into opening must not run or reveal anything.
 */
export async function openExternalSafely(url: string): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
  await shell.openExternal(parsed.href);
  return true;
}
