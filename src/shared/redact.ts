// The password runs to the LAST '@' before the host: URL parsers accept a raw '@' in it
// (mysql://root:P@ss@host/db), and stopping at the first one would print the rest of it.
const CREDENTIALED_URL = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^/\s"']*@/gi;
const SECRET_PAIR = /\b(password|passwd|pwd|token|secret)(["']?\s*[=:]\s*["']?)[^\s"'&,;}]+/gi;

/** Removes passwords, credentialed URLs and tokens from text meant for a person or a log. */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 3) result = result.split(secret).join('***');
  }
  return result.replace(CREDENTIALED_URL, '$1:***@').replace(SECRET_PAIR, '$1$2***');
}

/**
 * A webhook URL as it may be shown or logged: scheme, host and port only. Its path and query are
 * often the secret itself (a Slack incoming-webhook URL is one), so they are never printed.
 */
export function redactWebhookUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const hidden = parsed.pathname !== '/' || parsed.search ? '/***' : '';
    return `${parsed.protocol}//${parsed.host}${hidden}`;
  } catch {
    return '***';
  }
}
