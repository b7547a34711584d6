import type { AccessClaims } from '../../infra/auth/jwt';
import type { Audit } from './Audit';
import { ConflictError, NotFoundError } from './errors';
import { iso, type Sql } from '../../infra/db/sql';

export type Role = AccessClaims['role'];

export interface NotificationPrefs {
  dojoInvitations?: boolean;
  dojoStarting?: boolean;
  reportReady?: boolean;
  videoReady?: boolean;
  email?: boolean;
}

/** A user as the tenant's directory holds it; never the password hash. */
export interface UserRecord {
  id: string;
  tenantId: string;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  role: Role;
  accountStatus: 'C' | 'A' | 'D';
  pictureKey: string | null;
  friendsRequest: 'NO_ONE' | 'ANYONE';
  notifications: NotificationPrefs;
  created: string;
}

const COLUMNS = `id, tenant_id, username, email, first_name, last_name, role, status, picture_key, friends_request, notification_prefs, created`;

interface UserRow {
  id: string;
  tenant_id: string;
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  role: Role;
  status: 'C' | 'A' | 'D';
  picture_key: string | null;
  friends_request: 'NO_ONE' | 'ANYONE';
  notification_prefs: NotificationPrefs;
  created: Date;
}

function record(row: UserRow): UserRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    username: row.username,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    role: row.role,
    accountStatus: row.status,
    pictureKey: row.picture_key,
    friendsRequest: row.friends_request,
    notifications: row.notification_prefs ?? {},
    created: iso(row.created) as string,
  };
}

/** The tenant's user directory. Every method is scoped by tenant (and RLS checks it again). */
export class Users {
  constructor(
    readonly sql: Sql,
    readonly audit: Audit,
  ) {}

  /** By id or username; a user of another tenant is simply not found. */
  async find(tenantId: string, by: { id?: string; username?: string }): Promise<UserRecord> {
    const row = await this.sql.tenant(tenantId, () =>
      by.id
        ? this.sql.one<UserRow>(`SELECT ${COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2`, [tenantId, by.id])
        : this.sql.one<UserRow>(`SELECT ${COLUMNS} FROM users WHERE tenant_id = $1 AND lower(username) = lower($2)`, [tenantId, by.username ?? '']),
    );
    if (!row) throw new NotFoundError('User');
    return record(row);
  }

  async list(tenantId: string, limit: number, offset: number): Promise<{ users: UserRecord[]; total: number }> {
    return this.sql.tenant(tenantId, async () => {
      const rows = await this.sql.rows<UserRow>(`SELECT ${COLUMNS} FROM users WHERE tenant_id = $1 ORDER BY created, id LIMIT $2 OFFSET $3`, [tenantId, limit, offset]);
      const count = await this.sql.one<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE tenant_id = $1', [tenantId]);
      return { users: rows.map(record), total: count?.n ?? 0 };
    });
  }

  /** Returns the previous role. The tenant always keeps at least one admin. Audited as done `by` the caller. */
  async setRole(tenantId: string, userId: string, role: Role, by: string): Promise<Role> {
    return this.sql.tenant(tenantId, async () => {
      // Row locks on the admins serialize two concurrent demotions, so both cannot pass the check.
      const admins = await this.sql.rows<{ id: string }>(`SELECT id FROM users WHERE tenant_id = $1 AND role = 'admin' FOR UPDATE`, [tenantId]);
      const current = await this.sql.one<{ role: Role }>('SELECT role FROM users WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, userId]);
      if (!current) throw new NotFoundError('User');
      if (current.role === 'admin' && role !== 'admin' && admins.length <= 1) throw new ConflictError('The tenant must keep at least one admin', 'role');
      await this.sql.rows('UPDATE users SET role = $1, updated = now() WHERE tenant_id = $2 AND id = $3 RETURNING id', [role, tenantId, userId]);
      if (current.role !== role) await this.audit.record({ tenantId, actorId: by, action: 'user.role', targetId: userId, detail: { from: current.role, to: role } });
      return current.role;
    });
  }

  /**
   * Deactivates (D) or reactivates (A) an account; returns whether it changed. An admin cannot
   * deactivate themself (nobody could undo it if they were the last admin), nor can the last
   * active admin be deactivated; an unconfirmed or deleted account is not reactivated this way.
   */
  async setAccountStatus(tenantId: string, userId: string, status: 'A' | 'D', by: string): Promise<boolean> {
    if (userId === by && status === 'D') throw new ConflictError('You cannot deactivate your own account', 'id');
    return this.sql.tenant(tenantId, async () => {
      const admins = await this.sql.rows<{ id: string }>(`SELECT id FROM users WHERE tenant_id = $1 AND role = 'admin' AND status = 'A' FOR UPDATE`, [tenantId]);
      const current = await this.sql.one<{ status: 'C' | 'A' | 'D'; role: Role; deleted_at: Date | null }>('SELECT status, role, deleted_at FROM users WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [
        tenantId,
        userId,
      ]);
      if (!current) throw new NotFoundError('User');
      if (current.deleted_at) throw new ConflictError('The account was deleted', 'id');
      if (current.status === status) return false;
      if (current.status === 'C') throw new ConflictError('The account is not confirmed yet', 'account_status');
      if (status === 'D' && current.role === 'admin' && admins.length <= 1) throw new ConflictError('The tenant must keep at least one active admin', 'id');
      await this.sql.rows('UPDATE users SET status = $1, updated = now() WHERE tenant_id = $2 AND id = $3 RETURNING id', [status, tenantId, userId]);
      await this.audit.record({ tenantId, actorId: by, action: status === 'D' ? 'user.deactivated' : 'user.reactivated', targetId: userId });
      return true;
    });
  }

  async updateProfile(
    tenantId: string,
    userId: string,
    change: { firstName?: string; lastName?: string; friendsRequest?: 'NO_ONE' | 'ANYONE'; notifications?: NotificationPrefs },
  ): Promise<UserRecord> {
    const row = await this.sql.tenant(tenantId, () =>
      this.sql.one<UserRow>(
        `UPDATE users SET first_name = coalesce($3, first_name), last_name = coalesce($4, last_name),
                friends_request = coalesce($5, friends_request), notification_prefs = notification_prefs || coalesce($6::jsonb, '{}'::jsonb),
                updated = now()
          WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
        [tenantId, userId, change.firstName ?? null, change.lastName ?? null, change.friendsRequest ?? null, change.notifications ? JSON.stringify(change.notifications) : null],
      ),
    );
    if (!row) throw new NotFoundError('User');
    return record(row);
  }

  /** Records the new picture's key; returns the previous one so the caller can delete it. */
  async setPictureKey(tenantId: string, userId: string, key: string): Promise<string | null> {
    return this.sql.tenant(tenantId, async () => {
      const before = await this.sql.one<{ picture_key: string | null }>('SELECT picture_key FROM users WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, userId]);
      if (!before) throw new NotFoundError('User');
      await this.sql.rows('UPDATE users SET picture_key = $1, updated = now() WHERE tenant_id = $2 AND id = $3 RETURNING id', [key, tenantId, userId]);
      return before.picture_key;
    });
  }
}
