import { createHmac, timingSafeEqual } from 'node:crypto';

/** Claims of a pocdojo access token. */
export interface AccessClaims {
  /** user id */
  sub: string;
  /** tenant id */
  tid: string;
  role: 'admin' | 'facilitator' | 'member';
  /** session id: revoking the session kills its access tokens at once */
  sid: string;
  iat: number;
  exp: number;
}

export type TokenFailure = 'malformed' | 'bad_signature' | 'expired' | 'not_yet_valid' | 'bad_claims';

const HEADER = base64url(Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })));

function base64url(buf: Buffer): string {
  return buf.toString('base64url');
}

function sign(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

/** Signs an HS256 JWT. HMAC from node:crypto: no dependency, and verification costs microseconds. */
export function signAccessToken(claims: Omit<AccessClaims, 'iat' | 'exp'>, secret: string, ttlSeconds: number, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  const payload = base64url(Buffer.from(JSON.stringify({ ...claims, iat, exp: iat + ttlSeconds })));
  const input = `${HEADER}.${payload}`;
  return `${input}.${base64url(sign(input, secret))}`;
}

/** Verifies signature, algorithm and lifetime; never throws. */
export function verifyAccessToken(token: string, secret: string, now = Date.now()): { ok: true; claims: AccessClaims } | { ok: false; reason: TokenFailure } {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [header, payload, signature] = parts as [string, string, string];
  // Only our own header is accepted: this closes the alg=none and algorithm-confusion doors.
  if (header !== HEADER) return { ok: false, reason: 'malformed' };
  // Compare the text, not decoded bytes: a lenient decoder ignores padding, stray characters and
  // the `+/` alphabet, so one signature would have many accepted spellings (a malleable token).
  const expected = Buffer.from(base64url(sign(`${header}.${payload}`, secret)));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  let claims: AccessClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!isClaims(claims)) return { ok: false, reason: 'bad_claims' };
  const seconds = now / 1000;
  if (claims.exp <= seconds) return { ok: false, reason: 'expired' };
  // Allow a little clock skew between nodes.
  if (claims.iat > seconds + 30) return { ok: false, reason: 'not_yet_valid' };
  return { ok: true, claims };
}

function isClaims(c: unknown): c is AccessClaims {
  if (typeof c !== 'object' || c === null) return false;
  const v = c as Record<string, unknown>;
  return (
    typeof v.sub === 'string' &&
    typeof v.tid === 'string' &&
    typeof v.sid === 'string' &&
    (v.role === 'admin' || v.role === 'facilitator' || v.role === 'member') &&
    typeof v.iat === 'number' &&
    typeof v.exp === 'number'
  );
}
