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

export class Authenticator {
  constructor(
    readonly secret: string,
    readonly revocations: RevocationList,
  ) {}

  /** Checks a raw token (no `Bearer ` prefix). Synchronous: HMAC verification costs microseconds. */
  verify(token: string): AuthResult {
    const result = verifyAccessToken(token, this.secret);
    if (!result.ok) return { ok: false, message: result.reason === 'expired' ? 'Access token expired' : 'Invalid access token' };
    const { sub, tid, role, sid } = result.claims;
    if (this.revocations.isRevoked(sid)) return { ok: false, message: 'Session has ended' };
    return { ok: true, auth: { userId: sub, tenantId: tid, role, sessionId: sid } };
  }

  /** Checks an `Authorization` header value. */
  verifyHeader(header: string): AuthResult {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return { ok: false, message: header ? 'Authorization must be "Bearer <token>"' : 'Missing access token' };
    return this.verify(match[1] as string);
  }
}
