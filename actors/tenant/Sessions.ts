import { randomUUID } from 'node:crypto';
import { signAccessToken, type AccessClaims } from '../../infra/auth/jwt';
import { AccountDisabledError, AccountNotConfirmedError, BadCredentialsError, InvalidRefreshTokenError, TenantSuspendedError } from './errors';
import type { LockoutMail } from './LockoutMail';
import type { LoginAttempt, LoginThrottle } from './LoginThrottle';
import { digestToken, newSecretToken, type Passwords } from './Passwords';
import type { Sql } from '../../infra/db/sql';

/** Access tokens are short-lived: revocation has to outlive them by this much only. */
export const ACCESS_TTL_SECONDS = 15 * 60;
export const REFRESH_TTL_MS = 30 * 24 * 60 * 60 * 1000;
// Nodes' clocks may differ a little; a revocation is kept this much past the last token's expiry.
const CLOCK_SKEW_MS = 60_000;

export interface TokenPair {
  userId: string;
  token: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

export interface SessionsDeps {
  sql: Sql;
  passwords: Passwords;
  throttle: LoginThrottle;
  lockoutMail: LockoutMail;
  jwtSecret: string;
  /** A lockout notice that could not be sent: logged, and the login answered as usual. */
  onMailError(error: unknown): void;
  /** Tells every gateway that a session's access tokens are dead until `untilMs`. */
  onRevoked(sessionId: string, untilMs: number): Promise<void>;
  /** A login began a session (committed): the usage dashboard counts logins. */
  onLogin?(tenantId: string): void;
}

interface LoginRow {
  id: string;
  tenant_id: string;
  tenant_name: string;
  tenant_locale: string;
  tenant_status: 'A' | 'S';
  email: string;
  first_name: string;
  username: string;
  password_hash: string;
  status: 'C' | 'A' | 'D';
  role: AccessClaims['role'];
  /** The account signed in from this address before (within the refresh tokens' lifetime). */
  known_address: boolean;
}

interface RefreshRow {
  id: string;
  tenant_id: string;
  session_id: string;
  user_id: string;
}

/**
 * Login, refresh-token rotation and logout. A session is a family of refresh tokens; its id is
 * in every access token it mints, so ending the session ends them all.
 */
export class Sessions {
  constructor(readonly deps: SessionsDeps) {}

  async login(input: { tenant: string; username: string; password: string; ip?: string; userAgent?: string }): Promise<TokenPair> {
    const { sql, passwords, throttle } = this.deps;
    const attempt: LoginAttempt = { tenant: input.tenant, username: input.username, address: input.ip };
    await throttle.check(attempt);
    // The tenant is known only by slug here: finding the account is system work.
    const user = await sql.system(() =>
      sql.one<LoginRow>(
        `SELECT u.id, u.tenant_id, t.name AS tenant_name, t.locale AS tenant_locale, t.status AS tenant_status, u.email, u.first_name, u.username, u.password_hash, u.status, u.role,
                EXISTS (SELECT 1 FROM sessions s WHERE s.tenant_id = u.tenant_id AND s.user_id = u.id AND s.ip = $3
                          AND s.created > now() - $4::bigint * interval '1 millisecond') AS known_address
           FROM users u JOIN tenants t ON t.id = u.tenant_id
          WHERE lower(t.slug) = lower($1) AND lower(u.username) = lower($2)`,
        [input.tenant, input.username, input.ip?.slice(0, 64) ?? null, REFRESH_TTL_MS],
      ),
    );
    // An unknown username is treated as a stranger too, so a lockout says nothing about existence.
    if (!user?.known_address) await throttle.checkStranger(attempt);
    const valid = user ? await passwords.verify(input.password, user.password_hash) : (await passwords.burn(input.password), false);
    if (!user || !valid) {
      const { lockoutStarted } = await throttle.failed(attempt);
      if (lockoutStarted && user) await this.#notifyLockout(user);
      throw new BadCredentialsError();
    }
    await throttle.succeeded(attempt);
    // Status is told only to whoever knows the password, so it reveals nothing to a guesser.
    if (user.status === 'C') throw new AccountNotConfirmedError();
    if (user.status === 'D') throw new AccountDisabledError();
    if (user.tenant_status === 'S') throw new TenantSuspendedError();
    const rehash = passwords.needsRehash(user.password_hash) ? await passwords.hash(input.password) : undefined;
    const pair = await sql.tenant(user.tenant_id, async () => {
      if (rehash) await sql.rows('UPDATE users SET password_hash = $1 WHERE id = $2 AND tenant_id = $3 RETURNING id', [rehash, user.id, user.tenant_id]);
      const sessionId = randomUUID();
      await sql.rows('INSERT INTO sessions (id, tenant_id, user_id, user_agent, ip) VALUES ($1, $2, $3, $4, $5) RETURNING id', [
        sessionId,
        user.tenant_id,
        user.id,
        input.userAgent?.slice(0, 200) ?? null,
        input.ip?.slice(0, 64) ?? null,
      ]);
      return this.#issue(user.tenant_id, user.id, user.role, sessionId);
    });
    this.deps.onLogin?.(user.tenant_id);
    return pair;
  }

