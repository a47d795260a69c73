import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsExposition } from './prometheus-registry.js';

export interface MetricsHttpOptions {
  registry: MetricsExposition;
  port: number;
  /** 127.0.0.1 unless the operator names another address (a scraper on another machine). */
  host?: string;
}

export interface MetricsHttp {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the registry as Prometheus text at GET /metrics; anything else is 404 or 405. */
export async function startMetricsHttp(options: MetricsHttpOptions): Promise<MetricsHttp> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: the metrics are at /metrics.\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Only GET and HEAD.\n');
      return;
    }
    options.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': options.registry.contentType }).end(request.method === 'HEAD' ? undefined : text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`Metrics failed: ${error instanceof Error ? error.message : String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/metrics`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
