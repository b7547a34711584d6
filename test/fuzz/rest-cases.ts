import fc from 'fast-check';
import type { z } from 'zod';
import { pathParams, type RouteDef } from '../../protocol/rest/route';
import { badJsonBody, hostileQueryValue, mutated, oddPathSegment, oddText, toJsonText } from './hostile';
import { validShaped, type KnownValues } from './schema-arbitrary';
import type { FuzzWorld } from './world';

/** One REST request as the fuzz sends it and the corpus keeps it (the token is the world's, never stored). */
export interface RestCase {
  method: string;
  /** Path with its parameters already encoded, sent as written. */
  path: string;
  query?: string;
  body?: string;
  contentType?: string;
  /** The headers the route passes to its action (e.g. Idempotency-Key). */
  headers?: Record<string, string>;
  /** `user`: the fuzzer's current token; `forged`: a token that is not ours; `none`. */
  auth: 'user' | 'forged' | 'none';
}

const FORGED = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

function encodedPath(route: RouteDef, values: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
}

function queryString(value: unknown): string {
  // URLSearchParams, unlike encodeURIComponent, takes lone surrogates (as U+FFFD).
  if (!value || typeof value !== 'object') return new URLSearchParams({ q: String(value) }).toString();
  const search = new URLSearchParams();
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    const items: unknown[] = Array.isArray(v) ? Array.from(v as unknown[]) : [v];
    for (const item of items) search.append(key, typeof item === 'string' ? item : (JSON.stringify(item) ?? ''));
  }
  return search.toString();
}

// Header values fetch can send: visible ASCII for a well-behaved client; Latin-1 bytes, blanks
// and lengths past any limit for the others.
const visibleAscii = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
const latin1 = fc
  .integer({ min: 0x20, max: 0xff })
  .filter((c) => c !== 0x7f)
  .map((c) => String.fromCharCode(c));
const headerValue = fc.string({ unit: visibleAscii, minLength: 1, maxLength: 40 });
const oddHeaderValue = fc.oneof(fc.string({ unit: latin1, maxLength: 120 }), fc.constantFrom(' ', 'x'.repeat(101), 'x'.repeat(3_000)));

function routeHeaders(route: RouteDef, value: fc.Arbitrary<string>): fc.Arbitrary<Record<string, string> | undefined> {
  const names = route.headers ?? [];
  if (names.length === 0) return fc.constant(undefined);
  return fc.array(value, { minLength: names.length, maxLength: names.length }).map((values) => Object.fromEntries(names.map((name, i) => [name, values[i] as string])));
}

const optionalShaped = (schema: z.ZodType | undefined, known: KnownValues) => (schema ? validShaped(schema, known) : fc.constant(undefined));

/** A request to the route whose every part has the shape its schemas ask for. */
function validCase(route: RouteDef, known: KnownValues): fc.Arbitrary<RestCase> {
  return fc
    .record({
      params: optionalShaped(route.params, known),
      query: optionalShaped(route.query, known),
      body: optionalShaped(route.body, known),
      headers: routeHeaders(route, headerValue),
    })
    .map(({ params, query, body, headers }) => ({
      method: route.method,
      path: encodedPath(route, Object.fromEntries(Object.entries((params as Record<string, unknown>) ?? {}).map(([k, v]) => [k, encodeURIComponent(String(v))]))),
      ...(route.query ? { query: queryString(query) } : {}),
      ...(route.body ? { body: JSON.stringify(body), contentType: 'application/json' } : {}),
      ...(headers ? { headers } : {}),
      auth: 'user' as const,
    }));
}

/** The route's valid-shaped request with one part made hostile. */
function hostileCase(route: RouteDef, known: KnownValues): fc.Arbitrary<RestCase> {
  const valid = validCase(route, known);
  const names = pathParams(route.path);
  const variants: Array<fc.Arbitrary<RestCase>> = [fc.tuple(valid, fc.constantFrom<RestCase['auth']>('forged', 'none')).map(([c, auth]) => ({ ...c, auth }))];
  // fetch, as clients, sends no body with a GET.
  if (route.method !== 'GET') {
    variants.push(
      fc
        .tuple(valid, badJsonBody, fc.constantFrom('application/json', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', ''))
        .map(([c, body, contentType]) => ({ ...c, body, contentType })),
    );
  }
  if (route.body) {
    variants.push(fc.tuple(valid, mutated(validShaped(route.body, known))).map(([c, body]) => ({ ...c, body: toJsonText(body) })));
  }
  if (route.query) {
    variants.push(
      fc
        .tuple(valid, mutated(validShaped(route.query, known), hostileQueryValue), fc.dictionary(oddText, oddText, { maxKeys: 3 }))
        .map(([c, query, extra]) => ({ ...c, query: `${queryString(query)}&${queryString(extra)}` })),
    );
  }
  if (route.headers) {
    variants.push(fc.tuple(valid, routeHeaders(route, oddHeaderValue)).map(([c, headers]) => ({ ...c, headers })));
  }
  if (names.length > 0) {
    variants.push(fc.tuple(valid, oddPathSegment).map(([c, segment]) => ({ ...c, path: encodedPath(route, Object.fromEntries(names.map((n) => [n, segment]))) })));
  }
  return fc.oneof(...variants);
}

/** Any route, valid-shaped or hostile, about half and half. */
export function restCase(routes: readonly RouteDef[], known: KnownValues): fc.Arbitrary<RestCase> {
  return fc.constantFrom(...routes).chain((route) => fc.oneof(validCase(route, known), hostileCase(route, known)));
}

export async function sendRest(world: FuzzWorld, c: RestCase): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { ...c.headers };
  if (c.contentType) headers['content-type'] = c.contentType;
  if (c.auth === 'user') headers.authorization = `Bearer ${world.fuzzer.token}`;
  if (c.auth === 'forged') headers.authorization = `Bearer ${FORGED}`;
  const url = `${world.app.url}${c.path}${c.query ? `?${c.query}` : ''}`;
  const res = await fetch(url, { method: c.method, headers, body: c.body, redirect: 'manual' });
  return { status: res.status, body: await res.text() };
}
