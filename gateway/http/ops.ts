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
 * Liveness, readiness, the OpenAPI document (REST) and the AsyncAPI one (/v1/ws): public,
 * outside /v1 auth, because load balancers probe /health and /ready here. /metrics is not served here: it lives on the node's operations
 * port (deploy/ops.ts), out of the public's reach.
 */
export function mountOps(app: TemplatedApp, options: OpsOptions): void {
  const startedAt = Date.now();
  const documents = { '/v1/openapi.json': options.openApi, '/v1/asyncapi.json': options.asyncApi };
  app.get('/health', (res, req) => {
    const info = readRequest(res, req);
    new Exchange(res, info.requestId, info.headers.origin).json(200, liveness({ nodeId: options.nodeId, version: options.version, startedAt }));
  });
  app.get('/ready', (res, req) => {
    const info = readRequest(res, req);
    const exchange = new Exchange(res, info.requestId, info.headers.origin);
    void readiness(options.checks).then(({ status, body }) => exchange.json(status, body));
  });
  for (const [path, build] of Object.entries(documents)) {
    let json: string | undefined;
    app.get(path, (res, req) => {
      const info = readRequest(res, req);
      json ??= JSON.stringify(build());
      new Exchange(res, info.requestId, info.headers.origin).send(200, json, 'application/json; charset=utf-8');
    });
  }
}
