import { randomUUID } from 'node:crypto';
import type { AccountExistsMail } from './AccountExistsMail';
import { CONFIRMATION_TTL_MS, type ConfirmationMail } from './ConfirmationMail';
import { ConflictError, FieldValidationError, NotFoundError } from './errors';
import type { Invitations } from './Invitations';
import { digestToken, newSecretToken, type Passwords } from './Passwords';
import { checkMembership, type Membership } from './TenantSettings';
import { uniqueViolation, type Sql } from '../../infra/db/sql';
import type { MailingTenant } from './texts';
import type { Role } from './Users';

export interface NewUser {
  firstName: string;
  lastName: string;
  email: string;
  username: string;
  password: string;
}

const EMAIL_INDEX = 'users_tenant_email_key';

const CONFLICTS: Record<string, { field: string; message: string }> = {
  tenants_slug_key: { field: 'slug', message: 'slug is already taken' },
  users_tenant_username_key: { field: 'username', message: 'username is already taken in this tenant' },
  users_tenant_email_key: { field: 'email', message: 'email is already registered in this tenant' },
};

/** Turns a unique-index collision into the 409 that names the field. */
function asConflict(error: unknown): never {
  const index = uniqueViolation(error);
  const conflict = index ? CONFLICTS[index] : undefined;
  if (conflict) throw new ConflictError(conflict.message, conflict.field);
  throw error;
}

/** Sign-up, account creation and confirmation: every way an account comes to life. */
export class Accounts {
  constructor(
    readonly sql: Sql,
    readonly passwords: Passwords,
    readonly mail: ConfirmationMail,
    readonly existsMail: AccountExistsMail,
    readonly invitations: Invitations,
    /** Announces a committed change of a tenant's members (the dashboards count them by status and role). */
    readonly dataChanged: (tenantId: string) => void,
  ) {}

  /** A tenant, its billing row and its first admin (unconfirmed), in one transaction. */
  async signup(input: { name: string; slug: string; admin: NewUser }): Promise<{ tenantId: string; userId: string }> {
    const tenantId = randomUUID();
    const hash = await this.passwords.hash(input.admin.password);
    const userId = await this.sql
      .system(async () => {
        // The new tenant speaks its default language (the column's default), which its admin may change.
        const [tenant] = await this.sql.rows<{ locale: string }>('INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3) RETURNING locale', [tenantId, input.name, input.slug]);
        await this.sql.rows('INSERT INTO billing (tenant_id) VALUES ($1) RETURNING tenant_id', [tenantId]);
        return this.#createUser(tenantId, { name: input.name, locale: tenant?.locale }, input.admin, hash, 'admin');
      })
      .catch(asConflict);
    // Not announced: a tenant that did not exist has no cached dashboard.
    return { tenantId, userId };
  }

