import type { TemplatedApp } from 'uWebSockets.js';
import { ErrorCode } from '../../protocol/errors';
import type { RouteDef } from '../../protocol/rest/route';
import { readRequest } from './context';
import { Exchange } from './respond';

const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key, X-Request-Id';

/**
 * CORS preflight, 405 for a known path with the wrong method, 404 for everything else.
 * Registered last: uWS tries the more specific routes first.
 */
export function mountFallback(app: TemplatedApp, routes: readonly RouteDef[]): void {
  const known = routes.map((route) => ({
    method: route.method,
    pattern: new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/]+')}/?$`),
  }));
  const allowedFor = (url: string) => [...new Set(known.filter((k) => k.pattern.test(url)).map((k) => k.method))];
  app.options('/*', (res, req) => {
    const info = readRequest(res, req);
    const methods = allowedFor(info.url);
    new Exchange(res, info.requestId, info.headers.origin).send(204, '', 'text/plain', [
      ['Access-Control-Allow-Methods', [...methods, 'OPTIONS'].join(', ')],
      ['Access-Control-Allow-Headers', ALLOWED_HEADERS],
      ['Access-Control-Max-Age', '600'],
    ]);
  });
  app.any('/*', (res, req) => {
    const info = readRequest(res, req);
    const exchange = new Exchange(res, info.requestId, info.headers.origin);
    const methods = allowedFor(info.url);
    if (methods.length > 0) {
      exchange.error(ErrorCode.METHOD_NOT_ALLOWED, `${info.method} is not allowed on ${info.url}`, undefined, [['Allow', methods.join(', ')]]);
    } else {
      exchange.error(ErrorCode.NOT_FOUND, `No route ${info.method} ${info.url}`);
    }
  });
}
