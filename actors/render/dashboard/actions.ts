import type { Context, ServiceActionsSchema, ServiceEvents } from 'moleculer';
import { zodParams } from '../../../infra/broker/zodValidator';
import type { Sql } from '../../../infra/db/sql';
import type { KeyValueStore } from '../../../infra/kv';
import { kataQuery, overviewQuery, usageQuery, type GROUP_BY } from '../../../protocol/rest/reports';
import { uuid } from '../../../protocol/rest/common';
import { z } from 'zod';
import { caller, type CallMeta } from '../../auth';
import { DATA_CHANGED } from '../../dataChanged';
import { ForbiddenError, NotFoundError } from '../errors';
import { tenantLocale } from '../locale/settings';
import { DashboardCache } from './cache';
import { loadKataAnalytics } from './kataAnalytics';
import { loadPocSummary } from './pocSummary';
import { dateRange } from './range';
import { sliceOf, type DashboardViewer } from './scope';
import { loadTenantOverview } from './tenantOverview';
import { loadUsage } from './usage';

type Ctx<P> = Context<P, CallMeta>;

/** How long a cached answer may outlive a write nobody announced (see DashboardCache). */
export const DASHBOARD_TTL_MS = 60_000;

/**
 * Events after which a tenant's figures change: the poc actor's own, and `reports.data.changed`
 * that every other writer emits (actors/dataChanged.ts). A write nobody announces (a sign-up's
 * confirmation, a kata ended by its timer) is bounded by the TTL.
 */
export const CHANGE_EVENTS = ['poc.created', 'poc.updated', 'poc.deleted', DATA_CHANGED] as const;

function viewerOf(ctx: Ctx<object>): DashboardViewer {
  const auth = caller(ctx);
  // A tenant named in the request must be the caller's: another tenant's does not exist for them.
  const named = (ctx.params as { tenant_id?: string }).tenant_id;
  if (named && named !== auth.tenantId) throw new NotFoundError('Tenant');
  return { tenantId: auth.tenantId, userId: auth.userId, admin: auth.role === 'admin' };
}

/**
 * The dashboard endpoints (issue 19), part of the render actor: it already owns the tenant's
 * reports, and an export of the same figures is one of its report jobs. Each dashboard is one
 * query file (usage, kataAnalytics, pocSummary, tenantOverview) behind the per-tenant cache.
 */
export function dashboardActions(sql: Sql, kv: KeyValueStore): { actions: ServiceActionsSchema; events: ServiceEvents; cache: DashboardCache } {
  const cache = new DashboardCache(kv, DASHBOARD_TTL_MS);
  // The tenant's time zone, cached with its figures: a cached answer then costs no query (a
  // settings change announces itself like any write the dashboards read).
  const localeOf = (tenantId: string) => cache.get(tenantId, 'locale', () => tenantLocale(sql, tenantId));
  const actions: ServiceActionsSchema = {
    usage: {
      params: zodParams(usageQuery),
      async handler(ctx: Ctx<{ tenant_id?: string; from?: string; to?: string; group_by: (typeof GROUP_BY)[number] }>) {
        const viewer = viewerOf(ctx);
        const { timeZone } = await localeOf(viewer.tenantId);
        const { from, to } = dateRange(ctx.params, timeZone);
        const groupBy = ctx.params.group_by;
        const userId = sliceOf(viewer);
        const usage = await cache.get(viewer.tenantId, `usage:${userId ?? '*'}:${timeZone}:${from}:${to}:${groupBy}`, () =>
          loadUsage(sql, { tenantId: viewer.tenantId, from, to, timeZone, groupBy, userId }),
        );
        return { scope: userId ? 'user' : 'tenant', from, to, group_by: groupBy, time_zone: timeZone, ...usage };
      },
    },
    kataAnalytics: {
      params: zodParams(kataQuery),
      async handler(ctx: Ctx<{ tenant_id?: string; from?: string; to?: string }>) {
        const viewer = viewerOf(ctx);
        const { timeZone } = await localeOf(viewer.tenantId);
        const { from, to } = dateRange(ctx.params, timeZone);
        const userId = sliceOf(viewer);
        const katas = await cache.get(viewer.tenantId, `katas:${userId ?? '*'}:${timeZone}:${from}:${to}`, () => loadKataAnalytics(sql, { tenantId: viewer.tenantId, from, to, timeZone, userId }));
        return { scope: userId ? 'user' : 'tenant', from, to, time_zone: timeZone, ...katas };
      },
    },
    pocSummary: {
      params: zodParams(z.object({ pocId: uuid })),
      async handler(ctx: Ctx<{ pocId: string }>) {
        const viewer = viewerOf(ctx);
        // The key names the caller: visibility and "favourited by me" are theirs.
        return cache.get(viewer.tenantId, `poc:${ctx.params.pocId}:${viewer.userId}:${viewer.admin}`, () => loadPocSummary(sql, viewer, ctx.params.pocId));
      },
    },
    tenantOverview: {
      params: zodParams(overviewQuery),
      async handler(ctx: Ctx<{ tenant_id?: string }>) {
        const viewer = viewerOf(ctx);
        if (!viewer.admin) throw new ForbiddenError("Only an admin of the tenant may read the tenant's overview");
        const { timeZone } = await localeOf(viewer.tenantId);
        const overview = await cache.get(viewer.tenantId, 'overview', () => loadTenantOverview(sql, viewer.tenantId));
        return { time_zone: timeZone, ...overview };
      },
    },
  };
  const bump = (ctx: Context<{ tenantId?: string }>) => (ctx.params.tenantId ? cache.bump(ctx.params.tenantId) : undefined);
  const events: ServiceEvents = Object.fromEntries(CHANGE_EVENTS.map((name) => [name, { handler: bump }]));
  return { actions, events, cache };
}
