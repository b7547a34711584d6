import type { Context, ServiceSchema } from 'moleculer';
import type { Infrastructure } from '../../infra/infrastructure';
import type { Logger } from '../../infra/logger';
import { Sql } from '../../infra/db/sql';
import { requirePlan } from '../plan';
import { caller, type AuthContext, type CallMeta } from '../auth';
import { dashboardActions } from './dashboard/actions';
import { loadPocSummary } from './dashboard/pocSummary';
import type { z } from 'zod';
import type { exportBody } from '../../protocol/rest/reports';
import type { VideoOptions } from '../../protocol/rest/render';
import { ACK_WAIT_MS, createRenderDomain, LINK_TTL_SECONDS, type RenderDomain } from './domain';
import { FieldValidationError, ForbiddenError, NotFoundError, NotReadyError } from './errors';
import { PARAMS } from './params';
import { reportFileName } from './report/ReportRenderer';
import type { Viewer } from './Reports';
import type { JobStatus, ReportFormat, ReportRow, ReportType, VideoRow } from './types';
import { reportView, videoView } from './views';
import { unqueuedYearlyJobs } from './YearlyJobs';

type Ctx<P = Record<string, never>> = Context<P, CallMeta>;
type Page = { status?: JobStatus; limit?: number; offset?: number };
type ExportRequest = z.output<typeof exportBody>;

/** The export types with a member's own slice (their usage, their kata rooms, a POC they see). */
const MEMBER_EXPORTS: ReadonlySet<ReportType> = new Set(['USAGE', 'KATA_ANALYTICS', 'POC_SUMMARY']);

function viewer(auth: AuthContext): Viewer {
  return { tenantId: auth.tenantId, userId: auth.userId, admin: auth.role === 'admin' };
}

/** A year a report or video may cover: not in the future (the lower bound is in params). */
function checkYear(year: number | undefined): number {
  const current = new Date().getUTCFullYear();
  if (year === undefined) return current;
  if (year > current) throw new FieldValidationError([{ field: 'year', message: 'must not be in the future' }]);
  return year;
}

/**
 * The render actor: report and video requests, their status and their files. Rendering itself
 * never runs on a request: requests become rows plus durable queue messages of the job kit
 * (infra/jobs), consumed on every render node, RENDER_CONCURRENCY at a time per node; the kit's
 * recovery sweep runs on one render node at a time.
 */
