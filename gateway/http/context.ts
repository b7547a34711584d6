import { randomBytes } from 'node:crypto';
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { text } from '../native';

/** What a handler needs from the request, copied out synchronously (uWS frees `req` after the callback). */
export interface RequestInfo {
  method: string;
  /** The URL, or for a contract route its path pattern (`/v1/pocs/{id}`; ids are in `params`). */
  url: string;
  query: string;
  headers: Record<string, string>;
  params: string[];
  /** The index of a path parameter that is not valid percent-encoding (its entry in `params` is ''). */
  badParam: number | undefined;
  /** The client's address, read only for routes that use it (see `RequestShape.address`). */
  ip: string | undefined;
  requestId: string;
}

/**
 * What one route reads from its requests. Every read is a native call, and the client address
 * is a getpeername(2) system call: on the hot path of an authenticated JSON call these reads
 * cost as much as the rest of the gateway's work, so a route reads only what it uses.
 */
export interface RequestShape {
  /** Path parameters to decode. */
  params: number;
  headers: readonly string[];
  /** Read the client address (public routes: login throttling, session records; rate limits). */
  address: boolean;
  /** Read the query string. */
  query: boolean;
  /** The route's method when it has one; otherwise it is read from the request. */
  method?: string;
  /** The route's path pattern, logged in place of the URL (which is then not read). */
  path?: string;
}

const REQUEST_ID = /^[\w.:-]{1,64}$/;

// Request ids correlate log lines and responses; they need to be unique, not secret. A random
// prefix per process and a counter cost a fraction of a random UUID per request. 32 hex digits:
// the request id is also the trace id, as OpenTelemetry writes them (infra/tracing).
const ID_PREFIX = randomBytes(8).toString('hex');
let lastId = 0;
export function newRequestId(): string {
  lastId = (lastId + 1) % Number.MAX_SAFE_INTEGER;
  return ID_PREFIX + lastId.toString(16).padStart(16, '0');
}

/** Headers every handler may read. Routes add theirs (see router.ts). */
export const BASE_HEADERS: readonly string[] = ['origin', 'x-request-id'];

/** Read only behind a proxy we trust (TRUST_PROXY): from anyone else it is whatever they typed. */
export const FORWARDED_FOR = 'x-forwarded-for';

/** Ops and fallback handlers: no parameters, the base headers, the method from the request. */
export const PLAIN_REQUEST: RequestShape = { params: 0, headers: BASE_HEADERS, address: false, query: false };

export function readRequest(res: HttpResponse, req: HttpRequest, shape: RequestShape = PLAIN_REQUEST): RequestInfo {
  const headers: Record<string, string> = {};
  for (const name of shape.headers) {
    const value = req.getHeader(name);
    if (value !== '') headers[name] = value;
  }
  const params: string[] = [];
  let badParam: number | undefined;
  for (let i = 0; i < shape.params; i++) {
    const decoded = decodeParam(req.getParameter(i) ?? '');
    if (decoded === undefined) badParam ??= i;
    params.push(decoded ?? '');
  }
  const given = headers['x-request-id'];
  return {
    method: shape.method ?? req.getMethod().toUpperCase(),
    url: shape.path ?? req.getUrl(),
    query: shape.query ? (req.getQuery() ?? '') : '',
    headers,
    params,
    badParam,
    ip: shape.address ? clientAddress(res, headers[FORWARDED_FOR]) : undefined,
    requestId: given && REQUEST_ID.test(given) ? given : newRequestId(),
  };
}

function clientAddress(res: HttpResponse, forwarded: string | undefined): string {
  return forwarded ? (forwarded.split(',')[0] as string).trim() : text(res.getRemoteAddressAsText());
}

/** A path parameter as the client meant it, or undefined for malformed percent-encoding (`%`, `%zz`, `%E0%A4%A`). */
function decodeParam(raw: string): string | undefined {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
