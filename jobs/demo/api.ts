/** A failed call to the node's REST API, with the contract's error code when the node gave one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The demo talks to a running node only as a client would, over its public REST API: whatever
 * it seeds has passed the same validation and authorization as an app's calls.
 */
export class ApiClient {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, options: { token?: string; body?: unknown } = {}): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    } catch (error) {
      throw new ApiError(0, 'UNREACHABLE', `cannot reach ${this.baseUrl} (${(error as Error).cause ?? (error as Error).message}): is the node running (npm start)?`);
    }
    const text = await res.text();
    if (res.ok) return JSON.parse(text) as T;
    const body = parseError(text);
    throw new ApiError(res.status, body?.code ?? 'HTTP_ERROR', `${method} ${path} -> ${res.status} ${body?.message ?? text.slice(0, 200)}`);
  }
}

function parseError(text: string): { code: string; message: string } | undefined {
  try {
    return (JSON.parse(text) as { error?: { code: string; message: string } }).error;
  } catch {
    return undefined;
  }
}

/** The tenant id an access token was issued for (its `tid` claim); the demo needs it for dojo calls. */
export function tenantOf(accessToken: string): string {
  const payload = accessToken.split('.')[1] ?? '';
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { tid?: unknown };
  if (typeof claims.tid !== 'string') throw new Error('access token without a tenant claim');
  return claims.tid;
}
