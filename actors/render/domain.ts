import type { Infrastructure } from '../../infra/infrastructure';
import { defineJobKind, JobKit } from '../../infra/jobs';
import type { ObjectStore } from '../../infra/storage';
import { objectKeys } from './keys';
import { ReportRenderer } from './report/ReportRenderer';
import { Reports } from './Reports';
import { Sql } from '../../infra/db/sql';
import type { ReportRow, VideoRow } from './types';
import { VideoRenderer } from './video/VideoRenderer';
import { Videos } from './Videos';

/** Longer than any render, so the queue redelivers only what a dead worker left. */
export const ACK_WAIT_MS = 10 * 60_000;
/** How long a download link works. */
export const LINK_TTL_SECONDS = 15 * 60;

/** The request side: rows, and the job kit that publishes them. */
export interface RenderJobs {
  sql: Sql;
  reports: Reports;
  videos: Videos;
  kit: JobKit;
}

/**
 * Render's two job kinds on the job kit (infra/jobs). The renderers are built on a job's first
 * run, so the request side (and a test or benchmark publishing jobs) needs no object store.
 */
export function createRenderJobs(infra: Infrastructure): RenderJobs {
  const sql = new Sql(required(infra.database, 'a database'));
  let renderers: { report: ReportRenderer; video: VideoRenderer } | undefined;
  const use = () => {
    const objectStore = required(infra.objectStore, 'object storage');
    renderers ??= {
      report: new ReportRenderer(sql, objectStore),
      video: new VideoRenderer(sql, objectStore, { ffmpeg: infra.config, slideSeconds: infra.config.render.slideSeconds }),
    };
    return renderers;
  };
  const report = defineJobKind<ReportRow>({
    name: 'report',
    table: 'reports',
    run: (row, progress) => use().report.render(row, progress),
    notice: (row, outcome) => use().report.notice(row, outcome),
  });
  const video = defineJobKind<VideoRow>({
    name: 'video',
    table: 'content_requests',
    // A deleted video is never rendered again, whatever its status says.
    live: 'deleted_at IS NULL',
    run: (row, progress) => use().video.render(row, progress),
    notice: (row, outcome) => use().video.notice(row, outcome),
  });
  const kit = new JobKit({ name: 'render', sql, queue: infra.queue, kinds: [report, video], failurePrefix: 'Rendering failed' });
  return { sql, reports: new Reports(sql), videos: new Videos(sql), kit };
}

export interface RenderDomain extends RenderJobs {
  objectStore: ObjectStore;
  /** Removes a video's MP4 and thumbnail (idempotent). */
  deleteVideoObjects(row: VideoRow): Promise<void>;
}

export function createRenderDomain(infra: Infrastructure): RenderDomain {
  const jobs = createRenderJobs(infra);
  const objectStore = required(infra.objectStore, 'object storage');
  const deleteVideoObjects = async (row: VideoRow) => {
    const keys = new Set([objectKeys.video(row.tenant_id, row.user_id, row.year, row.id), objectKeys.thumbnail(row.tenant_id, row.user_id, row.year, row.id)]);
    if (row.object_key) keys.add(row.object_key);
    if (row.thumbnail_key) keys.add(row.thumbnail_key);
    await Promise.all([...keys].map((key) => objectStore.delete(key)));
  };
  return { ...jobs, objectStore, deleteVideoObjects };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the render actor needs ${what}`);
  return value;
}
