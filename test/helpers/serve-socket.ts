import http from 'node:http';
import WebSocket from 'ws';
import { SOCKET_PATH, TOKEN_PARAM, type FrameId, type ServerFrame } from '../../src/shared/socket-protocol.js';
import { decodeWire, encodeWire, type Reply } from '../../src/shared/wire.js';

/** The socket URL of a serve-mode URL (http://127.0.0.1:P/?token=T → ws://127.0.0.1:P/ws?token=T). */
export function socketUrlOf(serveUrl: string, token: string | null = new URL(serveUrl).searchParams.get(TOKEN_PARAM)): string {
  const url = new URL(SOCKET_PATH, serveUrl);
  url.protocol = 'ws:';
  if (token !== null) url.searchParams.set(TOKEN_PARAM, token);
  return url.toString();
}

export function tokenOf(serveUrl: string): string {
  const token = new URL(serveUrl).searchParams.get(TOKEN_PARAM);
  if (!token) throw new Error(`no token in ${serveUrl}`);
  return token;
}

/** How an upgrade ended: 'open', or the HTTP status the server refused it with. */
export function upgradeOutcome(url: string, headers: Record<string, string> = {}): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (error) => reject(error));
  });
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A GET with the path sent exactly as given (no client-side normalisation of `..`). */
export function httpGet(port: number, rawPath: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end();
  });
}

/**
 * A raw client of serve mode's socket protocol, for tests: frames go out as given, and every
 * frame that comes back is kept (replies by id, id-less error replies, events by subscription).
 */
export class ProtocolSocket {
  readonly replies = new Map<FrameId, Reply<unknown>>();
  readonly orphanReplies: Reply<unknown>[] = [];
  readonly events = new Map<FrameId, unknown[]>();
  private waiters: (() => void)[] = [];
  private nextId = 1;
  closeCode: number | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = decodeWire(String(data)) as ServerFrame;
      if ('reply' in frame) {
        if (frame.id === null) this.orphanReplies.push(frame.reply);
        else this.replies.set(frame.id, frame.reply);
      } else {
        const list = this.events.get(frame.subscription) ?? [];
        list.push(frame.event);
        this.events.set(frame.subscription, list);
      }
      this.wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<ProtocolSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers, maxPayload: 256 * 1024 * 1024 });
      ws.once('open', () => resolve(new ProtocolSocket(ws)));
      ws.once('error', reject);
    });
  }

  id(): number {
    return this.nextId++;
  }

  sendText(text: string | Buffer): void {
    this.ws.send(text);
  }

  send(frame: unknown): void {
    this.ws.send(encodeWire(frame));
  }

  /** A call and its reply. */
  async call(name: string, input: unknown, timeoutMs = 30_000): Promise<Reply<unknown>> {
    const id = this.id();
    this.send({ id, type: 'call', name, input });
    return this.reply(id, timeoutMs);
  }

  async reply(id: FrameId, timeoutMs = 30_000): Promise<Reply<unknown>> {
    await this.until(() => this.replies.has(id), timeoutMs, `the reply to ${String(id)}`);
    return this.replies.get(id)!;
  }

  /** Resolves once `condition` holds; fails after timeoutMs (or when the socket closes first). */
  async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (this.closeCode !== null) throw new Error(`the socket closed (${this.closeCode}) while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves with the close code once the server has closed the socket. */
  closed(timeoutMs = 10_000): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.closeCode !== null) return resolve(this.closeCode);
      const timer = setTimeout(() => reject(new Error('the socket did not close')), timeoutMs);
      this.ws.once('close', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  close(): void {
    this.ws.terminate();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
