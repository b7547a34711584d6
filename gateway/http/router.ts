import type { HttpResponse, TemplatedApp } from 'uWebSockets.js';
import type { ServiceBroker } from 'moleculer';
import type { Deadlines } from '../../infra/broker/deadlines';
import { ErrorCode } from '../../protocol/errors';
import { pathParams, type HttpMethod, type RouteDef } from '../../protocol/rest/route';
import type { AuthContext } from '../../protocol/auth';
import type { Authenticator } from '../auth';
import { mapError } from '../errors';
import { timedCall } from '../timed-call';
import { BASE_HEADERS, FORWARDED_FOR, readRequest, type RequestInfo, type RequestShape } from './context';
import { readJsonBody, validateInput } from './input';
import { Exchange } from './respond';

export interface RateLimiterLike {
  hit(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterMs: number }>;
}

export interface HttpObserver {
  /**
   * Called once per route at mount time; what it returns is called once per finished request,
   * for metrics and access logs (bound to its route, so a request does no lookup by name).
   */
  route(path: string, method: string): (status: number, seconds: number, info: RequestInfo) => void;
  failed(error: unknown, info: RequestInfo): void;
}

export interface RouterOptions {
  broker: ServiceBroker;
  /** Deadlines of calls to actions hosted on this node (see callAction). */
  deadlines: Deadlines;
  authenticator: Authenticator;
  maxBodyBytes: number;
  requestTimeoutMs: number;
  rateLimiter?: RateLimiterLike;
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy: boolean;
  observer: HttpObserver;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** `ctx.meta.headers` of a call whose route forwards none (most). */
const NO_HEADERS: Record<string, string> = Object.freeze({});

/** `/v1/pocs/{id}` -> `/v1/pocs/:id`, uWS's native router syntax. */
export function toUwsPattern(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** Registers every route of the contract on the uWS app. */
/** The uWS method that mounts a route of each HTTP method. */
const MOUNT = { GET: 'get', POST: 'post', PUT: 'put', DELETE: 'del', PATCH: 'patch' } as const satisfies Record<HttpMethod, keyof TemplatedApp>;

export function mountRoutes(app: TemplatedApp, routes: readonly RouteDef[], options: RouterOptions): void {
  for (const route of routes) {
    const names = pathParams(route.path);
    const pattern = toUwsPattern(route.path);
    const shape: RequestShape = {
      params: names.length,
      headers: [
        ...BASE_HEADERS,
        ...(options.trustProxy ? [FORWARDED_FOR] : []),
        ...(route.auth === 'user' ? ['authorization'] : ['user-agent']),
        ...(BODY_METHODS.has(route.method) ? ['content-type', 'content-length'] : []),
        ...(route.redirect ? ['accept'] : []),
        ...(route.headers ?? []),
      ],
      // Public routes (sign-up, login, confirmations) throttle and record by address.
      address: route.auth !== 'user' || route.rateLimitPerMinute !== undefined,
      // Read on every route: one that takes no query refuses any key it is sent (gateway/http/input.ts).
      query: true,
      method: route.method,
      path: route.path,
    };
    const finished = options.observer.route(route.path, route.method);
    const handler = (res: HttpResponse, req: Parameters<Parameters<TemplatedApp['get']>[1]>[1]) => {
      const info = readRequest(res, req, shape);
      const exchange = new Exchange(res, info.requestId, info.headers.origin);
      const started = performance.now();
      // Latency up to the answer: a request answered 504 at its deadline is not timed by an
      // action that finishes (or not) long after.
      const done = () => finished(exchange.aborted ? 499 : exchange.status, ((exchange.sentAt || performance.now()) - started) / 1000, info);
      const pending = serve(route, names, info, exchange, res, options);
      if (pending) pending.then(done, done);
      else done();
    };
    app[MOUNT[route.method]](pattern, handler);
  }
}

/**
 * Answers one request. What can be decided at once (authentication, validation) is, without a
 * promise; the common call (no body, no rate limit) is one broker call and one `then`: on a
 * trivial action the promises of an async function were a measurable share of the gateway's
 * time. Returns the pending work, or nothing when the answer is already written.
 */
function serve(route: RouteDef, names: string[], info: RequestInfo, exchange: Exchange, res: HttpResponse, options: RouterOptions): Promise<void> | undefined {
  try {
    if (info.badParam !== undefined) {
      const field = names[info.badParam] ?? 'path';
      exchange.error(ErrorCode.BAD_REQUEST, `${field} in the path is not valid percent-encoding`, [{ field, message: 'is not valid percent-encoding' }]);
      return undefined;
    }
    let auth: AuthContext | undefined;
    if (route.auth === 'user') {
      const result = options.authenticator.verifyHeader(info.headers.authorization ?? '');
      if (!result.ok) {
        // Read nothing more from a client we do not know.
        exchange.error(ErrorCode.UNAUTHORIZED, result.message, undefined, [['WWW-Authenticate', 'Bearer']]);
        return undefined;
      }
      auth = result.auth;
    }
    if (BODY_METHODS.has(route.method) || (route.rateLimitPerMinute && options.rateLimiter)) {
      return serveAfterBody(route, names, info, exchange, res, options, auth);
    }
    return callAction(route, names, info, exchange, options, auth, undefined);
  } catch (error) {
    fail(error, info, exchange, options);
    return undefined;
  }
}

/** Requests with a body to read or a rate limit to ask: both wait, so this one is async. */
async function serveAfterBody(route: RouteDef, names: string[], info: RequestInfo, exchange: Exchange, res: HttpResponse, options: RouterOptions, auth: AuthContext | undefined): Promise<void> {
  try {
    // uWS hands the body only to an onData registered before the handler first yields, so the
    // read starts now, before the rate limiter's (Redis) round trip; Exchange answers only once.
    const reading = BODY_METHODS.has(route.method) ? readJsonBody(res, info, options.maxBodyBytes, exchange) : undefined;
    if (route.rateLimitPerMinute && options.rateLimiter) {
      const verdict = await options.rateLimiter.hit(`http:${route.method}:${route.path}:${info.ip}`, route.rateLimitPerMinute, 60_000);
      if (!verdict.allowed) {
        const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
        exchange.error(ErrorCode.RATE_LIMITED, 'Too many requests', undefined, [['Retry-After', String(seconds)]]);
        reading?.catch(() => undefined);
        return;
      }
    }
    let body: unknown = undefined;
    if (reading) {
      const parsed = await reading;
      if (!parsed.ok) return;
      body = parsed.value;
    }
    await callAction(route, names, info, exchange, options, auth, body);
  } catch (error) {
    fail(error, info, exchange, options);
  }
}

/** Validates the input, calls the route's action and writes its answer; never rejects. */
function callAction(route: RouteDef, names: string[], info: RequestInfo, exchange: Exchange, options: RouterOptions, auth: AuthContext | undefined, body: unknown): Promise<void> | undefined {
  const { params, fields } = validateInput(route, names, info, body);
  if (fields.length > 0) {
    exchange.error(ErrorCode.VALIDATION_ERROR, 'Some fields are invalid', fields);
    return undefined;
  }
  let headers: Record<string, string> = NO_HEADERS;
  for (const name of route.headers ?? []) {
    const value = info.headers[name];
    if (value !== undefined) (headers === NO_HEADERS ? (headers = {}) : headers)[name] = value;
  }
  const meta = { auth, requestId: info.requestId, ip: info.ip, userAgent: info.headers['user-agent'], headers };
  const { result: pending, deadline } = timedCall(options.broker, options.deadlines, route.action, params, { timeoutMs: options.requestTimeoutMs, requestID: info.requestId, meta }, () => {
    options.observer.failed(new Error(`${route.action} did not answer within ${options.requestTimeoutMs} ms`), info);
    exchange.error(ErrorCode.TIMEOUT, 'The service did not answer in time');
  });
  // A late answer finds the exchange finished and is dropped.
  return pending.then(
    (result) => {
      deadline?.settle();
      try {
        respond(route, result, exchange, info);
      } catch (error) {
        fail(error, info, exchange, options);
      }
    },
    (error: unknown) => {
      deadline?.settle();
      fail(error, info, exchange, options);
    },
  );
}

/**
 * A browser page cannot read where a redirect goes (fetch's `redirect: 'manual'` is opaque), and
 * following it would send the page to the storage host its CSP does not allow. So a client that
 * accepts only JSON (the SDK, the console) gets the target as `{ url }`; everyone else the 302.
 */
const JSON_ONLY = /^application\/json\s*(;|$)/i;

function respond(route: RouteDef, result: unknown, exchange: Exchange, info: RequestInfo): void {
  if (route.redirect) {
    const url = (result as { url?: unknown } | null)?.url;
    if (typeof url !== 'string') throw new Error(`${route.action} returned no url to redirect to`);
    if (JSON_ONLY.test(info.headers.accept ?? '')) exchange.json(200, { url });
    else exchange.redirect(url);
  } else {
    exchange.json(route.status ?? 200, result ?? {});
  }
}

/** The error body for what went wrong; internal errors are logged, never shown. */
function fail(error: unknown, info: RequestInfo, exchange: Exchange, options: RouterOptions): void {
  const mapped = mapError(error);
  if (mapped.internal) options.observer.failed(error, info);
  const extra: Array<[string, string]> = mapped.retryAfterSeconds ? [['Retry-After', String(mapped.retryAfterSeconds)]] : [];
  exchange.error(mapped.code, mapped.message, mapped.fields, extra);
}
