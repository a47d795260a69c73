/**
 * Passwords this session has seen (typed into a profile, a connection test, the sandbox's), so the
 * log redaction can mask them even where no pattern gives them away ("Access denied ... hunter2").
 * Kept in memory only; forgetting is optional, remembering more only ever masks more.
 */
const secrets = new Set<string>();

export function rememberSecret(secret: string | undefined | null): void {
  if (secret) secrets.add(secret);
}

export function forgetSecret(secret: string): void {
  secrets.delete(secret);
}

export function knownSecrets(): readonly string[] {
  return [...secrets];
}

const PASSWORD_KEYS = new Set(['password', 'passwd', 'pwd', 'secret', 'token']);

/** Remembers every password-like field of a call's input, one level down included (drafts). */
export function rememberSecretsIn(input: unknown, depth = 2): void {
  if (depth < 0 || !input || typeof input !== 'object') return;
  for (const [key, value] of Object.entries(input)) {
    if (typeof value === 'string' && PASSWORD_KEYS.has(key.toLowerCase())) rememberSecret(value);
    else if (value && typeof value === 'object') rememberSecretsIn(value, depth - 1);
  }
}
