import type { TemplatedApp } from 'uWebSockets.js';
import { liveness, readiness, type ReadinessCheck } from '../../infra/readiness';
import { readRequest } from './context';
import { Exchange } from './respond';

export type { ReadinessCheck } from '../../infra/readiness';

export interface OpsOptions {
  checks: readonly ReadinessCheck[];
  openApi(): unknown;
  /** The WebSocket's AsyncAPI document (built on first request, like the OpenAPI one). */
  asyncApi(): unknown;
  nodeId: string;
  version: string;
}

/**
 * Liveness, readiness and the OpenAPI and AsyncAPI documents: public, outside /v1 auth, because load balancers
 * probe /health and /ready here. /metrics is not served here: it lives on the node's operations
 * port (deploy/ops.ts), out of the public's reach.
 */
export function mountOps(app: TemplatedApp, options: OpsOptions): void {
  const startedAt = Date.now();
  app.get('/health', (res, req) => {
    const info = readRequest(res, req);
    new Exchange(res, info.requestId, info.headers.origin).json(200, liveness({ nodeId: options.nodeId, version: options.version, startedAt }));
  });
  app.get('/ready', (res, req) => {
    const info = readRequest(res, req);
    const exchange = new Exchange(res, info.requestId, info.headers.origin);
    void readiness(options.checks).then(({ status, body }) => exchange.json(status, body));
  });
  serveDocument(app, '/v1/openapi.json', options.openApi);
  serveDocument(app, '/v1/asyncapi.json', options.asyncApi);
}

/** A generated JSON document, built once on its first request (the contract does not change while running). */
function serveDocument(app: TemplatedApp, path: string, build: () => unknown): void {
  let json: string | undefined;
  app.get(path, (res, req) => {
    const info = readRequest(res, req);
    json ??= JSON.stringify(build());
    new Exchange(res, info.requestId, info.headers.origin).send(200, json, 'application/json; charset=utf-8');
  });
}
