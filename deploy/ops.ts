import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { liveness, readiness, type ReadinessCheck } from '../infra/readiness';

export interface OpsListenerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  checks: readonly ReadinessCheck[];
  metricsText(): Promise<string>;
  nodeId: string;
  version: string;
  onError(error: unknown, url: string): void;
}

export interface OpsListener {
  port: number;
  close(): Promise<void>;
}

/**
 * The operations listener every node serves, with or without the gateway: /metrics (Prometheus),
 * /health and /ready (this node's own dependencies). Plain node:http: it answers a scraper every
 * few seconds, not clients, so it stays apart from the public port and needs no auth of its own
 * beside its loopback default (OPS_HOST).
 */
export async function startOpsListener(options: OpsListenerOptions): Promise<OpsListener> {
  const startedAt = Date.now();
  const json = (res: http.ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      json(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'Only GET is served here' } });
      return;
    }
    const served =
      path === '/metrics'
        ? options.metricsText().then((text) => {
            res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text);
          })
        : path === '/ready'
          ? readiness(options.checks).then(({ status, body }) => json(res, status, body))
          : Promise.resolve(
              path === '/health'
                ? json(res, 200, liveness({ nodeId: options.nodeId, version: options.version, startedAt }))
                : json(res, 404, { error: { code: 'NOT_FOUND', message: `No route ${path}` } }),
            );
    served.catch((error: unknown) => {
      options.onError(error, path ?? '/');
      if (!res.headersSent) json(res, 500, { error: { code: 'INTERNAL', message: 'Internal error' } });
      else res.destroy();
    });
  });
  // Scrapers keep connections alive; a stopping node must not wait for them.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`operations listener cannot listen on ${options.host}:${options.port}: ${error.message}`)));
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
