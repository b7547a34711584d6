import type { z } from 'zod';
import type { ROUTE_TABLES } from '../../../protocol/rest/index';

// The REST contract as types only: the route tables of protocol/rest/ are read by the compiler,
// never loaded, so the SDK ships no zod and no schema. ROUTES itself is widened to RouteDef[]
// (the gateway needs no literals), so the routes are typed from each area's table, ROUTE_TABLES:
// an area added there is typed here with nothing else to change.
type AnyRoute = (typeof ROUTE_TABLES)[number][number];

type KeyOf<R> = R extends { method: infer M extends string; path: infer P extends string } ? `${M} ${P}` : never;
/** `"POST /v1/login"`: a route named as its method and path, as in the OpenAPI document. */
export type RouteKey = KeyOf<AnyRoute>;
/** The routes that need an access token, and those that do not (login, sign-up, refresh, confirm). */
export type UserRouteKey = KeyOf<Extract<AnyRoute, { auth: 'user' }>>;
export type PublicRouteKey = KeyOf<Extract<AnyRoute, { auth: 'public' }>>;

/** Each route by its key (a mapped type: resolved once, not per use). */
type Routes = { [R in AnyRoute as KeyOf<R>]: R };
type RouteOf<K extends RouteKey> = Routes[K];

type Part<R, F extends 'params' | 'query' | 'body'> = R extends { [P in F]: infer S extends z.ZodType }
  ? undefined extends z.input<S>
    ? { [P in F]?: z.input<S> }
    : { [P in F]: z.input<S> }
  : { [P in F]?: never };

/** What a call sends: path parameters, query and body, each typed by the route's schema (as the client writes it: z.input). */
export type RouteInput<K extends RouteKey> = Part<RouteOf<K>, 'params'> & Part<RouteOf<K>, 'query'> & Part<RouteOf<K>, 'body'>;

/** What a call resolves with: the response schema's output; a redirect route's target `{ url }`. */
export type RouteOutput<K extends RouteKey> = RouteOf<K> extends { redirect: true } ? { url: string } : RouteOf<K> extends { response: infer S extends z.ZodType } ? z.output<S> : unknown;

/** The token pair of login and refresh. */
export type TokenPair = RouteOutput<'POST /v1/login'>;
