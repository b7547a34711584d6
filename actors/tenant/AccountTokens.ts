import { randomUUID } from 'node:crypto';
import { digestToken, newSecretToken } from './Passwords';
import type { Sql } from '../../infra/db/sql';

/** What a single-use account token is for (account_tokens.purpose); confirmation has its own code in Accounts. */
export type TokenPurpose = 'reset' | 'email' | 'delete';

export interface TokenHolder {
  tenantId: string;
  userId: string;
  /** The purpose's extra: the new address of an email change. */
  detail: string | null;
}

/** Single-use, expiring tokens mailed or handed to a user; only their digest is stored. */
export class AccountTokens {
  constructor(readonly sql: Sql) {}

  /** A new token; earlier unused ones of the same purpose stop working (only the newest mail counts). Joins the caller's transaction. */
  async issue(tenantId: string, userId: string, purpose: TokenPurpose, ttlMs: number, detail: string | null = null): Promise<{ token: string; expiresAt: Date }> {
    await this.sql.rows('UPDATE account_tokens SET used_at = now() WHERE tenant_id = $1 AND user_id = $2 AND purpose = $3 AND used_at IS NULL RETURNING id', [tenantId, userId, purpose]);
    const { token, hash } = newSecretToken();
    const expiresAt = new Date(Date.now() + ttlMs);
    await this.sql.rows('INSERT INTO account_tokens (id, tenant_id, user_id, purpose, token_hash, expires_at, detail) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id', [
      randomUUID(),
      tenantId,
      userId,
      purpose,
      hash,
      expiresAt,
      detail,
    ]);
    return { token, expiresAt };
  }

  /**
   * Uses a token once: one UPDATE decides, so two requests racing with one token cannot both
   * win. Must run inside the transaction that does what the token allows (system work when the
   * token alone names the tenant), so a failure after it leaves the token usable.
   */
  async consume(token: string, purpose: TokenPurpose, userId?: string): Promise<TokenHolder | undefined> {
    const row = await this.sql.one<{ tenant_id: string; user_id: string; detail: string | null }>(
      `UPDATE account_tokens SET used_at = now()
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now() AND ($3::uuid IS NULL OR user_id = $3)
        RETURNING tenant_id, user_id, detail`,
      [digestToken(token), purpose, userId ?? null],
    );
    return row && { tenantId: row.tenant_id, userId: row.user_id, detail: row.detail };
  }
}
