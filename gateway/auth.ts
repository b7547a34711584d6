import { verifyAccessToken, type AccessClaims } from '../infra/auth/jwt';

/** Who is calling, as actions see it in `ctx.meta.auth`. */
export interface AuthContext {
  userId: string;
  tenantId: string;
  role: AccessClaims['role'];
  sessionId: string;
}

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

export type AuthResult = { ok: true; auth: AuthContext } | { ok: false; message: string };

const VERIFIED_CACHE_SIZE = 10_000;

export class Authenticator {
  // A client sends the same token on every call for 15 minutes: remembering verified tokens
  // skips the HMAC and JSON parse on the hot path. Expiry and revocation are still checked each time.
  readonly #verified = new Map<string, { auth: AuthContext; expMs: number }>();

  constructor(
    readonly secret: string,
    readonly revocations: RevocationList,
  ) {}

  /** Checks a raw token (no `Bearer ` prefix). Synchronous: HMAC verification costs microseconds. */
  verify(token: string, now = Date.now()): AuthResult {
    let entry = this.#verified.get(token);
    if (entry === undefined) {
      const result = verifyAccessToken(token, this.secret, now);
      if (!result.ok) return { ok: false, message: result.reason === 'expired' ? 'Access token expired' : 'Invalid access token' };
      const { sub, tid, role, sid, exp } = result.claims;
      entry = { auth: Object.freeze({ userId: sub, tenantId: tid, role, sessionId: sid }), expMs: exp * 1000 };
      if (this.#verified.size >= VERIFIED_CACHE_SIZE) this.#verified.delete(this.#verified.keys().next().value as string);
      this.#verified.set(token, entry);
    } else if (entry.expMs <= now) {
      this.#verified.delete(token);
      return { ok: false, message: 'Access token expired' };
    }
    if (this.revocations.isRevoked(entry.auth.sessionId, now)) return { ok: false, message: 'Session has ended' };
    return { ok: true, auth: entry.auth };
  }

  /** Checks an `Authorization` header value. */
  verifyHeader(header: string): AuthResult {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return { ok: false, message: header ? 'Authorization must be "Bearer <token>"' : 'Missing access token' };
    return this.verify(match[1] as string);
  }
}
