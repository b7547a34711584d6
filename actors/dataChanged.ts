import type { Context, ServiceBroker, ServiceHooks } from 'moleculer';
import type { CallMeta } from './auth';

/**
 * The broker event a writer emits after a write that changes a dashboard figure (users, logins,
 * dojos and who joined them, katas and their rooms, code runs, recordings, videos): the render
 * actor bumps the tenant's dashboard version on it, so the next dashboard read recomputes
 * instead of serving a cached answer until its TTL. The poc actor's own events count the same.
 */
export const DATA_CHANGED = 'reports.data.changed';

export interface DataChanged {
  tenantId: string;
}

/** Announces a tenant's change; never throws (a lost announcement leaves the TTL to bound staleness). */
export function announceDataChanged(emitter: Pick<ServiceBroker, 'emit'> | Pick<Context, 'emit'>, tenantId: string): void {
  const payload: DataChanged = { tenantId };
  void Promise.resolve()
    .then(() => emitter.emit(DATA_CHANGED, payload))
    .catch(() => undefined);
}

/**
 * Service hooks announcing a change after each named action succeeds, for the caller's tenant.
 * `actions` maps an action name (or `a|b` names) to true, or to a test of the call for actions
 * that write only sometimes (a room's signals: a join writes, a chat message counts nowhere).
 */
export function announcesDataChanges(actions: Record<string, true | ((ctx: Context<unknown, CallMeta>) => boolean)>): ServiceHooks {
  const after: Record<string, (ctx: Context<unknown, CallMeta>, res: unknown) => unknown> = {};
  for (const [names, when] of Object.entries(actions)) {
    after[names] = (ctx, res) => {
      const tenantId = ctx.meta.auth?.tenantId;
      if (tenantId && (when === true || when(ctx))) announceDataChanged(ctx, tenantId);
      return res;
    };
  }
  return { after } as ServiceHooks;
}
