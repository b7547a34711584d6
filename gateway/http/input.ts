import { isUtf8 } from 'node:buffer';
import type { HttpResponse } from 'uWebSockets.js';
import { z } from 'zod';
import { ErrorCode, type FieldError } from '../../protocol/errors';
import type { RouteDef } from '../../protocol/rest/route';
import { validate } from '../../protocol/validation';
import { BodyTooLarge, readBody } from './body';
import type { RequestInfo } from './context';
import { parseQuery } from './query';
import type { Exchange } from './respond';

// What a request carries in: its JSON body, and its path, query and body checked by the route's schemas.

/** The route's path, query and body schemas applied; their values merged, their errors together. */
export function validateInput(route: RouteDef, names: string[], info: RequestInfo, body: unknown) {
  const params: Record<string, unknown> = {};
  const fields: FieldError[] = [];
  if (!route.params && !route.query && !route.body) return { params, fields: unknownQueryKeys(route, parseQuery(info.query)) };
  const apply = (schema: RouteDef['body'], value: unknown) => {
    if (!schema) return;
    const result = validate(schema, value);
    if (result.ok) Object.assign(params, result.value);
    else fields.push(...result.fields);
  };
  if (route.params) apply(route.params, Object.fromEntries(names.map((name, i) => [name, info.params[i]])));
  const query = parseQuery(info.query);
  fields.push(...unknownQueryKeys(route, query));
  if (route.query) apply(route.query, query);
  if (route.body) apply(route.body, body ?? {});
  return { params, fields };
}

/**
 * Query keys the route does not declare: refused, not dropped, so a misspelt filter (`?owner=me`
 * on a route without it, `?limt=5`) is a 422 naming it instead of a silently unfiltered answer.
 * A route whose query schema is not a plain object declares no keys to compare with: not checked.
 */
function unknownQueryKeys(route: RouteDef, query: Record<string, unknown>): FieldError[] {
  const keys = Object.keys(query);
  if (keys.length === 0) return [];
  let known: Set<string>;
  if (!route.query) known = new Set();
  else if (route.query instanceof z.ZodObject) known = new Set(Object.keys(route.query.shape));
  else return [];
  return keys
    .filter((key) => !known.has(key))
    .map((key) => ({ field: key, message: known.size ? `is not a query parameter of this route (known: ${[...known].join(', ')})` : 'is not a query parameter of this route (it takes none)' }));
}

/** The JSON object of a request body; answers 413/415/400 itself and says so with `ok: false`. */
export async function readJsonBody(res: HttpResponse, info: RequestInfo, limit: number, exchange: Exchange): Promise<{ ok: true; value: unknown } | { ok: false }> {
  const declared = info.headers['content-length'] !== undefined ? Number(info.headers['content-length']) : undefined;
  let raw: Buffer;
  try {
    raw = await readBody(res, limit, declared);
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) throw error;
    exchange.error(ErrorCode.PAYLOAD_TOO_LARGE, `Body larger than ${limit} bytes`);
    return { ok: false };
  }
  if (raw.length === 0) return { ok: true, value: undefined };
  const type = info.headers['content-type'] ?? '';
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    exchange.error(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Body must be JSON (Content-Type: application/json)');
    return { ok: false };
  }
  const charset = declaredCharset(type);
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    exchange.error(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `Body charset must be UTF-8, not ${charset}`);
    return { ok: false };
  }
  // Decoding would silently turn each bad byte into U+FFFD: the text the client meant is unknown.
  if (!isUtf8(raw)) {
    exchange.error(ErrorCode.BAD_REQUEST, 'Body is not valid UTF-8');
    return { ok: false };
  }
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      exchange.error(ErrorCode.BAD_REQUEST, 'Body must be a JSON object');
      return { ok: false };
    }
    return { ok: true, value };
  } catch {
    exchange.error(ErrorCode.MALFORMED_JSON, 'Body is not valid JSON');
    return { ok: false };
  }
}

/** The `charset` parameter of a Content-Type, if any; a value too odd to repeat back is shown as such. */
function declaredCharset(type: string): string | undefined {
  const match = /;\s*charset\s*=\s*("?)([^";,\s]*)\1/i.exec(type);
  if (!match) return undefined;
  const name = match[2] as string;
  return /^[\w.:-]{1,40}$/.test(name) ? name : '(an unreadable charset)';
}
