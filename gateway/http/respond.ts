import type { HttpResponse } from 'uWebSockets.js';
import { HTTP_STATUS, type ErrorBody, type ErrorCode, type FieldError } from '../../protocol/errors';

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK',
  201: '201 Created',
  202: '202 Accepted',
  204: '204 No Content',
  302: '302 Found',
  304: '304 Not Modified',
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  405: '405 Method Not Allowed',
  409: '409 Conflict',
  413: '413 Payload Too Large',
  415: '415 Unsupported Media Type',
  422: '422 Unprocessable Entity',
  429: '429 Too Many Requests',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
  504: '504 Gateway Timeout',
};

export function statusLine(status: number): string {
  return STATUS_TEXT[status] ?? `${status} Status`;
}

// Sent on every response: the API serves JSON to native clients, never documents to render, so
// nothing may sniff, frame or cache it. (HSTS belongs to the TLS terminator in front; CSP's
// frame-ancestors covers X-Frame-Options.)
const SECURITY_HEADERS: ReadonlyArray<[string, string]> = [
  ['X-Content-Type-Options', 'nosniff'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Cache-Control', 'no-store'],
];
const CORS_HEADERS: ReadonlyArray<[string, string]> = [
  ['Vary', 'Origin'],
  ['Access-Control-Expose-Headers', 'X-Request-Id, Retry-After, Location'],
];

/**
 * The fixed headers of a response as one `writeHeader` value. Each uWS call crosses into C++ and
 * re-encodes its strings, and a JSON response wrote nine headers one by one; uWS writes
 * `name: value\r\n` as given, so headers that never change travel folded behind the first
 * (the values are our constants, never client input). Kept per content type, built once.
 */
const FIXED = new Map<string, string>();
function fixedHeaders(contentType: string): string {
  let value = FIXED.get(contentType);
  if (value === undefined) {
    value = [contentType, ...SECURITY_HEADERS.map(([name, v]) => `${name}: ${v}`)].join('\r\n');
    if (FIXED.size < 32) FIXED.set(contentType, value);
  }
  return value;
}

/**
 * One in-flight HTTP exchange: remembers whether the client went away and writes the whole
 * response in one cork, as uWS wants for writes from async code.
 */
export class Exchange {
  aborted = false;
  finished = false;
  status = 0;
  /** When the answer was written (performance.now()), for the latency metric. */
  sentAt = 0;

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
    this.sentAt = performance.now();
    try {
      this.#write(status, body, contentType, extraHeaders);
    } catch {
      // uWS throws on a response already answered elsewhere (the callback guard's 500) or aborted.
      this.aborted = true;
    }
  }

  #write(status: number, body: string | Buffer, contentType: string, extraHeaders: ReadonlyArray<[string, string]>): void {
    this.res.cork(() => {
      // uWS answers 200 OK unless told otherwise: one native call less on most responses.
      if (status !== 200) this.res.writeStatus(statusLine(status));
      // The request id travels folded with the fixed headers: it is ours or passed readRequest's
      // check (letters, digits, `.:-_`), so it cannot carry a line break.
      this.res.writeHeader('Content-Type', `${fixedHeaders(contentType)}\r\nX-Request-Id: ${this.requestId}`);
      if (this.origin !== undefined) {
        // Browsers only; the origin is the client's text, so it is never folded with others.
        this.res.writeHeader('Access-Control-Allow-Origin', this.origin);
        for (const [name, value] of CORS_HEADERS) this.res.writeHeader(name, value);
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
