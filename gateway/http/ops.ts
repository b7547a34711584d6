import type { TemplatedApp } from 'uWebSockets.js';
import { ErrorCode } from '../../protocol/errors';
import { readRequest } from './context';
import { Exchange } from './respond';

/**
 * A dependency /ready checks: throw (or time out) when it cannot serve. An optional one is a
 * feature the node can run without (recording without ffmpeg): /ready lists it under
 * `features` with the reason it is unavailable, and stays 200.
 */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  optional?: boolean;
}

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch (error) {
    return `failing: ${(error as Error).message ?? 'error'}`;
  } finally {
    clearTimeout(timer);
  }
}

export interface OpsOptions {
  checks: readonly ReadinessCheck[];
  metricsText(): Promise<string> | string;
  openApi(): unknown;
  nodeId: string;
  version: string;
}

/** Liveness, readiness, metrics and the OpenAPI document: public, outside /v1 auth. */
export function mountOps(app: TemplatedApp, options: OpsOptions): void {
  const started = Date.now();
  let openApiJson: string | undefined;
  app.get('/health', (res, req) => {
    const info = readRequest(res, req);
    new Exchange(res, info.requestId, info.headers.origin).json(200, {
      status: 'ok',
      node: options.nodeId,
      version: options.version,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    });
  });
  app.get('/ready', (res, req) => {
    const info = readRequest(res, req);
    const exchange = new Exchange(res, info.requestId, info.headers.origin);
    void Promise.all(options.checks.map(async (c) => [c, await runCheck(c)] as const)).then((results) => {
      const required = results.filter(([c]) => !c.optional);
      const checks = Object.fromEntries(required.map(([c, state]) => [c.name, state]));
      const features = Object.fromEntries(results.filter(([c]) => c.optional).map(([c, state]) => [c.name, state === 'ok' ? 'available' : state.replace(/^failing/, 'unavailable')]));
      const ready = required.every(([, state]) => state === 'ok');
      exchange.json(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks, ...(Object.keys(features).length > 0 ? { features } : {}) });
    });
  });
  app.get('/metrics', (res, req) => {
    const info = readRequest(res, req);
    const exchange = new Exchange(res, info.requestId, info.headers.origin);
    Promise.resolve()
      .then(() => options.metricsText())
      .then(
        (text) => exchange.send(200, text, 'text/plain; version=0.0.4; charset=utf-8'),
        () => exchange.error(ErrorCode.INTERNAL, 'Metrics unavailable'),
      );
  });
  app.get('/v1/openapi.json', (res, req) => {
    const info = readRequest(res, req);
    openApiJson ??= JSON.stringify(options.openApi());
    new Exchange(res, info.requestId, info.headers.origin).send(200, openApiJson, 'application/json; charset=utf-8');
  });
}
