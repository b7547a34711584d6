import { textsOf } from './texts';
import { randomUUID } from 'node:crypto';
import type { Audit } from './Audit';
import { ConflictError, NotFoundError } from './errors';
import type { LinkMail } from './LinkMail';
import { digestToken, newSecretToken } from './Passwords';
import type { Role } from './Users';
import { iso, uniqueViolation, type Sql } from '../../infra/db/sql';

/** A week: long enough for a colleague back from holidays, short enough that a leaked link dies. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

type Status = 'PENDING' | 'ACCEPTED' | 'REVOKED' | 'EXPIRED';

interface InvitationRow {
  id: string;
  email: string;
  role: Role;
  invited_by: string | null;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
  created: Date;
}

const STATUS_SQL = `CASE WHEN accepted_at IS NOT NULL THEN 'ACCEPTED' WHEN revoked_at IS NOT NULL THEN 'REVOKED' WHEN expires_at <= now() THEN 'EXPIRED' ELSE 'PENDING' END`;

function view(row: InvitationRow & { status: Status }) {
  return { id: row.id, email: row.email, role: row.role, status: row.status, invited_by: row.invited_by, expires_at: iso(row.expires_at) as string, created: iso(row.created) as string };
}

/** What an accepted invitation grants: the account's tenant, address and role. */
export interface Invitation {
  id: string;
  tenantId: string;
  email: string;
  role: Role;
}

/** Admins invite people by mail; the link is single-use and expires. */
export class Invitations {
  constructor(
    readonly sql: Sql,
    readonly mail: LinkMail,
    readonly audit: Audit,
  ) {}

  /**
   * A fresh invitation replaces a pending one to the same address (its link stops working), so
   * inviting again is how an admin re-sends. An address that already has an account is a 409.
   */
  async create(tenantId: string, by: string, input: { email: string; role: Role }) {
    const { token, hash } = newSecretToken();
    const id = randomUUID();
    const row = await this.sql
      .tenant(tenantId, async () => {
        const member = await this.sql.one('SELECT id FROM users WHERE tenant_id = $1 AND lower(email) = lower($2)', [tenantId, input.email]);
        if (member) throw new ConflictError('This address already has an account in the tenant', 'email');
        await this.sql.rows(`UPDATE invitations SET revoked_at = now() WHERE tenant_id = $1 AND lower(email) = lower($2) AND accepted_at IS NULL AND revoked_at IS NULL RETURNING id`, [
          tenantId,
          input.email,
        ]);
        const created = await this.sql.one<InvitationRow & { status: Status }>(
          `INSERT INTO invitations (id, tenant_id, email, role, token_hash, invited_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
           RETURNING id, email, role, invited_by, expires_at, accepted_at, revoked_at, created, 'PENDING' AS status`,
          [id, tenantId, input.email, input.role, hash, by, new Date(Date.now() + INVITATION_TTL_MS)],
        );
        await this.audit.record({ tenantId, actorId: by, action: 'invitation.created', targetId: id, detail: { email: input.email, role: input.role } });
        const tenant = await this.sql.one<{ name: string; locale: string }>('SELECT name, locale FROM tenants WHERE id = $1', [tenantId]);
        const { greeting, ...text } = textsOf(tenant?.locale).invitation(tenant?.name ?? 'pocdojo');
        // Sent inside the transaction: an invitation whose mail never left is not left behind.
        await this.mail.send(input.email, greeting, { ...text, path: 'invitation' }, token);
        return created as InvitationRow & { status: Status };
      })
      .catch((error: unknown) => {
        // Two admins inviting one address at the same instant: one wins, the other is told.
        if (uniqueViolation(error) === 'invitations_live_email') throw new ConflictError('An invitation to this address is being sent', 'email');
        throw error;
      });
    return view(row);
  }

  async list(tenantId: string, page: { status?: Status; limit: number; offset: number }) {
    return this.sql.tenant(tenantId, async () => {
      const where = `tenant_id = $1 AND ($2::text IS NULL OR ${STATUS_SQL} = $2)`;
      const rows = await this.sql.rows<InvitationRow & { status: Status }>(
        `SELECT id, email, role, invited_by, expires_at, accepted_at, revoked_at, created, ${STATUS_SQL} AS status FROM invitations
          WHERE ${where} ORDER BY created DESC, id DESC LIMIT $3 OFFSET $4`,
        [tenantId, page.status ?? null, page.limit, page.offset],
      );
      const total = await this.sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM invitations WHERE ${where}`, [tenantId, page.status ?? null]);
      return { invitations: rows.map(view), total: total?.n ?? 0 };
    });
  }

  /** Only a pending invitation can be revoked; one of another tenant is not found. */
  async revoke(tenantId: string, by: string, id: string): Promise<void> {
    await this.sql.tenant(tenantId, async () => {
      const row = await this.sql.one<{ status: Status }>(`SELECT ${STATUS_SQL} AS status FROM invitations WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenantId, id]);
      if (!row) throw new NotFoundError('Invitation');
      if (row.status !== 'PENDING') throw new ConflictError(`The invitation is ${row.status.toLowerCase()}; only a pending one can be revoked`);
      await this.sql.rows('UPDATE invitations SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING id', [tenantId, id]);
      await this.audit.record({ tenantId, actorId: by, action: 'invitation.revoked', targetId: id });
    });
  }

  /**
   * Takes the invitation its token names, once: must run inside a system transaction (the token
   * names the tenant), which the caller commits with the new account or rolls back.
   */
  async consume(token: string): Promise<Invitation | undefined> {
    const row = await this.sql.one<{ id: string; tenant_id: string; email: string; role: Role }>(
      `UPDATE invitations i SET accepted_at = now() FROM tenants t
        WHERE i.token_hash = $1 AND t.id = i.tenant_id AND t.status = 'A'
          AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
        RETURNING i.id, i.tenant_id, i.email, i.role`,
      [digestToken(token)],
    );
    return row && { id: row.id, tenantId: row.tenant_id, email: row.email, role: row.role };
  }

  async accepted(invitation: Invitation, userId: string): Promise<void> {
    await this.sql.rows('UPDATE invitations SET accepted_user_id = $3 WHERE tenant_id = $1 AND id = $2 RETURNING id', [invitation.tenantId, invitation.id, userId]);
    await this.audit.record({ tenantId: invitation.tenantId, actorId: userId, action: 'invitation.accepted', targetId: invitation.id, detail: { role: invitation.role } });
  }
}
