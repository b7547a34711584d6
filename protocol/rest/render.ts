import { z } from 'zod';
import { idParams, pagination, success, uuid } from './common';
import { date, EXPORT_FORMATS, EXPORT_TYPES, tagList } from './reports';
import { defineRoutes } from './route';

export const REPORT_FORMATS = ['pdf', 'csv', 'html'] as const;
export const JOB_STATUSES = ['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
/** The first year a report or video may cover; the last is the current (UTC) one. */
export const FIRST_YEAR = 2000;

export const reportFormat = z.enum(REPORT_FORMATS);
export const year = z
  .number()
  .int('must be a whole year')
  .min(FIRST_YEAR, `must be ${FIRST_YEAR} or later`)
  .refine((y) => y <= new Date().getUTCFullYear(), 'must not be in the future');
const jobStatus = z.enum(JOB_STATUSES);
const timestamp = z.string();

const report = z.object({
  id: uuid,
  type: z.enum(EXPORT_TYPES),
  year: z.number().nullable(),
  format: z.enum(EXPORT_FORMATS),
  source: z.enum(['USER', 'BATCH']),
  status: jobStatus,
  progress: z.number().int().min(0).max(100),
  error: z.string().nullable(),
  size_bytes: z.number().nullable(),
  created: timestamp,
  completed_at: timestamp.nullable(),
  /** A pre-signed download link, on a single COMPLETED report. */
  url: z.string().optional(),
});

/** How a yearly video orders its POC slides: by creation (the batch's), newest first, by name, by language. */
export const VIDEO_ORDERS = ['oldest', 'newest', 'name', 'language'] as const;

/**
 * A video's choices (seed 003's VideoRequest), each optional: the yearly batch asks with none and
 * gets the defaults (the year, every POC, oldest first, VIDEO_SLIDE_SECONDS a slide, the year as
 * the title).
 */
export const videoOptions = z.object({
  /** Shown big on the first slide instead of the year. */
  title: z.string().trim().min(1, 'must not be empty').max(60, 'must be at most 60 characters').optional(),
  /** The POCs created from `from` to `to` (inclusive, the tenant's calendar) instead of the year's. */
  from: date.optional(),
  to: date.optional(),
  tags: tagList.optional(),
  exclude_tags: tagList.optional(),
  seconds_per_poc: z.number().int().min(1, 'must be at least 1').max(30, 'must be at most 30').optional(),
  order: z.enum(VIDEO_ORDERS).optional(),
});
export type VideoOptions = z.output<typeof videoOptions>;

const video = z.object({
  id: uuid,
  /** The user the video is of (seed 004's GET /videos shape). */
  user_id: uuid,
  year: z.number(),
  status: jobStatus,
  progress: z.number().int().min(0).max(100),
  error: z.string().nullable(),
  size_bytes: z.number().nullable(),
  duration_ms: z.number().nullable(),
  /** The choices it was asked with ({} for the defaults). */
  options: videoOptions,
  created: timestamp,
  completed_at: timestamp.nullable(),
  /** Pre-signed, short-lived (15 minutes) download and thumbnail links, on a COMPLETED video, in lists too. */
  url: z.string().optional(),
  thumbnail_url: z.string().optional(),
});

const accepted = z.object({ report_id: uuid, status: jobStatus });
export const jobListQuery = z.object({ status: jobStatus.optional(), ...pagination(20, 100) });
export const annualReportBody = z.object({ tenant_id: uuid.optional(), year: year.optional(), format: reportFormat.default('pdf') });
export const billingReportBody = z.object({ tenant_id: uuid.optional(), format: reportFormat.default('pdf') });

/** The fields of a video request; `videoBody` adds the checks across them. */
export const videoFields = videoOptions.extend({ year: year.optional() });

/**
 * A range names its video's year: `year` defaults to `from`'s, and a range is one year long at
 * most, within the year it names or running on from it.
 */
export function checkVideoRequest(q: { year?: number; from?: string; to?: string }, ctx: z.RefinementCtx): void {
  if (q.to && !q.from) ctx.addIssue({ code: 'custom', path: ['from'], message: 'is required with to' });
  if (!q.from) return;
  if (q.year !== undefined && Number(q.from.slice(0, 4)) !== q.year) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be in the year asked for' });
  if (q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  if (q.to && (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 > 365) ctx.addIssue({ code: 'custom', path: ['to'], message: 'the range must be at most a year' });
}

export const videoBody = videoFields.superRefine(checkVideoRequest);

export const RENDER_ROUTES = defineRoutes([
  {
    method: 'POST',
    path: '/v1/report/anual',
    auth: 'user',
    action: 'render.requestAnnual',
    tag: 'reports',
    status: 202,
    summary: "Queue the tenant's annual report (admins only): POCs per month and language, top tags and frameworks, most active users, dojos, videos",
    body: annualReportBody,
    response: accepted,
  },
  {
    method: 'POST',
    path: '/v1/report/billing',
    auth: 'user',
    action: 'render.requestBilling',
    tag: 'reports',
    status: 202,
    summary: "Queue the tenant's billing report (admins only): plan, payments, expiration",
    body: billingReportBody,
    response: accepted,
  },
  {
    method: 'GET',
    path: '/v1/reports',
    auth: 'user',
    action: 'render.listReports',
    tag: 'reports',
    summary: "The caller's reports, newest first (admins also see the yearly batch's annual reports)",
    query: jobListQuery,
    response: z.object({ items: z.array(report), total: z.number(), limit: z.number(), offset: z.number() }),
  },
  {
    method: 'GET',
    path: '/v1/reports/{id}',
    auth: 'user',
    action: 'render.getReport',
    tag: 'reports',
    summary: 'A report: status, progress 0-100, the error when it failed, a download link once completed',
    params: idParams,
    response: report,
  },
  {
    method: 'GET',
    path: '/v1/reports/{id}/download',
    auth: 'user',
    action: 'render.downloadReport',
    tag: 'reports',
    redirect: true,
    summary: 'Redirects to a pre-signed link of the report file; 409 until it is completed',
    params: idParams,
  },
  {
    method: 'POST',
    path: '/v1/reports/{id}/cancel',
    auth: 'user',
    action: 'render.cancelReport',
    tag: 'reports',
    summary: 'Cancel a report that has not started rendering; 409 once it has',
    params: idParams,
    response: z.object({ id: uuid, status: z.literal('CANCELLED') }),
  },
  {
    method: 'POST',
    path: '/v1/videos/generate',
    auth: 'user',
    action: 'render.generateVideo',
    tag: 'videos',
    status: 202,
    summary: "Queue the caller's video of the POCs of a year (default: the current one); asking again returns the same video",
    body: videoBody,
    response: z.object({ id: uuid, status: jobStatus }),
  },
  {
    method: 'GET',
    path: '/v1/videos',
    auth: 'user',
    action: 'render.listVideos',
    tag: 'videos',
    summary: "The caller's videos, newest first",
    query: jobListQuery,
    response: z.object({ items: z.array(video), total: z.number(), limit: z.number(), offset: z.number() }),
  },
  {
    method: 'GET',
    path: '/v1/videos/{id}',
    auth: 'user',
    action: 'render.getVideo',
    tag: 'videos',
    summary: 'A video: status, progress, error, and download and thumbnail links once completed',
    params: idParams,
    response: video,
  },
  {
    method: 'GET',
    path: '/v1/videos/{id}/download',
    auth: 'user',
    action: 'render.downloadVideo',
    tag: 'videos',
    redirect: true,
    summary: 'Redirects to a pre-signed link of the MP4; 409 until it is completed',
    params: idParams,
  },
  {
    method: 'GET',
    path: '/v1/videos/{id}/thumbnail',
    auth: 'user',
    action: 'render.videoThumbnail',
    tag: 'videos',
    redirect: true,
    summary: 'Redirects to a pre-signed link of the JPEG thumbnail; 409 until it is completed',
    params: idParams,
  },
  {
    method: 'POST',
    path: '/v1/videos/{id}/cancel',
    auth: 'user',
    action: 'render.cancelVideo',
    tag: 'videos',
    summary: 'Cancel a video that has not started rendering; 409 once it has',
    params: idParams,
    response: z.object({ id: uuid, status: z.literal('CANCELLED') }),
  },
  {
    method: 'DELETE',
    path: '/v1/videos/{id}',
    auth: 'user',
    action: 'render.deleteVideo',
    tag: 'videos',
    summary: 'Delete a video and its files (a render still running is stopped)',
    params: idParams,
    response: success,
  },
]);
