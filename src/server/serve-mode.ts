import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES, SOCKET_PATH, TOKEN_PARAM } from '../shared/socket-protocol.js';
import { AccessToken } from './access-token.js';
import { isAllowedHost, isAllowedOrigin, securityHeaders } from './origins.js';
import { serveSocket, type ContractService } from './socket-session.js';
import { lookupStatic, openStatic, type StaticLookup } from './static-files.js';

export interface ServeModeOptions {
  service: ContractService;
  /** 0 or absent: a free port. */
  port?: number;
  /** The built renderer: index.html and its assets (electron-vite's out/renderer). */
  staticDir: string;
  /** Loopback only: the console is never reachable from another machine. */
  host: '127.0.0.1';
  /** The app's icon (resources/icon.ico), answered at /favicon.ico; absent: 404 as for any missing file. */
  favicon?: string;
}

export interface ServeMode {
  /** http://127.0.0.1:PORT/?token=… — open it in a browser. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const FAVICON_PATH = '/favicon.ico';

/** Seconds between keep-alive pings; a socket that misses one is dropped (its subscriptions end). */
const HEARTBEAT_MS = 30_000;

/**
 * Serves the built console and the contract over a WebSocket on 127.0.0.1, to whoever holds the
 * token printed in the URL. The service stays the caller's: close() stops serving, not the service.
 */
export async function startServeMode(options: ServeModeOptions): Promise<ServeMode> {
  if (options.host !== '127.0.0.1') throw new Error('serve mode binds to 127.0.0.1 only');
  const http = createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false, clientTracking: true });
  const alive = new WeakSet<WebSocket>();

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address();
  if (!address || typeof address === 'string') throw new Error('serve mode: the HTTP server has no port');
  const port = address.port;
  const token = new AccessToken(port);
  const headers = securityHeaders(port);

  http.on('request', (request, response) => {
    handleRequest(request, response).catch(() => {
      if (!response.headersSent) plain(response, 500, 'The console failed to answer.');
      else response.destroy();
    });
  });

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    if (!isAllowedHost(request.headers.host, port)) return plain(response, 421, 'Open the console at 127.0.0.1 or localhost.');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return plain(response, 405, 'Only GET and HEAD.');
    }
    const url = requestUrl(request);
    if (!url) return plain(response, 400, 'Bad request.');
    // The icon is public and the browser asks for it even on the 401 page: no token needed.
    if (url.pathname === FAVICON_PATH && options.favicon) return sendFavicon(request, response, options.favicon);
    const access = token.presented(request, url);
    if (!access.valid) {
      return access.source === 'none'
        ? plain(response, 401, 'Open the URL with the token that `pool-console serve` printed.')
        : plain(response, 403, 'Wrong token: open the URL that `pool-console serve` printed this time (each start prints a new one).');
    }
    if (access.source === 'query') {
      // the token becomes a cookie, and the address bar (history, screen shares) loses it
      url.searchParams.delete(TOKEN_PARAM);
      response.setHeader('Set-Cookie', token.cookie());
      response.setHeader('Cache-Control', 'no-store');
      response.setHeader('Location', `${url.pathname}${url.search}`);
      response.statusCode = 303;
      response.end();
      return;
    }
    const pathname = url.pathname === '/' ? '/index.html' : url.pathname;
    const found = await lookupStatic(options.staticDir, pathname);
    if (!found.found) return plain(response, found.status, found.status === 404 ? 'Not found.' : 'Refused.');
    sendFile(request, response, found, found.contentType.startsWith('text/html') ? 'no-store' : 'private, no-cache');
  }

  async function sendFavicon(request: IncomingMessage, response: ServerResponse, file: string): Promise<void> {
    const found = await lookupStatic(path.dirname(file), `/${path.basename(file)}`);
    if (!found.found) return plain(response, 404, 'Not found.');
    sendFile(request, response, found, 'public, max-age=86400');
  }

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = requestUrl(request);
    if (!url || url.pathname !== SOCKET_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (!isAllowedHost(request.headers.host, port)) return refuseUpgrade(socket, 403, 'Forbidden');
    if (!isAllowedOrigin(request.headers.origin, port)) return refuseUpgrade(socket, 403, 'Forbidden');
    const access = token.presented(request, url);
    if (!access.valid) return refuseUpgrade(socket, access.source === 'none' ? 401 : 403, access.source === 'none' ? 'Unauthorized' : 'Forbidden');
    sockets.handleUpgrade(request, socket, head, (ws) => {
      alive.add(ws);
      ws.on('pong', () => alive.add(ws));
      serveSocket(ws, options.service);
    });
  });

  const heartbeat = setInterval(() => {
    for (const ws of sockets.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  let closing: Promise<void> | null = null;
  return {
    url: `http://${options.host}:${port}/?${TOKEN_PARAM}=${token.value}`,
    port,
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat);
        for (const ws of sockets.clients) ws.close(1001, 'The console server is stopping.');
        // sockets that do not finish the closing handshake promptly are cut
        const cut = setTimeout(() => {
          for (const ws of sockets.clients) ws.terminate();
        }, 1000);
        await new Promise<void>((resolve) => sockets.close(() => resolve()));
        clearTimeout(cut);
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

function requestUrl(request: IncomingMessage): URL | null {
  try {
    return new URL(request.url ?? '/', 'http://127.0.0.1');
  } catch {
    return null;
  }
}

/** A file found by lookupStatic: its bytes (none for HEAD) with its type, length and caching. */
function sendFile(request: IncomingMessage, response: ServerResponse, found: Extract<StaticLookup, { found: true }>, cacheControl: string): void {
  response.statusCode = 200;
  response.setHeader('Content-Type', found.contentType);
  response.setHeader('Content-Length', String(found.size));
  response.setHeader('Cache-Control', cacheControl);
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const stream = openStatic(found.file);
  stream.on('error', () => response.destroy());
  stream.pipe(response);
}

function plain(response: ServerResponse, status: number, message: string): void {
  response.statusCode = status;
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  response.end(`${message}\n`);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}
