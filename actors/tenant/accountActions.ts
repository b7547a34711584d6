import type { Context, ServiceActionsSchema } from 'moleculer';
import { caller, type CallMeta } from '../auth';
import type { TenantDomain } from './domain';
import { PARAMS } from './params';

type Ctx<P> = Context<P, CallMeta>;

/** An account's own lifecycle: password change and reset, email change, deletion. */
export function accountActions(d: () => TenantDomain, profileCache: (tenantId: string) => string): ServiceActionsSchema {
  return {
    changePassword: {
      params: PARAMS.changePassword,
      async handler(ctx: Ctx<{ current_password: string; new_password: string }>) {
        await d().credentials.change(caller(ctx), ctx.params.current_password, ctx.params.new_password);
        return { success: true };
      },
    },
    requestPasswordReset: {
      params: PARAMS.requestPasswordReset,
      async handler(ctx: Ctx<{ tenant: string; email: string }>) {
        await d().credentials.requestReset(ctx.params.tenant, ctx.params.email);
        return { success: true };
      },
    },
    resetPassword: {
      params: PARAMS.resetPassword,
      async handler(ctx: Ctx<{ token: string; password: string }>) {
        await d().credentials.reset(ctx.params.token, ctx.params.password);
        return { success: true };
      },
    },
    requestEmailChange: {
      params: PARAMS.requestEmailChange,
      async handler(ctx: Ctx<{ email: string; password: string }>) {
        await d().credentials.requestEmailChange(caller(ctx), ctx.params.email, ctx.params.password);
        return { success: true };
      },
    },
    confirmEmailChange: {
      params: PARAMS.confirmEmailChange,
      async handler(ctx: Ctx<{ token: string }>) {
        const { tenantId, userId, email } = await d().credentials.confirmEmailChange(ctx.params.token);
        await this.broker.cacher?.clean(profileCache(tenantId));
        return { id: userId, email };
      },
    },
    requestAccountDeletion: {
      params: PARAMS.requestAccountDeletion,
      handler(ctx: Ctx<{ password: string }>) {
        return d().deletion.request(caller(ctx), ctx.params.password);
      },
    },
    requestExport: {
      params: PARAMS.requestExport,
      async handler(ctx: Ctx<Record<string, never>>) {
        const auth = caller(ctx);
        const row = await d().exports.request(auth.tenantId, auth.userId);
        await d().exports.kit.enqueue([{ kind: 'export', id: row.id, tenantId: auth.tenantId }], this.logger);
        return row;
      },
    },
    getExport: {
      params: PARAMS.getExport,
      handler(ctx: Ctx<{ id: string }>) {
        const auth = caller(ctx);
        return d().exports.get(auth.tenantId, auth.userId, ctx.params.id);
      },
    },
    deleteAccount: {
      params: PARAMS.deleteAccount,
      async handler(ctx: Ctx<{ confirmation_token: string; pocs: 'keep' | 'delete' }>) {
        const auth = caller(ctx);
        const { pocIds } = await d().deletion.confirm(auth, ctx.params.confirmation_token);
        // The poc actor deletes its own rows (search terms, labels, facets), as the owner would.
        if (ctx.params.pocs === 'delete') {
          for (const id of pocIds) await ctx.call('poc.remove', { id }, { meta: { auth } });
        }
        await this.broker.cacher?.clean(profileCache(auth.tenantId));
        return { success: true, pocs_deleted: ctx.params.pocs === 'delete' ? pocIds.length : 0 };
      },
    },
  };
}
