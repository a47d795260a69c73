/**
 * The only names the console answers to. Checking Host defeats DNS rebinding (a foreign page whose
 * name was re-pointed at 127.0.0.1 still sends its own name); checking Origin keeps other pages in
 * the browser off the socket.
 */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function allowedOrigins(port: number): string[] {
  return allowedHosts(port).map((host) => `http://${host}`);
}

export function isAllowedHost(host: string | undefined, port: number): boolean {
  return host !== undefined && allowedHosts(port).includes(host.toLowerCase());
}

/** A browser always sends Origin on a socket upgrade; a client without one (a script) still needs the token. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  return origin === undefined || allowedOrigins(port).includes(origin.toLowerCase());
}

/** Headers on every HTTP answer: a strict CSP, no sniffing, no framing, no referrer carrying a token. */
export function securityHeaders(port: number): Record<string, string> {
  const sockets = allowedHosts(port).map((host) => `ws://${host}`).join(' ');
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      // recharts and React set style attributes
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "font-src 'self'",
      `connect-src 'self' ${sockets}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}
