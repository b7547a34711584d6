import { PocdojoClient, PocdojoError, type Credentials } from '../../sdk/src';

// One client for the tab, on the origin that served the console (the gateway). Credentials stay in
// localStorage so a reload (or a second tab) is still signed in; the SDK rotates them.
const KEY = 'pocdojo.credentials';

function saved(): Credentials | undefined {
  try {
    const text = localStorage.getItem(KEY);
    return text ? (JSON.parse(text) as Credentials) : undefined;
  } catch {
    return undefined;
  }
}

export const client = new PocdojoClient({ baseUrl: location.origin, credentials: saved() });

client.auth.on('changed', (credentials) => {
  if (credentials) localStorage.setItem(KEY, JSON.stringify(credentials));
  else localStorage.removeItem(KEY);
});

export function signedIn(): boolean {
  return client.auth.credentials !== undefined;
}

/** What an error says to a person: the API's message, and each field it named. */
export function describeError(error: unknown): { message: string; fields: string[] } {
  if (error instanceof PocdojoError) return { message: error.message, fields: error.fields.map((f) => `${f.field}: ${f.message}`) };
  return { message: error instanceof Error ? error.message : String(error), fields: [] };
}

/** Who is signed in, read from the access token's claims (tenant and role; the server checks them on every call). */
export function me(): { userId: string; tenantId: string; role: 'admin' | 'facilitator' | 'member' } | undefined {
  const token = client.auth.credentials?.accessToken;
  if (!token) return undefined;
  try {
    const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(payload)) as { sub: string; tid: string; role: 'admin' | 'facilitator' | 'member' };
    return { userId: claims.sub, tenantId: claims.tid, role: claims.role };
  } catch {
    return undefined;
  }
}
