import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/**
 * One REST route of the contract. The gateway's router, its validation and the OpenAPI
 * document are all built from these definitions, so they cannot drift apart.
 */
export interface RouteDef {
  readonly method: HttpMethod;
  /** Path with `{name}` parameters, e.g. `/v1/pocs/{id}`. */
  readonly path: string;
  /** `public` routes need no token; `user` routes need a valid access token. */
  readonly auth: 'public' | 'user';
  /** The Moleculer action that serves it. */
  readonly action: string;
  readonly summary: string;
  readonly tag: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly response?: z.ZodType;
  /** Success status; 200 unless set. */
  readonly status?: number;
  /** The action returns `{ url }` and the gateway answers 302 to it. */
  readonly redirect?: boolean;
  /** Request headers passed to the action in `ctx.meta.headers` (lower case). */
  readonly headers?: readonly string[];
  /** Requests per minute per client address, for public routes open to abuse. */
  readonly rateLimitPerMinute?: number;
}

export function defineRoutes<const T extends readonly RouteDef[]>(routes: T): T {
  return routes;
}

/** Names of the `{param}` segments of a path, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
}
