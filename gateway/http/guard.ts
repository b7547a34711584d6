import type { HttpRequest, HttpResponse, TemplatedApp, WebSocketBehavior } from 'uWebSockets.js';
import { ErrorCode, HTTP_STATUS, type ErrorBody } from '../../protocol/errors';
import { statusLine } from './respond';

/** Where a thrown error went: `where` names the uWS callback ("GET /v1/pocs/:id", "ws message"). */
export type CallbackErrorSink = (error: unknown, where: string) => void;

const INTERNAL_BODY = JSON.stringify({ error: { code: ErrorCode.INTERNAL, message: 'Internal server error' } } satisfies ErrorBody);

// `upgrade` takes a third argument (the socket context), passed through as given.
type HttpHandler = (res: HttpResponse, req: HttpRequest, ...rest: unknown[]) => void | Promise<void>;
const HTTP_METHODS = ['get', 'post', 'put', 'del', 'patch', 'options', 'head', 'connect', 'trace', 'any'] as const;
const WS_CALLBACKS = ['upgrade', 'open', 'message', 'drain', 'close', 'ping', 'pong', 'subscription', 'dropped'] as const;

/**
 * The uWS app every handler is mounted on. An exception that escapes a uWS callback is not
 * caught by anything of Node's: it ends the process (one malformed URL did, through
 * decodeURIComponent). Here every HTTP and WebSocket callback registered through the app runs
 * inside a try/catch: an HTTP request is answered 500 with the bare error body, a socket
 * callback's error is logged, and the error goes to `sink` with its stack. So no handler,
 * present or future, can take the node down by throwing.
 */
export function guardApp(app: TemplatedApp, sink: CallbackErrorSink): TemplatedApp {
  const overrides = new Map<PropertyKey, unknown>();
  // A proxy, not a prototype: native methods refuse a `this` that is not the app itself.
  const guarded: TemplatedApp = new Proxy(app, {
    get(target, property) {
      if (overrides.has(property)) return overrides.get(property);
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  for (const method of HTTP_METHODS) {
    const register = (app[method] as (pattern: string, handler: HttpHandler) => TemplatedApp).bind(app);
    overrides.set(method, (pattern: string, handler: HttpHandler) => {
      register(pattern, guardHttp(handler, `${method.toUpperCase()} ${pattern}`, sink));
      return guarded;
    });
  }
  overrides.set('ws', <T>(pattern: string, behavior: WebSocketBehavior<T>) => {
    const safe: WebSocketBehavior<T> = { ...behavior };
    for (const name of WS_CALLBACKS) {
      const callback = (behavior as Record<string, unknown>)[name] as ((...args: unknown[]) => unknown) | undefined;
      if (!callback) continue;
      const where = `ws ${name} ${pattern}`;
      (safe as Record<string, unknown>)[name] =
        name === 'upgrade'
          ? guardHttp(callback as unknown as HttpHandler, where, sink)
          : (...args: unknown[]) => {
              try {
                return callback(...args);
              } catch (error) {
                sink(error, where);
                return undefined;
              }
            };
    }
    app.ws(pattern, safe);
    return guarded;
  });
  return guarded;
}

function guardHttp(handler: HttpHandler, where: string, sink: CallbackErrorSink): HttpHandler {
  return (res, req, ...rest) => {
    let result: void | Promise<void>;
    try {
      result = handler(res, req, ...rest);
    } catch (error) {
      sink(error, where);
      answerInternal(res);
      return;
    }
    // An async handler's rejection would be an unhandled rejection: same treatment.
    if (result && typeof result.then === 'function') {
      result.then(undefined, (error: unknown) => {
        sink(error, where);
        answerInternal(res);
      });
    }
  };
}

/** A bare 500, unless the handler already answered or the client left (uWS then throws on access). */
function answerInternal(res: HttpResponse): void {
  try {
    res.cork(() => {
      res.writeStatus(statusLine(HTTP_STATUS.INTERNAL)).writeHeader('Content-Type', 'application/json; charset=utf-8').end(INTERNAL_BODY);
    });
  } catch {
    // Already answered or aborted: nothing left to tell this client.
  }
}
