import { randomUUID } from 'node:crypto';
import { iso, type Sql } from '../../infra/db/sql';

export type AuditAction =
  | 'user.role'
  | 'user.deactivated'
  | 'user.reactivated'
  | 'user.deleted'
  | 'invitation.created'
  | 'invitation.revoked'
  | 'invitation.accepted'
  | 'tenant.updated'
  | 'tenant.suspended'
  | 'tenant.reactivated';

export interface AuditEntry {
  tenantId: string;
  /** Who did it; null for platform operators (the jobs CLI). */
  actorId: string | null;
  action: AuditAction;
  targetId?: string | null;
  detail?: Record<string, unknown>;
}

/** The tenant's audit trail: one row per administrative change, written in the change's transaction. */
export class Audit {
  constructor(readonly sql: Sql) {}

  /** Joins the caller's transaction (withTenant/asSystem), so a change and its row commit together. */
  async record(entry: AuditEntry): Promise<void> {
    await this.sql.rows('INSERT INTO audit_log (id, tenant_id, actor_id, action, target_id, detail) VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING id', [
      randomUUID(),
      entry.tenantId,
      entry.actorId,
      entry.action,
      entry.targetId ?? null,
      JSON.stringify(entry.detail ?? {}),
    ]);
  }

  async list(tenantId: string, page: { targetId?: string; limit: number; offset: number }) {
    return this.sql.tenant(tenantId, async () => {
      const rows = await this.sql.rows<{ id: string; actor_id: string | null; action: string; target_id: string | null; detail: Record<string, unknown>; created: Date }>(
        `SELECT id, actor_id, action, target_id, detail, created FROM audit_log
          WHERE tenant_id = $1 AND ($2::uuid IS NULL OR target_id = $2) ORDER BY created DESC, id DESC LIMIT $3 OFFSET $4`,
        [tenantId, page.targetId ?? null, page.limit, page.offset],
      );
      const total = await this.sql.one<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1 AND ($2::uuid IS NULL OR target_id = $2)', [tenantId, page.targetId ?? null]);
      return { entries: rows.map((r) => ({ ...r, created: iso(r.created) as string })), total: total?.n ?? 0 };
    });
  }
}
