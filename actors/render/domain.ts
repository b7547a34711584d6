import type { Infrastructure } from '../../infra/infrastructure';
import type { Logger } from '../../infra/logger';
import type { ObjectStore } from '../../infra/storage';
import { JobTable } from './JobTable';
import { objectKeys } from './keys';
import { RenderMetrics } from './metrics';
import { RenderQueue } from './RenderQueue';
import { RenderWorker, type RenderWorkerDeps } from './RenderWorker';
import { ReportRenderer } from './report/ReportRenderer';
import { Reports } from './Reports';
import { Sql } from './sql';
import type { JobKind, ReportRow, VideoRow } from './types';
import { VideoRenderer } from './video/VideoRenderer';
import { Videos } from './Videos';

/**
 * A claim's lease; progress writes renew it every quarter of it (a timer renews it through
 * silent steps too). It is how long a dead worker's job waits before the recovery sweep hands it
 * out again, so it is short: 20 s outlives three missed renewals, and a worker that loses its
 * claim to a longer database outage aborts at its next renewal (writes are fenced).
 */
export const LEASE_SECONDS = 20;
/** Longer than any render, so the queue redelivers only what a dead worker left. */
export const ACK_WAIT_MS = 10 * 60_000;
/** How long a download link works. */
export const LINK_TTL_SECONDS = 15 * 60;

/** The pieces the request side (render actor) and the yearly batch (jobs) share. */
export interface RenderJobs {
  sql: Sql;
  reports: Reports;
  videos: Videos;
  queue: RenderQueue;
}

export function createRenderJobs(infra: Infrastructure): RenderJobs {
  const sql = new Sql(required(infra.database, 'a database'));
  return { sql, reports: new Reports(sql), videos: new Videos(sql), queue: new RenderQueue(infra.queue, sql) };
}

export interface RenderDomain extends RenderJobs {
  objectStore: ObjectStore;
  metrics: RenderMetrics;
  worker: RenderWorker;
  /** Removes a video's MP4 and thumbnail (idempotent). */
  deleteVideoObjects(row: VideoRow): Promise<void>;
}

export function createRenderDomain(infra: Infrastructure, logger: Logger, notify: RenderWorkerDeps['notify']): RenderDomain {
  const jobs = createRenderJobs(infra);
  const objectStore = required(infra.objectStore, 'object storage');
  const { render } = infra.config;
  const metrics = new RenderMetrics({ depth: () => jobs.queue.depth(), unfinished: () => unfinished(jobs.sql) });
  const reportTable = new JobTable<ReportRow>(jobs.sql, 'report', LEASE_SECONDS);
  const videoTable = new JobTable<VideoRow>(jobs.sql, 'video', LEASE_SECONDS);
  const worker = new RenderWorker({
    kinds: {
      report: new ReportRenderer(reportTable, jobs.sql, objectStore),
      video: new VideoRenderer(videoTable, jobs.sql, objectStore, { ffmpeg: infra.config, slideSeconds: render.slideSeconds }),
    },
    objectStore,
    metrics,
    logger,
    maxAttempts: render.maxAttempts,
    notify,
  });
  const deleteVideoObjects = async (row: VideoRow) => {
    const keys = new Set([objectKeys.video(row.tenant_id, row.user_id, row.year, row.id), objectKeys.thumbnail(row.tenant_id, row.user_id, row.year, row.id)]);
    if (row.object_key) keys.add(row.object_key);
    if (row.thumbnail_key) keys.add(row.thumbnail_key);
    await Promise.all([...keys].map((key) => objectStore.delete(key)));
  };
  return { ...jobs, objectStore, metrics, worker, deleteVideoObjects };
}

/** Unfinished jobs of every tenant by status, for the scrape-time gauge (partial indexes keep it cheap). */
async function unfinished(sql: Sql): Promise<Array<{ kind: JobKind; status: string; count: number }>> {
  return sql.system(() =>
    sql.rows<{ kind: JobKind; status: string; count: number }>(
      `SELECT 'report' AS kind, status, count(*)::int AS count FROM reports WHERE status IN ('PENDING', 'PROCESSING') GROUP BY status
       UNION ALL
       SELECT 'video', status, count(*)::int FROM content_requests WHERE status IN ('PENDING', 'PROCESSING') GROUP BY status`,
    ),
  );
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the render actor needs ${what}`);
  return value;
}