  /**
   * An unconfirmed member of the tenant named by `slug`. A taken username is a 409 (usernames are
   * public inside a tenant); a taken email is not: the answer looks like a fresh sign-up, with an
   * id that names nothing, and the mail goes to the address's owner, so the endpoint cannot be
   * used to find out who is registered.
   */
  async register(slug: string, input: NewUser): Promise<{ userId: string }> {
    const tenant = await this.#tenantBySlug(slug);
    if (!tenant) throw new NotFoundError('Tenant');
    // Refused before anything else: the refusal depends on the tenant's rule only, never on who is registered.
    checkMembership(tenant, input.email);
    // Hashed in either case, so the time taken does not tell a taken email either.
    const hash = await this.passwords.hash(input.password);
    const create = () =>
      this.sql.tenant(tenant.id, async () => {
        if (await this.#usernameTaken(tenant.id, input.username)) throw new ConflictError(CONFLICTS.users_tenant_username_key!.message, 'username');
        return { userId: await this.#createUser(tenant.id, tenant, input, hash, 'member') };
      });
    try {
      const created = await create();
      this.dataChanged(tenant.id);
      return created;
    } catch (error) {
      if (uniqueViolation(error) !== EMAIL_INDEX) return asConflict(error);
      await this.#tellOwner(tenant, input.email);
      return { userId: randomUUID() };
    }
  }

  /**
   * Creates the account an invitation grants, already active (the invitation's mail proved the
   * address), with the invitation's email and role. The invitation is taken in the same
   * transaction, so a taken username leaves it usable.
   */
  async acceptInvitation(token: string, input: Omit<NewUser, 'email'>): Promise<{ userId: string }> {
    const hash = await this.passwords.hash(input.password);
    const { tenantId, userId } = await this.sql
      .system(async () => {
        const invitation = await this.invitations.consume(token);
        if (!invitation) throw new FieldValidationError([{ field: 'token', message: 'is unknown, expired, revoked or already used' }]);
        if (await this.#usernameTaken(invitation.tenantId, input.username)) throw new ConflictError(CONFLICTS.users_tenant_username_key!.message, 'username');
        const userId = await this.#createUser(invitation.tenantId, { name: '' }, { ...input, email: invitation.email }, hash, invitation.role, 'A');
        await this.invitations.accepted(invitation, userId);
        return { tenantId: invitation.tenantId, userId };
      })
      .catch(asConflict);
    this.dataChanged(tenantId);
    return { userId };
  }

  /** Consumes a confirmation token (once) and activates its account. */
  async confirm(token: string): Promise<{ userId: string }> {
    // The token names the tenant, so finding it is system work; the update is one statement, so
    // two confirmations racing with one token cannot both win.
    const row = await this.sql.system(async () => {
      const used = await this.sql.one<{ tenant_id: string; user_id: string }>(
        `UPDATE account_tokens SET used_at = now()
          WHERE token_hash = $1 AND purpose = 'confirm' AND used_at IS NULL AND expires_at > now()
          RETURNING tenant_id, user_id`,
        [digestToken(token)],
      );
      if (used) {
        await this.sql.rows(`UPDATE users SET status = 'A', updated = now() WHERE id = $1 AND tenant_id = $2 AND status = 'C' RETURNING id`, [used.user_id, used.tenant_id]);
      }
      return used;
    });
    if (!row) throw new FieldValidationError([{ field: 'token', message: 'is unknown, expired or already used' }]);
    this.dataChanged(row.tenant_id);
    return { userId: row.user_id };
  }

  /** A fresh token for an unconfirmed account; silent otherwise, so it reveals no account. */
  async resend(slug: string, email: string): Promise<void> {
    const tenant = await this.#tenantBySlug(slug);
    if (!tenant) return;
    await this.sql.tenant(tenant.id, async () => {
      const user = await this.sql.one<{ id: string; first_name: string; email: string }>(`SELECT id, first_name, email FROM users WHERE tenant_id = $1 AND lower(email) = lower($2) AND status = 'C'`, [
        tenant.id,
        email,
      ]);
      if (!user) return;
      // Older links stop working: only the newest mail is valid.
      await this.sql.rows(`UPDATE account_tokens SET used_at = now() WHERE tenant_id = $1 AND user_id = $2 AND purpose = 'confirm' AND used_at IS NULL RETURNING id`, [tenant.id, user.id]);
      await this.#issueToken(tenant.id, tenant, { id: user.id, firstName: user.first_name, email: user.email });
    });
  }

  async #usernameTaken(tenantId: string, username: string): Promise<boolean> {
    return Boolean(await this.sql.one('SELECT id FROM users WHERE tenant_id = $1 AND lower(username) = lower($2)', [tenantId, username]));
  }

  async #tellOwner(tenant: { id: string } & MailingTenant, email: string): Promise<void> {
    const owner = await this.sql.tenant(tenant.id, () =>
      this.sql.one<{ email: string; first_name: string; username: string }>('SELECT email, first_name, username FROM users WHERE tenant_id = $1 AND lower(email) = lower($2)', [tenant.id, email]),
    );
    // Gone in between (deleted): nobody to tell, and the answer stays the same.
    if (owner) await this.existsMail.send({ email: owner.email, firstName: owner.first_name, username: owner.username }, tenant);
  }

  async #tenantBySlug(slug: string): Promise<{ id: string; name: string; locale: string; membership: Membership; allowed_domains: string[] } | undefined> {
    return this.sql.system(() =>
      this.sql.one<{ id: string; name: string; locale: string; membership: Membership; allowed_domains: string[] }>(
        `SELECT id, name, locale, membership, allowed_domains FROM tenants WHERE lower(slug) = lower($1) AND status = 'A'`,
        [slug],
      ),
    );
  }

  /** An unconfirmed account gets its confirmation mail; an invited one is active already. */
  async #createUser(tenantId: string, tenant: MailingTenant, input: NewUser, hash: string, role: Role, status: 'C' | 'A' = 'C'): Promise<string> {
    const id = randomUUID();
    await this.sql.rows(
      `INSERT INTO users (id, tenant_id, username, email, first_name, last_name, password_hash, status, role, updated)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $9, $8, now()) RETURNING id`,
      [id, tenantId, input.username, input.email, input.firstName, input.lastName, hash, role, status],
    );
    if (status === 'C') await this.#issueToken(tenantId, tenant, { id, firstName: input.firstName, email: input.email });
    return id;
  }

  // The mail goes out inside the transaction: if it cannot be sent, no account is left behind
  // that nobody can confirm.
  async #issueToken(tenantId: string, tenant: MailingTenant, user: { id: string; firstName: string; email: string }): Promise<void> {
    const { token, hash } = newSecretToken();
    await this.sql.rows(`INSERT INTO account_tokens (id, tenant_id, user_id, purpose, token_hash, expires_at) VALUES ($1, $2, $3, 'confirm', $4, $5) RETURNING id`, [
      randomUUID(),
      tenantId,
      user.id,
      hash,
      new Date(Date.now() + CONFIRMATION_TTL_MS),
    ]);
    await this.mail.send({ email: user.email, firstName: user.firstName }, tenant, token);
  }
}
