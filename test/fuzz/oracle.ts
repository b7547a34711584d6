import { ErrorCode, HTTP_STATUS, isErrorCode } from '../../protocol/errors';
import type { RouteDef } from '../../protocol/rest/route';

// What every answer must hold to, whatever was asked: the judgement shared by the REST and WebSocket fuzz.

// Signs of internals in a body: a stack frame, a database's words, a source path, a system error.
const INTERNALS: ReadonlyArray<[string, RegExp]> = [
  ['stack frame', /\bat (?:async )?[\w$.<>]+ \(|\n\s+at /],
  ['source path', /(?:\/[\w.-]+)+\.(?:ts|js|mjs|cjs)\b|node_modules|\/work\/|\/tmp\//],
  ['SQL', /\b(?:SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b|\bsyntax error at\b|\bviolates\b|\brelation "|\bcolumn "|invalid byte sequence|invalid input syntax|Sequelize\w*Error/i],
  ['system error', /\bE(?:CONNREFUSED|CONNRESET|PIPE|ADDRINUSE|NOENT|ACCES)\b|\b(?:TypeError|RangeError|ReferenceError|SyntaxError|URIError):/],
];

/** Why a body shows internals, or undefined. A match that the client itself sent is only an echo. */
export function leakedInternals(body: string, sent: string): string | undefined {
  for (const [what, pattern] of INTERNALS) {
    const match = pattern.exec(body);
    if (match && !sent.includes(match[0])) return `${what} in the answer: ${JSON.stringify(match[0])}`;
  }
  return undefined;
}

/** Codes that say the server, not the client, failed: the WebSocket's 5xx. */
const SERVER_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode).filter((code) => HTTP_STATUS[code] >= 500));

export function isServerCode(code: unknown): boolean {
  return typeof code === 'string' && SERVER_CODES.has(code);
}

/** The route a request reached, by its method and path pattern. */
export function routeOf(routes: readonly RouteDef[], method: string, path: string): RouteDef | undefined {
  return routes.find((route) => route.method === method && new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(path));
}

/** The faults of one REST answer; empty when it holds. */
export function restFaults(route: RouteDef | undefined, status: number, body: string, sent: string): string[] {
  const faults: string[] = [];
  if (status >= 500) faults.push(`status ${status}`);
  // A success says what the contract promises (the OpenAPI document and the client SDK rely on it).
  if (route?.response && status >= 200 && status < 300) {
    const result = route.response.safeParse(parseJson(body));
    if (!result.success) faults.push(`${status} body off its schema: ${JSON.stringify(result.error.issues.slice(0, 3))}`);
  }
  // Only error bodies are judged for internals: a 2xx may rightly hold what earlier runs stored.
  if (status >= 400) {
    const leak = leakedInternals(body, sent);
    if (leak) faults.push(leak);
    const error = parseJson(body)?.error as { code?: unknown; message?: unknown } | undefined;
    if (!error || !isErrorCode(error.code) || typeof error.message !== 'string') faults.push(`error body is not {error:{code,message}}: ${body.slice(0, 200)}`);
    else if (HTTP_STATUS[error.code] !== status) faults.push(`code ${error.code} sent with status ${status}`);
  }
  return faults;
}

/** The faults of one WebSocket reply; empty when it holds. */
export function wsFaults(reply: { ok?: boolean; error?: { code?: unknown; message?: unknown } }, raw: string, sent: string): string[] {
  const faults: string[] = [];
  if (reply.ok === false) {
    if (!reply.error || !isErrorCode(reply.error.code) || typeof reply.error.message !== 'string') faults.push(`error is not {code,message}: ${raw.slice(0, 200)}`);
    else if (isServerCode(reply.error.code)) faults.push(`server error ${reply.error.code}`);
    const leak = leakedInternals(raw, sent);
    if (leak) faults.push(leak);
  } else if (reply.ok !== true) {
    faults.push(`reply without ok: ${raw.slice(0, 200)}`);
  }
  return faults;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
