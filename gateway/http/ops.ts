import type { TemplatedApp } from 'uWebSockets.js';
import { liveness, readiness, type ReadinessCheck } from '../../infra/readiness';
import { readRequest } from './context';
import { Exchange } from './respond';

export type { ReadinessCheck } from '../../infra/readiness';

export interface OpsOptions {
  checks: readonly ReadinessCheck[];
  openApi(): unknown;
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
  let openApiJson: string | undefined;
  let asyncApiJson: string | undefined;
  app.get('/health', (res, req) => {
    const info = readRequest(res, req);
    new Exchange(res, info.requestId, info.headers.origin).json(200, liveness({ nodeId: options.nodeId, version: options.version, startedAt }));
  });
  app.get('/ready', (res, req) => {
    const info = readRequest(res, req);
    const exchange = new Exchange(res, info.requestId, info.headers.origin);
    void readiness(options.checks).then(({ status, body }) => exchange.json(status, body));
  });
  app.get('/v1/openapi.json', (res, req) => {
    const info = readRequest(res, req);
    openApiJson ??= JSON.stringify(options.openApi());
    new Exchange(res, info.requestId, info.headers.origin).send(200, openApiJson, 'application/json; charset=utf-8');
  });
  // The WebSocket's description (AsyncAPI), beside the REST one.
  app.get('/v1/asyncapi.json', (res, req) => {
    const info = readRequest(res, req);
    asyncApiJson ??= JSON.stringify(options.asyncApi());
    new Exchange(res, info.requestId, info.headers.origin).send(200, asyncApiJson, 'application/json; charset=utf-8');
  });
}
