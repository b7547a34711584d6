import type { AccountTokens } from './AccountTokens';
import { ConflictError, FieldValidationError, NotFoundError } from './errors';
import type { LinkMail } from './LinkMail';
import type { Passwords } from './Passwords';
import type { Sessions } from './Sessions';
import { textsOf } from './texts';
import { uniqueViolation, type Sql } from '../../infra/db/sql';

/** A reset link works for an hour: long enough to reach the mailbox, short for a leaked link. */
export const RESET_TTL_MS = 60 * 60 * 1000;
export const EMAIL_CHANGE_TTL_MS = 24 * 60 * 60 * 1000;

const WRONG_PASSWORD = [{ field: 'current_password', message: 'is not your current password' }];
const BAD_TOKEN = [{ field: 'token', message: 'is unknown, expired or already used' }];

export interface CredentialsDeps {
  sql: Sql;
  passwords: Passwords;
  tokens: AccountTokens;
  sessions: Sessions;
  mail: LinkMail;
  /** A reset mail that could not be sent: logged; the answer stays the same. */
  onMailError(error: unknown): void;
}

/** Passwords and addresses of existing accounts: change, reset by mail, change of email. */
export class Credentials {
  constructor(readonly deps: CredentialsDeps) {}

  /** Throws the 422 naming `field` unless `password` is the user's current one. */
  async verify(tenantId: string, userId: string, password: string, field = 'current_password'): Promise<void> {
    const { sql, passwords } = this.deps;
    const row = await sql.tenant(tenantId, () => sql.one<{ password_hash: string }>(`SELECT password_hash FROM users WHERE tenant_id = $1 AND id = $2 AND status = 'A'`, [tenantId, userId]));
    if (!row) throw new NotFoundError('User');
    if (!(await passwords.verify(password, row.password_hash))) throw new FieldValidationError(WRONG_PASSWORD.map((f) => ({ ...f, field })));
  }

  /** Changes the password; every other session of the user ends (the one asking stays). */
  async change(auth: { tenantId: string; userId: string; sessionId: string }, current: string, next: string): Promise<void> {
    const { sql, passwords, sessions } = this.deps;
    await this.verify(auth.tenantId, auth.userId, current);
    const hash = await passwords.hash(next);
    await sql.tenant(auth.tenantId, () => sql.rows('UPDATE users SET password_hash = $3, updated = now() WHERE tenant_id = $1 AND id = $2 RETURNING id', [auth.tenantId, auth.userId, hash]));
    await sessions.revokeAll(auth.tenantId, auth.userId, auth.sessionId);
  }

  /**
   * Mails a reset link if `email` is an active account of the tenant; otherwise does nothing.
   * The caller answers the same either way, and the mail leaves after the answer, so neither
   * the answer nor its timing tells whether the account exists.
   */
  async requestReset(slug: string, email: string): Promise<void> {
    const { sql, tokens } = this.deps;
    const issued = await sql.system(async () => {
      const user = await sql.one<{ id: string; tenant_id: string; first_name: string; email: string; tenant_name: string; locale: string }>(
        `SELECT u.id, u.tenant_id, u.first_name, u.email, t.name AS tenant_name, t.locale FROM users u JOIN tenants t ON t.id = u.tenant_id
          WHERE lower(t.slug) = lower($1) AND t.status = 'A' AND lower(u.email) = lower($2) AND u.status = 'A'`,
        [slug, email],
      );
      return user && { user, ...(await tokens.issue(user.tenant_id, user.id, 'reset', RESET_TTL_MS)) };
    });
    if (!issued) return;
    const { user, token } = issued;
    const texts = textsOf(user.locale);
    void this.deps.mail
      .send(user.email, texts.mail.hello(user.first_name), { ...texts.account.reset(user.tenant_name), path: 'reset-password' }, token)
      .catch((error: unknown) => this.deps.onMailError(error));
  }

  /** Sets the password a reset link allows, once; every session of the account ends. */
  async reset(token: string, password: string): Promise<void> {
    const { sql, passwords, tokens, sessions } = this.deps;
    const hash = await passwords.hash(password);
    const holder = await sql.system(async () => {
      const found = await tokens.consume(token, 'reset');
      if (found) await sql.rows('UPDATE users SET password_hash = $3, updated = now() WHERE tenant_id = $1 AND id = $2 RETURNING id', [found.tenantId, found.userId, hash]);
      return found;
    });
    if (!holder) throw new FieldValidationError(BAD_TOKEN);
    await sessions.revokeAll(holder.tenantId, holder.userId);
  }

  /** Mails a confirmation link to the new address; the account keeps its old one until it is used. */
  async requestEmailChange(auth: { tenantId: string; userId: string }, email: string, password: string): Promise<void> {
    const { sql, tokens } = this.deps;
    await this.verify(auth.tenantId, auth.userId, password, 'password');
    await sql.tenant(auth.tenantId, async () => {
      const taken = await sql.one('SELECT id FROM users WHERE tenant_id = $1 AND lower(email) = lower($2)', [auth.tenantId, email]);
      if (taken) throw new ConflictError('email is already registered in this tenant', 'email');
      const user = await sql.one<{ first_name: string; locale: string }>('SELECT u.first_name, t.locale FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.tenant_id = $1 AND u.id = $2', [
        auth.tenantId,
        auth.userId,
      ]);
      const { token } = await tokens.issue(auth.tenantId, auth.userId, 'email', EMAIL_CHANGE_TTL_MS, email);
      const texts = textsOf(user?.locale);
      // Inside the transaction: a link that was never mailed is not left behind.
      await this.deps.mail.send(email, texts.mail.hello(user?.first_name ?? ''), { ...texts.account.emailChange, path: 'confirm-email' }, token);
    });
  }

  /** Moves the account to the address its link was mailed to; the old address is told, in case it was not its owner's doing. */
  async confirmEmailChange(token: string): Promise<{ tenantId: string; userId: string; email: string }> {
    const { sql, tokens } = this.deps;
    const changed = await sql
      .system(async () => {
        const holder = await tokens.consume(token, 'email');
        if (!holder?.detail) return undefined;
        const before = await sql.one<{ email: string; first_name: string; locale: string }>(
          'SELECT u.email, u.first_name, t.locale FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.tenant_id = $1 AND u.id = $2 FOR UPDATE OF u',
          [holder.tenantId, holder.userId],
        );
        await sql.rows('UPDATE users SET email = $3, updated = now() WHERE tenant_id = $1 AND id = $2 RETURNING id', [holder.tenantId, holder.userId, holder.detail]);
        return { tenantId: holder.tenantId, userId: holder.userId, email: holder.detail, before };
      })
      .catch((error: unknown) => {
        // Someone registered the address between the request and the confirmation.
        if (uniqueViolation(error) === 'users_tenant_email_key') throw new ConflictError('email is already registered in this tenant', 'email');
        throw error;
      });
    if (!changed) throw new FieldValidationError(BAD_TOKEN);
    const { before, ...result } = changed;
    if (before) {
      const texts = textsOf(before.locale);
      const { subject, lines } = texts.account.emailChanged(result.email);
      await this.deps.mail.mailer.send({ to: before.email, subject, text: [texts.mail.hello(before.first_name), '', ...lines, ''].join('\n') }).catch((error: unknown) => this.deps.onMailError(error));
    }
    return result;
  }
}
