import type { Context, ServiceActionsSchema } from 'moleculer';
import { caller, type CallMeta } from '../auth';
import { requireAdmin } from './access';
import type { TenantDomain } from './domain';
import { PARAMS } from './params';
import type { TenantUpdate } from './TenantSettings';
import type { Role } from './Users';

type Ctx<P = Record<string, never>> = Context<P, CallMeta>;

/**
 * The tenant run by its admins: its settings, invitations, user activation and the audit trail,
 * plus suspension by platform operators (an action no REST route names: the jobs CLI calls it).
 */
export function adminActions(d: () => TenantDomain, profileCache: (tenantId: string) => string): ServiceActionsSchema {
  return {
    getTenant: {
      params: PARAMS.getTenant,
      handler(ctx: Ctx) {
        const auth = caller(ctx);
        requireAdmin(auth);
        return d().settings.get(auth.tenantId);
      },
    },
    updateTenant: {
      params: PARAMS.updateTenant,
      async handler(ctx: Ctx<TenantUpdate>) {
        const auth = caller(ctx);
        requireAdmin(auth);
        const { tenant, changed } = await d().settings.update(auth.tenantId, ctx.params);
        if (Object.keys(changed).length > 0) await d().sql.tenant(auth.tenantId, () => d().audit.record({ tenantId: auth.tenantId, actorId: auth.userId, action: 'tenant.updated', detail: changed }));
        return tenant;
      },
    },
    setTenantStatus: {
      params: PARAMS.setTenantStatus,
      async handler(ctx: Ctx<{ slug: string; status: 'A' | 'S' }>) {
        const { tenantId, changed } = await d().settings.setStatus(ctx.params.slug, ctx.params.status);
        if (changed) {
          await d().sql.tenant(tenantId, () => d().audit.record({ tenantId, actorId: null, action: ctx.params.status === 'S' ? 'tenant.suspended' : 'tenant.reactivated' }));
        }
        // A suspended tenant's people are logged out everywhere, their sockets closed at once.
        const ended = ctx.params.status === 'S' ? await d().sessions.revokeTenant(tenantId) : 0;
        return { tenant_id: tenantId, status: ctx.params.status === 'A' ? 'ACTIVE' : 'SUSPENDED', changed, sessions_ended: ended };
      },
    },
    invite: {
      params: PARAMS.invite,
      handler(ctx: Ctx<{ email: string; role: Role }>) {
        const auth = caller(ctx);
        requireAdmin(auth);
        return d().invitations.create(auth.tenantId, auth.userId, ctx.params);
      },
    },
    listInvitations: {
      params: PARAMS.listInvitations,
      handler(ctx: Ctx<{ status?: 'PENDING' | 'ACCEPTED' | 'REVOKED' | 'EXPIRED'; limit: number; offset: number }>) {
        const auth = caller(ctx);
        requireAdmin(auth);
        return d().invitations.list(auth.tenantId, ctx.params);
      },
    },
    revokeInvitation: {
      params: PARAMS.revokeInvitation,
      async handler(ctx: Ctx<{ id: string }>) {
        const auth = caller(ctx);
        requireAdmin(auth);
        await d().invitations.revoke(auth.tenantId, auth.userId, ctx.params.id);
        return { success: true };
      },
    },
    acceptInvitation: {
      params: PARAMS.acceptInvitation,
      async handler(ctx: Ctx<{ token: string; firstName: string; lastName: string; username: string; password: string }>) {
        const { token, ...user } = ctx.params;
        const { userId } = await d().accounts.acceptInvitation(token, user);
        return { id: userId, account_status: 'A' };
      },
    },
    setUserStatus: {
      params: PARAMS.setUserStatus,
      async handler(ctx: Ctx<{ id: string; account_status: 'A' | 'D' }>) {
        const auth = caller(ctx);
        requireAdmin(auth);
        const changed = await d().users.setAccountStatus(auth.tenantId, ctx.params.id, ctx.params.account_status, auth.userId);
        // Ending the sessions broadcasts their revocation: every gateway closes their sockets now.
        if (changed && ctx.params.account_status === 'D') await d().sessions.revokeAll(auth.tenantId, ctx.params.id);
        await this.broker.cacher?.clean(profileCache(auth.tenantId));
        return { id: ctx.params.id, account_status: ctx.params.account_status };
      },
    },
    audit: {
      params: PARAMS.audit,
      handler(ctx: Ctx<{ target_id?: string; limit: number; offset: number }>) {
        const auth = caller(ctx);
        requireAdmin(auth);
        return d().audit.list(auth.tenantId, { targetId: ctx.params.target_id, limit: ctx.params.limit, offset: ctx.params.offset });
      },
    },
  };
}
