import type { ErrorBody } from '../../../protocol/errors';
import { Auth, credentialsOf, type Credentials } from './auth';
import { PocdojoError } from './errors';
import type { PublicRouteKey, RouteInput, RouteKey, RouteOutput, TokenPair, UserRouteKey } from './routes';

/** The fetch the SDK needs (the global one in browsers, Node 18+ and React Native). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; redirect?: 'manual'; signal?: AbortSignal },
) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

export interface RestOptions {
  /** `https://api.example.com` (no trailing slash needed). */
  baseUrl: string;
  fetch?: FetchLike;
  /** Abort a call that has not answered by then (ms). Default 15 s. */
  timeoutMs?: number;
  now?: () => number;
  credentials?: Credentials;
}

type Input = { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };

/**
 * REST calls typed by the contract (protocol/rest/): `call('GET /v1/dojos/{id}', { params: { id } })`
 * resolves with the route's response type. A user route refused with 401 is refreshed (once for
 * all concurrent callers, see Auth) and sent again once.
 */
export class RestClient {
  readonly auth: Auth;
  readonly #baseUrl: string;
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;
  readonly #now: () => number;

  constructor(options: RestOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    const fetchImpl = options.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
    if (!fetchImpl) throw new TypeError('No fetch in this runtime: pass options.fetch');
    // Browsers refuse fetch called as a method of another object ("Illegal invocation"): bind the global to itself.
    this.#fetch = options.fetch ? fetchImpl : fetchImpl.bind(globalThis);
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#now = options.now ?? Date.now;
    this.auth = new Auth((refreshToken) => this.callPublic('POST /v1/token/refresh', { body: { refreshToken } }) as Promise<TokenPair>, this.#now, options.credentials);
  }

  /** Logs in and keeps the credentials (Auth's `changed` event says when they rotate). */
  async login(tenant: string, username: string, password: string): Promise<Credentials> {
    const pair = (await this.callPublic('POST /v1/login', { body: { tenant, username, password } })) as TokenPair;
    const credentials = credentialsOf(pair, this.#now());
    this.auth.set(credentials);
    return credentials;
  }

  /** Ends the login session on the server (its sockets close too) and forgets the credentials. */
  async logout(): Promise<void> {
    try {
      await this.call('POST /v1/logout', { body: {} });
    } finally {
      this.auth.set(undefined);
    }
  }

  /** A route that needs the user's access token. */
  async call<K extends UserRouteKey>(route: K, input: RouteInput<K> = {} as RouteInput<K>): Promise<RouteOutput<K>> {
    const token = await this.auth.accessToken();
    try {
      return (await this.#send(route, input as Input, token)) as RouteOutput<K>;
    } catch (error) {
      if (!(error instanceof PocdojoError) || error.status !== 401) throw error;
      const fresh = await this.auth.refresh(token);
      return (await this.#send(route, input as Input, fresh.accessToken)) as RouteOutput<K>;
    }
  }

  /** A public route (sign-up, register, confirm, login, refresh): sent without a token. */
  callPublic<K extends PublicRouteKey>(route: K, input: RouteInput<K> = {} as RouteInput<K>): Promise<RouteOutput<K>> {
    return this.#send(route, input as Input, undefined) as Promise<RouteOutput<K>>;
  }

  async #send(route: RouteKey, input: Input, token: string | undefined): Promise<unknown> {
    const space = route.indexOf(' ');
    const method = route.slice(0, space);
    const url = this.#baseUrl + fillPath(route.slice(space + 1), input.params) + queryString(input.query);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (input.body !== undefined) headers['content-type'] = 'application/json';
    // AbortController is in every target runtime (React Native since 0.60); a timer is the fallback.
    const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
    const timer = setTimeout(() => controller?.abort(), this.#timeoutMs);
    let res: Awaited<ReturnType<FetchLike>>;
    let text: string;
    try {
      res = await this.#fetch(url, { method, headers, body: input.body === undefined ? undefined : JSON.stringify(input.body), redirect: 'manual', signal: controller?.signal });
      text = await res.text();
    } catch (error) {
      const timedOut = controller?.signal.aborted === true;
      throw new PocdojoError(timedOut ? 'REQUEST_TIMEOUT' : 'NETWORK_ERROR', timedOut ? `${route} did not answer in ${this.#timeoutMs} ms` : `${route} failed: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location');
      if (!location) throw new PocdojoError('NETWORK_ERROR', `${route} redirected where this runtime cannot read (fetch with redirect: "follow" instead)`, [], res.status);
      return { url: location };
    }
    const body = text ? parseJson(text) : undefined;
    if (res.status >= 400) {
      const error = (body as ErrorBody | undefined)?.error;
      throw new PocdojoError(error?.code ?? 'INTERNAL', error?.message ?? `HTTP ${res.status}`, error?.fields ?? [], res.status);
    }
    return body;
  }
}

function fillPath(path: string, params: Record<string, unknown> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new PocdojoError('VALIDATION_ERROR', `Path parameter "${name}" is required`, [{ field: `params.${name}`, message: 'is required' }]);
    return encodeURIComponent(String(value));
  });
}

function queryString(query: Record<string, unknown> = {}): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(item))}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
