import type { AccountTokens } from './AccountTokens';
import type { Audit } from './Audit';
import type { Credentials } from './Credentials';
import { FieldValidationError } from './errors';
import type { Pictures } from './Pictures';
import type { Sessions } from './Sessions';
import { iso, type Sql } from '../../infra/db/sql';

/** The confirmation step lasts ten minutes: the app asks "are you sure?" and the user answers now. */
export const DELETE_CONFIRMATION_TTL_MS = 10 * 60 * 1000;

export interface AccountDeletionDeps {
  sql: Sql;
  tokens: AccountTokens;
  credentials: Credentials;
  sessions: Sessions;
  pictures: Pictures;
  audit: Audit;
}

/**
 * Deleting one's own account (LGPD): first the password buys a short-lived confirmation token,
 * then the token deletes. The user row stays, because POCs, payments and dojos point at it, but
 * nothing personal is left in it: names, username, email, password, picture, preferences; the
 * user's sessions, tokens, notifications and chat texts go too.
 */
export class AccountDeletion {
  constructor(readonly deps: AccountDeletionDeps) {}

  async request(auth: { tenantId: string; userId: string }, password: string): Promise<{ confirmation_token: string; expires_at: string }> {
    const { sql, tokens, credentials } = this.deps;
    await credentials.verify(auth.tenantId, auth.userId, password, 'password');
    const { token, expiresAt } = await sql.tenant(auth.tenantId, () => tokens.issue(auth.tenantId, auth.userId, 'delete', DELETE_CONFIRMATION_TTL_MS));
    return { confirmation_token: token, expires_at: iso(expiresAt) as string };
  }

  /**
   * Erases the account the confirmation token was issued to (only the caller's own). Returns
   * the ids of the POCs it owned, for the caller to delete through the poc actor when asked to.
   */
  async confirm(auth: { tenantId: string; userId: string }, token: string): Promise<{ pocIds: string[] }> {
    const { sql, tokens, sessions, pictures, audit } = this.deps;
    const { tenantId, userId } = auth;
    const erased = await sql.tenant(tenantId, async () => {
      if (!(await tokens.consume(token, 'delete', userId))) return undefined;
      const before = await sql.one<{ email: string }>('SELECT email FROM users WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, userId]);
      const compact = userId.replace(/-/g, '');
      // A password hash no verifier accepts ('!' parses as nothing), and names that say what happened.
      await sql.rows(
        `UPDATE users SET username = $3, email = $4, first_name = 'Deleted', last_name = 'user', password_hash = '!', status = 'D',
                picture_key = NULL, notification_prefs = '{}'::jsonb, friends_request = 'NO_ONE', presence = 'OFFLINE', deleted_at = now(), updated = now()
          WHERE tenant_id = $1 AND id = $2 RETURNING id`,
        [tenantId, userId, `del-${compact.slice(0, 11)}`, `${compact}@deleted.invalid`],
      );
      await sql.rows('DELETE FROM notifications WHERE tenant_id = $1 AND user_id = $2 RETURNING id', [tenantId, userId]);
      await sql.rows('DELETE FROM account_tokens WHERE tenant_id = $1 AND user_id = $2 RETURNING id', [tenantId, userId]);
      // Their archives go with the profile prefix below; the rows held the keys.
      await sql.rows('DELETE FROM account_exports WHERE tenant_id = $1 AND user_id = $2 RETURNING id', [tenantId, userId]);
      await sql.rows(`UPDATE dojo_chat_messages SET text = '', status = 'R', updated = now() WHERE tenant_id = $1 AND user_id = $2 RETURNING id`, [tenantId, userId]);
      // The address also sits in the invitation that brought the user and in its audit rows.
      await sql.rows(`UPDATE invitations SET email = $3 WHERE tenant_id = $1 AND lower(email) = lower($2) RETURNING id`, [tenantId, before?.email ?? '', `${compact}@deleted.invalid`]);
      await sql.rows(`UPDATE audit_log SET detail = detail - 'email' WHERE tenant_id = $1 AND lower(detail ->> 'email') = lower($2) RETURNING id`, [tenantId, before?.email ?? '']);
      await audit.record({ tenantId, actorId: userId, action: 'user.deleted', targetId: userId });
      const pocs = await sql.rows<{ id: string }>('SELECT id FROM pocs WHERE tenant_id = $1 AND owner_id = $2 AND deleted_at IS NULL', [tenantId, userId]);
      return { pocIds: pocs.map((p) => p.id) };
    });
    if (!erased) throw new FieldValidationError([{ field: 'confirmation_token', message: 'is unknown, expired or already used' }]);
    await sessions.revokeAll(tenantId, userId);
    await pictures.removeAll(tenantId, userId);
    return { pocIds: erased.pocIds };
  }
}