  /** Rotates a refresh token. Presenting one that was already rotated ends its whole session. */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const { sql } = this.deps;
    const found = await sql.system(() =>
      sql.one<RefreshRow>('SELECT rt.id, rt.tenant_id, rt.session_id, s.user_id FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id WHERE rt.token_hash = $1', [digestToken(refreshToken)]),
    );
    if (!found) throw new InvalidRefreshTokenError();
    const outcome = await sql.tenant(found.tenant_id, async () => {
      // One statement decides the race: of two refreshes with one token, exactly one rotates it.
      const rotated = await sql.one<{ id: string }>(
        `UPDATE refresh_tokens rt SET rotated_at = now() FROM sessions s
          WHERE rt.id = $1 AND rt.tenant_id = $2 AND s.id = rt.session_id
            AND rt.rotated_at IS NULL AND rt.revoked_at IS NULL AND rt.expires_at > now() AND s.revoked_at IS NULL
          RETURNING rt.id`,
        [found.id, found.tenant_id],
      );
      if (!rotated) {
        const reused = await sql.one('SELECT id FROM refresh_tokens WHERE id = $1 AND rotated_at IS NOT NULL', [found.id]);
        return { reused: Boolean(reused) };
      }
      const user = await sql.one<{ role: AccessClaims['role']; status: string; tenant_status: string }>(
        'SELECT u.role, u.status, t.status AS tenant_status FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1 AND u.tenant_id = $2',
        [found.user_id, found.tenant_id],
      );
      if (user?.status !== 'A' || user.tenant_status !== 'A') return { reused: false };
      await sql.rows('UPDATE sessions SET last_seen = now() WHERE id = $1 AND tenant_id = $2 RETURNING id', [found.session_id, found.tenant_id]);
      return { pair: await this.#issue(found.tenant_id, found.user_id, user.role, found.session_id) };
    });
    if ('pair' in outcome && outcome.pair) return outcome.pair;
    // A rotated token coming back means two holders of one family: one of them stole it.
    if (outcome.reused) await this.revoke(found.tenant_id, found.session_id);
    throw new InvalidRefreshTokenError();
  }

  /** Ends one session: its refresh tokens are refused and gateways drop its access tokens. */
  async revoke(tenantId: string, sessionId: string): Promise<void> {
    const { sql } = this.deps;
    await sql.tenant(tenantId, async () => {
      await sql.rows('UPDATE sessions SET revoked_at = now() WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING id', [sessionId, tenantId]);
      await sql.rows('UPDATE refresh_tokens SET revoked_at = now() WHERE session_id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING id', [sessionId, tenantId]);
    });
    await this.deps.onRevoked(sessionId, Date.now() + ACCESS_TTL_SECONDS * 1000 + CLOCK_SKEW_MS);
  }

  /** Ends every live session of a user (their role was lowered, password changed, account closed), except `keep`. */
  async revokeAll(tenantId: string, userId: string, keep?: string): Promise<void> {
    const { sql } = this.deps;
    const sessions = await sql.tenant(tenantId, () =>
      sql.rows<{ id: string }>('SELECT id FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3)', [tenantId, userId, keep ?? null]),
    );
    for (const session of sessions) await this.revoke(tenantId, session.id);
  }

  /** Ends every live session in a tenant (it was suspended); returns how many ended. */
  async revokeTenant(tenantId: string): Promise<number> {
    const { sql } = this.deps;
    const sessions = await sql.tenant(tenantId, () => sql.rows<{ id: string }>('SELECT id FROM sessions WHERE tenant_id = $1 AND revoked_at IS NULL', [tenantId]));
    for (const session of sessions) await this.revoke(tenantId, session.id);
    return sessions.length;
  }

  async #notifyLockout(user: LoginRow): Promise<void> {
    const minutes = Math.ceil(this.deps.throttle.limits.windowMs / 60_000);
    const to = { email: user.email, firstName: user.first_name, username: user.username };
    await this.deps.lockoutMail.send(to, { name: user.tenant_name, locale: user.tenant_locale }, minutes).catch((error: unknown) => this.deps.onMailError(error));
  }

  async #issue(tenantId: string, userId: string, role: AccessClaims['role'], sessionId: string): Promise<TokenPair> {
    const { token: refreshToken, hash } = newSecretToken();
    await this.deps.sql.rows('INSERT INTO refresh_tokens (id, tenant_id, session_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id', [
      randomUUID(),
      tenantId,
      sessionId,
      hash,
      new Date(Date.now() + REFRESH_TTL_MS),
    ]);
    const token = signAccessToken({ sub: userId, tid: tenantId, role, sid: sessionId }, this.deps.jwtSecret, ACCESS_TTL_SECONDS);
    return { userId, token, refreshToken, expiresIn: ACCESS_TTL_SECONDS, tokenType: 'Bearer' };
  }
}
