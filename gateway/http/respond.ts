import type { HttpResponse } from 'uWebSockets.js';
import { HTTP_STATUS, type ErrorBody, type ErrorCode, type FieldError } from '../../protocol/errors';

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK', 201: '201 Created', 202: '202 Accepted', 204: '204 No Content', 302: '302 Found', 304: '304 Not Modified',
  400: '400 Bad Request', 401: '401 Unauthorized', 403: '403 Forbidden', 404: '404 Not Found', 405: '405 Method Not Allowed',
  409: '409 Conflict', 413: '413 Payload Too Large', 415: '415 Unsupported Media Type', 422: '422 Unprocessable Entity',
  429: '429 Too Many Requests', 500: '500 Internal Server Error', 503: '503 Service Unavailable', 504: '504 Gateway Timeout',
};

export function statusLine(status: number): string {
  return STATUS_TEXT[status] ?? `${status} Status`;
}

// Sent on every response: the API serves JSON to native clients, never documents to render, so
// nothing may sniff, frame or cache it. (HSTS belongs to the TLS terminator in front; CSP's
// frame-ancestors covers X-Frame-Options. Each header is a native call on the hot path.)
const SECURITY_HEADERS: ReadonlyArray<[string, string]> = [
  ['X-Content-Type-Options', 'nosniff'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Cache-Control', 'no-store'],
];

/**
 * One in-flight HTTP exchange: remembers whether the client went away and writes the whole
 * response in one cork, as uWS wants for writes from async code.
 */
export class Exchange {
  aborted = false;
  finished = false;
  status = 0;

  constructor(
    readonly res: HttpResponse,
    readonly requestId: string,
    readonly origin: string | undefined,
  ) {
    res.onAborted(() => {
      this.aborted = true;
    });
  }

  send(status: number, body: string | Buffer, contentType: string, extraHeaders: ReadonlyArray<[string, string]> = []): void {
    if (this.aborted || this.finished) return;
    this.finished = true;
    this.status = status;
    this.res.cork(() => {
      this.res.writeStatus(statusLine(status));
      this.res.writeHeader('Content-Type', contentType);
      this.res.writeHeader('X-Request-Id', this.requestId);
      for (const [name, value] of SECURITY_HEADERS) this.res.writeHeader(name, value);
      if (this.origin !== undefined) {
        this.res.writeHeader('Access-Control-Allow-Origin', this.origin);
        this.res.writeHeader('Vary', 'Origin');
        this.res.writeHeader('Access-Control-Expose-Headers', 'X-Request-Id, Retry-After, Location');
      }
      for (const [name, value] of extraHeaders) this.res.writeHeader(name, value);
      this.res.end(body);
    });
  }

  json(status: number, value: unknown, extraHeaders?: ReadonlyArray<[string, string]>): void {
    this.send(status, JSON.stringify(value), 'application/json; charset=utf-8', extraHeaders);
  }

  error(code: ErrorCode, message: string, fields?: FieldError[], extraHeaders?: ReadonlyArray<[string, string]>): void {
    const body: ErrorBody = { error: { code, message, ...(fields && fields.length > 0 ? { fields } : {}) } };
    this.json(HTTP_STATUS[code], body, extraHeaders);
  }

  redirect(url: string): void {
    this.send(302, '', 'text/plain; charset=utf-8', [['Location', url]]);
  }
}
