import { verifyAccessToken } from '../infra/auth/jwt';
import type { AuthContext } from '../protocol/auth';

/**
 * Sessions revoked before their access tokens expire (logout, refresh-token reuse). Fed by the
 * `auth.session.revoked` event, so every gateway node stops a token at once without a lookup
 * per request; entries drop out when the longest-lived token of that session would have expired.
 */
export class RevocationList {
  readonly #until = new Map<string, number>();

  revoke(sessionId: string, untilMs: number): void {
    this.#until.set(sessionId, untilMs);
    if (this.#until.size % 1024 === 0) this.#sweep();
  }

  isRevoked(sessionId: string, now = Date.now()): boolean {
    const until = this.#until.get(sessionId);
    return until !== undefined && until > now;
  }

  #sweep(now = Date.now()): void {
    for (const [sid, until] of this.#until) if (until <= now) this.#until.delete(sid);
  }
}

/** `expiresAt` (ms) is when the token dies: a socket it opened must close then (see ws/sessions.ts). */
export type AuthResult = { ok: true; auth: AuthContext; expiresAt: number } | { ok: false; message: string };

const VERIFIED_CACHE_SIZE = 10_000;
/** Characters of a token's signature (base64url of an HMAC-SHA256) that key the cache. */
const SIGNATURE_KEY_LENGTH = 43;

interface Verified {
  token: string;
  auth: AuthContext;
  expMs: number;
}

export class Authenticator {
  // A client sends the same token on every call for 15 minutes: remembering verified tokens
  // skips the HMAC and JSON parse on the hot path. Expiry and revocation are still checked each time.
  // Keyed by the signature, not the whole token: a header arrives as a new string every time and
  // hashing all ~250 characters of it for the lookup cost more than the rest of the check. The
  // entry keeps the whole token, compared in full, so only the token that was verified hits.
  readonly #verified = new Map<string, Verified>();

  constructor(
    readonly secret: string,
    readonly revocations: RevocationList,
  ) {}

  /** Checks a raw token (no `Bearer ` prefix). Synchronous: HMAC verification costs microseconds. */
  verify(token: string, now = Date.now()): AuthResult {
    const key = token.slice(-SIGNATURE_KEY_LENGTH);
    let entry = this.#verified.get(key);
    if (entry === undefined || entry.token !== token) {
      const result = verifyAccessToken(token, this.secret, now);
      if (!result.ok) return { ok: false, message: result.reason === 'expired' ? 'Access token expired' : 'Invalid access token' };
      const { sub, tid, role, sid, exp } = result.claims;
      entry = { token, auth: Object.freeze({ userId: sub, tenantId: tid, role, sessionId: sid }), expMs: exp * 1000 };
      if (this.#verified.size >= VERIFIED_CACHE_SIZE) this.#verified.delete(this.#verified.keys().next().value as string);
      this.#verified.set(key, entry);
    } else if (entry.expMs <= now) {
      this.#verified.delete(key);
      return { ok: false, message: 'Access token expired' };
    }
    if (this.revocations.isRevoked(entry.auth.sessionId, now)) return { ok: false, message: 'Session has ended' };
    return { ok: true, auth: entry.auth, expiresAt: entry.expMs };
  }

  /** Checks an `Authorization` header value. */
  verifyHeader(header: string): AuthResult {
    // The form every client sends, without a regular expression on the hot path; a token with
    // spaces in it fails verification like any other malformed token.
    if (header.startsWith('Bearer ') && header.length > 7 && header.charCodeAt(7) > 32) return this.verify(header.slice(7));
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return { ok: false, message: header ? 'Authorization must be "Bearer <token>"' : 'Missing access token' };
    return this.verify(match[1] as string);
  }
}