export function createRenderService(infra: Infrastructure): ServiceSchema {
  let d: RenderDomain;
  const dashboards = infra.database ? dashboardActions(new Sql(infra.database), infra.kv) : undefined;

  async function enqueueReport(this: { logger: Logger }, row: ReportRow) {
    await d.kit.enqueue([{ kind: 'report', id: row.id, tenantId: row.tenant_id }], this.logger);
  }

  /** New renders wait for a payment once the tenant's plan expired (reads and downloads still work). */
  const requirePaidPlan = (ctx: Ctx<unknown>, what: string) => requirePlan(ctx, caller(ctx).tenantId, what);

  async function requestReport(ctx: Ctx<{ tenant_id?: string; format?: ReportFormat }>, type: ReportType, year: number | null) {
    const auth = caller(ctx);
    if (ctx.params.tenant_id && ctx.params.tenant_id !== auth.tenantId) throw new NotFoundError('Tenant');
    if (auth.role !== 'admin') throw new ForbiddenError("Only an admin of the tenant may request the tenant's reports");
    const row = await d.reports.create({ tenantId: auth.tenantId, userId: auth.userId, type, year, format: ctx.params.format ?? 'pdf' });
    return row;
  }

  async function link(key: string | null, name: string): Promise<string> {
    if (!key) throw new Error('completed job has no object key');
    return d.objectStore.presignGet(key, LINK_TTL_SECONDS, name);
  }

  const videoName = (row: VideoRow) => `pocs-${row.year}.mp4`;
  const videoLinks = async (row: VideoRow) =>
    row.status === 'COMPLETED' ? { url: await link(row.object_key, videoName(row)), thumbnail_url: await link(row.thumbnail_key, `pocs-${row.year}.jpg`) } : undefined;

  return {
    name: 'render',
    events: { ...dashboards?.events },
    actions: {
      ...dashboards?.actions,
      requestAnnual: {
        params: PARAMS.requestAnnual,
        async handler(ctx: Ctx<{ tenant_id?: string; year?: number; format?: ReportFormat }>) {
          await requirePaidPlan(ctx, 'annual reports');
          const row = await requestReport(ctx, 'ANNUAL', checkYear(ctx.params.year));
          await enqueueReport.call(this, row);
          return { report_id: row.id, status: row.status };
        },
      },
      requestBilling: {
        params: PARAMS.requestBilling,
        async handler(ctx: Ctx<{ tenant_id?: string; format?: ReportFormat }>) {
          const row = await requestReport(ctx, 'BILLING', null);
          await enqueueReport.call(this, row);
          return { report_id: row.id, status: row.status };
        },
      },
      requestExport: {
        params: PARAMS.requestExport,
        async handler(ctx: Ctx<ExportRequest>) {
          const { type, format, ...options } = ctx.params;
          const v = viewer(caller(ctx));
          // A member's own slice exists for usage, katas and their visible POCs; the rest is the tenant's.
          if (!v.admin && !MEMBER_EXPORTS.has(type)) throw new ForbiddenError(`Only an admin of the tenant may export ${type}`);
          // Refused now, not in the job: a POC the caller cannot see is a 404 like its dashboard.
          if (type === 'POC_SUMMARY') await loadPocSummary(d.sql, v, options.poc_id ?? '');
          const year = type === 'ANNUAL' ? checkYear(options.from ? Number(options.from.slice(0, 4)) : undefined) : null;
          const row = await d.reports.create({ tenantId: v.tenantId, userId: v.userId, type, year, format, options });
          await enqueueReport.call(this, row);
          return { report_id: row.id, status: row.status };
        },
      },
      listReports: {
        params: PARAMS.listReports,
        async handler(ctx: Ctx<Page>) {
          const { limit = 20, offset = 0, status } = ctx.params;
          const { rows, total } = await d.reports.list(viewer(caller(ctx)), { status, limit, offset });
          return { items: rows.map((row) => reportView(row)), total, limit, offset };
        },
      },
      getReport: {
        params: PARAMS.byId,
        async handler(ctx: Ctx<{ id: string }>) {
          const row = await d.reports.get(viewer(caller(ctx)), ctx.params.id);
          return reportView(row, row.status === 'COMPLETED' ? await link(row.object_key, reportFileName(row)) : undefined);
        },
      },
      downloadReport: {
        params: PARAMS.byId,
        async handler(ctx: Ctx<{ id: string }>) {
          const row = await d.reports.get(viewer(caller(ctx)), ctx.params.id);
          if (row.status !== 'COMPLETED') throw new NotReadyError('Report', row.status);
          return { url: await link(row.object_key, reportFileName(row)) };
        },
      },
      cancelReport: {
        params: PARAMS.byId,
        async handler(ctx: Ctx<{ id: string }>) {
          await d.reports.cancel(viewer(caller(ctx)), ctx.params.id);
          return { id: ctx.params.id, status: 'CANCELLED' };
        },
      },
      generateVideo: {
        params: PARAMS.generateVideo,
        async handler(ctx: Ctx<VideoOptions & { year?: number }>) {
          const auth = caller(ctx);
          await requirePaidPlan(ctx, 'videos');
          const { year, ...options } = ctx.params;
          // A range names its year (the protocol checked that a given year agrees).
          const { row, queue } = await d.videos.request(auth, checkYear(year ?? (options.from ? Number(options.from.slice(0, 4)) : undefined)), options);
          if (queue) {
            await d.kit.enqueue([{ kind: 'video', id: row.id, tenantId: row.tenant_id }], this.logger, queue === 'again' ? `again-${Date.now()}` : undefined);
          }
          return { id: row.id, status: row.status };
        },
      },
      listVideos: {
        params: PARAMS.listVideos,
        async handler(ctx: Ctx<Page>) {
          const { limit = 20, offset = 0, status } = ctx.params;
          const { rows, total } = await d.videos.list(caller(ctx), { status, limit, offset });
          // Each completed item carries its links, so a list screen plays or downloads without a second call.
          return { items: await Promise.all(rows.map(async (row) => videoView(row, await videoLinks(row)))), total, limit, offset };
        },
      },
      getVideo: {
        params: PARAMS.byId,
        async handler(ctx: Ctx<{ id: string }>) {
          const row = await d.videos.get(caller(ctx), ctx.params.id);
          return videoView(row, await videoLinks(row));
        },
      },
      downloadVideo: {
        params: PARAMS.byId,
        async handler(ctx: Ctx<{ id: string }>) {
          const row = await d.videos.get(caller(ctx), ctx.params.id);
          if (row.status !== 'COMPLETED') throw new NotReadyError('Video', row.status);
          return { url: await link(row.object_key, videoName(row)) };
        },
      },
      videoThumbnail: {
        params: PARAMS.byId,
        async handler(ctx: Ctx<{ id: string }>) {
          const row = await d.videos.get(caller(ctx), ctx.params.id);
          if (row.status !== 'COMPLETED') throw new NotReadyError('Video', row.status);
          return { url: await link(row.thumbnail_key, `pocs-${row.year}.jpg`) };
        },
      },
      cancelVideo: {
        params: PARAMS.byId,
        async handler(ctx: Ctx<{ id: string }>) {
          await d.videos.cancel(caller(ctx), ctx.params.id);
          return { id: ctx.params.id, status: 'CANCELLED' };
        },
      },
      deleteVideo: {
        params: PARAMS.byId,
        async handler(ctx: Ctx<{ id: string }>) {
          const row = await d.videos.delete(caller(ctx), ctx.params.id);
          // The keys follow from the row, so even a render that was uploading is covered.
          await d.deleteVideoObjects(row);
          // Its bytes no longer count in the overview's storage.
          await dashboards?.cache.bump(row.tenant_id);
          return { success: true };
        },
      },
      /**
       * For the jobs actor's yearly batch: queues up to `limit` of a tenant's recorded batch jobs
       * of `year`; fewer than `limit` queued means none is left.
       */
      queueYearlyJobs: {
        // Callable from other nodes (the CLI joins the cluster on NATS), never routed by a gateway.
        visibility: 'public',
        params: PARAMS.queueYearlyJobs,
        async handler(ctx: Context<{ tenantId: string; year: number; limit: number }>) {
          const jobs = await unqueuedYearlyJobs(d.sql, ctx.params.tenantId, ctx.params.year, ctx.params.limit);
          await d.kit.publish(jobs);
          return { queued: jobs.length };
        },
      },
      /**
       * For the operators' CLI (`npm run jobs -- retry`): publishes jobs whose rows it put back to
       * PENDING. A fresh generation, so the queue's de-duplication of the first publish does not
       * swallow it; a pointer to a row that is not PENDING any more is acknowledged unrun.
       */
      publishJobs: {
        visibility: 'public',
        params: PARAMS.publishJobs,
        async handler(ctx: Context<{ jobs: Array<{ kind: 'report' | 'video'; id: string; tenantId: string }> }>) {
          await d.kit.publish(ctx.params.jobs, `retry-${Date.now()}`);
          return { queued: ctx.params.jobs.length };
        },
      },
    },
    created() {
      d = createRenderDomain(infra);
    },
    async started() {
      const { render, nodeId } = infra.config;
      await d.kit.start({
        concurrency: render.concurrency,
        maxAttempts: render.maxAttempts,
        retryBaseMs: render.retryBaseMs,
        ackWaitMs: ACK_WAIT_MS,
        logger: this.logger,
        notify: async (request) => {
          // A finished render counts in the usage dashboard.
          await dashboards?.cache.bump(request.tenantId);
          await this.broker.emit('notification.requested', request);
        },
        sweep: { leases: infra.leases, owner: nodeId },
      });
    },
    async stopped() {
      await d.kit.stop();
    },
  };
}
