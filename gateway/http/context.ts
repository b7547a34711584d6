import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { text } from '../native';

/** What a handler needs from the request, copied out synchronously (uWS frees `req` after the callback). */
export interface RequestInfo {
  method: string;
  url: string;
  query: string;
  headers: Record<string, string>;
  params: string[];
  ip: string;
  requestId: string;
}

const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** Headers every handler may read. Routes add theirs (see router.ts): each read is a native call. */
export const BASE_HEADERS: readonly string[] = ['origin', 'x-request-id'];

/** Read only behind a proxy we trust (TRUST_PROXY): from anyone else it is whatever they typed. */
export const FORWARDED_FOR = 'x-forwarded-for';

export function readRequest(res: HttpResponse, req: HttpRequest, paramCount: number, wanted: readonly string[] = BASE_HEADERS): RequestInfo {
  const headers: Record<string, string> = {};
  for (const name of wanted) {
    const value = req.getHeader(name);
    if (value !== '') headers[name] = value;
  }
  const params: string[] = [];
  for (let i = 0; i < paramCount; i++) params.push(decodeURIComponent(req.getParameter(i) ?? ''));
  const given = headers['x-request-id'];
  const forwarded = headers['x-forwarded-for'];
  return {
    method: req.getMethod().toUpperCase(),
    url: req.getUrl(),
    query: req.getQuery() ?? '',
    headers,
    params,
    ip: forwarded ? (forwarded.split(',')[0] as string).trim() : text(res.getRemoteAddressAsText()),
    requestId: given && REQUEST_ID.test(given) ? given : randomUUID(),
  };
}
