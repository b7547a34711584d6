import { z } from 'zod';
import { uuid } from './common';
import { defineRoutes } from './route';
import { billingState } from './tenant';

/**
 * The dashboard endpoints (issue 19): synchronous JSON figures for an admin's dashboard or the
 * console, served by the render actor's dashboard module. Dates are calendar dates of the
 * tenant's time zone (`time_zone` in every answer says which).
 */

export const GROUP_BY = ['day', 'week', 'month'] as const;
/** The longest range a dashboard reads at once, so one request cannot scan a tenant's history by the day. */
export const MAX_RANGE_DAYS = 3 * 366;

export const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(realDate, 'must be a real date');

/** 2024-02-30 parses (as 1 March): a date is real when it reads back as written. */
function realDate(text: string): boolean {
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
}

/** A range given whole is checked here: `to` not before `from`, at most MAX_RANGE_DAYS long. */
function checkRange(q: { from?: string; to?: string }, ctx: z.RefinementCtx): void {
  if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  if (q.from && q.to && (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 > MAX_RANGE_DAYS) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: `the range must be at most ${MAX_RANGE_DAYS} days` });
  }
}

/** `from`/`to` are inclusive; `to` defaults to today and `from` to 29 days before `to` (in the route's action). */
export const usageQuery = z
  .object({
    tenant_id: uuid.optional(),
    from: date.optional(),
    to: date.optional(),
    group_by: z.enum(GROUP_BY).default('day'),
  })
  .superRefine(checkRange);

/** The kata analytics' range, with the usage dashboard's defaults. */
export const kataQuery = z.object({ tenant_id: uuid.optional(), from: date.optional(), to: date.optional() }).superRefine(checkRange);

const usageFigures = z.object({
  active_users: z.number().int(),
  logins: z.number().int(),
  pocs_created: z.number().int(),
  dojos_held: z.number().int(),
  dojo_minutes: z.number().int(),
  /** Katas started in the period (a user's slice: those they facilitated or had a room in). */
  katas_run: z.number().int(),
  renders: z.number().int(),
});

export const usageResponse = z.object({
  /** `tenant` for an admin; `user` for anyone else: their own activity only. */
  scope: z.enum(['tenant', 'user']),
  from: z.string(),
  to: z.string(),
  group_by: z.enum(GROUP_BY),
  time_zone: z.string(),
  totals: usageFigures,
  /** One per period from `from` to `to`, empty periods included; `start` is the period's first day. */
  buckets: z.array(usageFigures.extend({ start: z.string() })),
});

const count = z.object({ name: z.string(), count: z.number().int() });

export const pocSummaryResponse = z.object({
  id: uuid,
  name: z.string(),
  language: z.string(),
  is_public: z.boolean(),
  created: z.string(),
  owner: z.object({ id: uuid, username: z.string(), name: z.string() }),
  tags: z.array(z.string()),
  frameworks: z.array(z.string()),
  favourites: z.number().int(),
  favourited_by_me: z.boolean(),
  /** null: dojos do not record which POCs they worked on (yet), so appearances are unknown. */
  dojo_appearances: z.number().int().nullable(),
});

const kataFigures = z.object({
  katas: z.number().int(),
  rooms: z.number().int(),
  completed_rooms: z.number().int(),
  /** 0..1; null without rooms. */
  completion_rate: z.number().nullable(),
  /** Median seconds from a kata's start to a room's completion; null when no room completed. */
  median_seconds_to_complete: z.number().nullable(),
  test_runs: z.number().int(),
  /** Over the tests of each room's last run. */
  tests_passed: z.number().int(),
  tests_total: z.number().int(),
  /** 0..1; null when no test ran. */
  test_pass_rate: z.number().nullable(),
});

export const kataAnalyticsResponse = z.object({
  /** `tenant` for an admin; `user` for anyone else: the kata rooms they were assigned to. */
  scope: z.enum(['tenant', 'user']),
  from: z.string(),
  to: z.string(),
  time_zone: z.string(),
  totals: kataFigures,
  by_exercise: z.array(kataFigures.extend({ exercise_id: uuid.nullable(), title: z.string(), language: z.string() })),
  by_language: z.array(kataFigures.extend({ language: z.string() })),
});

export const overviewQuery = z.object({ tenant_id: uuid.optional() });

export const overviewResponse = z.object({
  time_zone: z.string(),
  members: z.object({ total: z.number().int(), by_status: z.array(count), by_role: z.array(count) }),
  pocs: z.object({ total: z.number().int(), public: z.number().int(), by_language: z.array(count), by_tag: z.array(count), by_framework: z.array(count) }),
  dojos: z.object({
    by_status: z.array(count),
    held: z.number().int(),
    minutes: z.number().int(),
    participants: z.number().int(),
    /** Held in the last 30 days. */
    held_last_30_days: z.number().int(),
  }),
  storage: z.object({
    recordings: z.object({ count: z.number().int(), bytes: z.number() }),
    videos: z.object({ count: z.number().int(), bytes: z.number() }),
    reports: z.object({ count: z.number().int(), bytes: z.number() }),
    total_bytes: z.number(),
  }),
  billing: billingState,
});

export const REPORTS_ROUTES = defineRoutes([
  {
    method: 'GET',
    path: '/v1/reports/usage',
    auth: 'user',
    action: 'render.usage',
    tag: 'reports',
    summary: "Usage per day, week or month in the tenant's time zone: active users, logins, POCs created, dojos held and their minutes, katas run, renders (admins: the tenant; others: themselves)",
    query: usageQuery,
    response: usageResponse,
  },
  {
    method: 'GET',
    path: '/v1/reports/poc-summary/{pocId}',
    auth: 'user',
    action: 'render.pocSummary',
    tag: 'reports',
    summary: 'One POC at a glance: owner, tags, frameworks, favourites (a member sees their own POCs and public ones)',
    params: z.object({ pocId: uuid }),
    response: pocSummaryResponse,
  },
  {
    method: 'GET',
    path: '/v1/reports/kata-analytics',
    auth: 'user',
    action: 'render.kataAnalytics',
    tag: 'reports',
    summary:
      "Katas started in the range (the tenant's calendar): rooms, completion rate, median time to complete, test runs and pass rate, by exercise and by language (admins: the tenant; others: their own rooms)",
    query: kataQuery,
    response: kataAnalyticsResponse,
  },
  {
    method: 'GET',
    path: '/v1/reports/tenant-overview',
    auth: 'user',
    action: 'render.tenantOverview',
    tag: 'reports',
    summary: 'The tenant at a glance (admins only): members, POCs by language/tag/framework, dojo activity, storage used, plan and billing',
    query: overviewQuery,
    response: overviewResponse,
  },
]);

/** What an export can hold: the dashboards' figures, the annual and billing reports, listings. */
export const EXPORT_TYPES = ['USAGE', 'KATA_ANALYTICS', 'POC_SUMMARY', 'TENANT_OVERVIEW', 'ANNUAL', 'BILLING', 'DOJOS', 'USERS'] as const;
/** Each report's name in English: render's file names, and the English notifications (actors/tenant/texts). */
export const REPORT_NAMES: Record<(typeof EXPORT_TYPES)[number], string> = {
  ANNUAL: 'Annual report',
  BILLING: 'Billing report',
  USAGE: 'Usage report',
  KATA_ANALYTICS: 'Kata analytics',
  POC_SUMMARY: 'POC summary',
  TENANT_OVERVIEW: 'Tenant overview',
  DOJOS: 'Dojos export',
  USERS: 'Users export',
};
export const EXPORT_FORMATS = ['pdf', 'csv', 'xlsx', 'json', 'html'] as const;
export const REPORT_LANGUAGES = ['pt-BR', 'en'] as const;

/**
 * Which choices mean something for which export type: tags filter POCs (the types that count
 * POCs), group_by sets the periods (usage). Any other type refuses them (422 naming the field),
 * rather than ignoring them and exporting something the caller did not ask for.
 */
export const EXPORT_CHOICES: Record<(typeof EXPORT_TYPES)[number], { tags: boolean; group_by: boolean }> = {
  USAGE: { tags: true, group_by: true },
  ANNUAL: { tags: true, group_by: false },
  TENANT_OVERVIEW: { tags: true, group_by: false },
  KATA_ANALYTICS: { tags: false, group_by: false },
  POC_SUMMARY: { tags: false, group_by: false },
  BILLING: { tags: false, group_by: false },
  DOJOS: { tags: false, group_by: false },
  USERS: { tags: false, group_by: false },
};

export const tagList = z.array(z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters')).max(20, 'at most 20 tags');

export const exportBody = z
  .object({
    type: z.enum(EXPORT_TYPES),
    format: z.enum(EXPORT_FORMATS).default('pdf'),
    from: date.optional(),
    to: date.optional(),
    /** POCs counted only when they carry one of these (the types EXPORT_CHOICES allows tags for). */
    tags: tagList.optional(),
    exclude_tags: tagList.optional(),
    group_by: z.enum(GROUP_BY).optional(),
    title: z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters').optional(),
    /** The texts' language; the tenant's by default. */
    locale: z.enum(REPORT_LANGUAGES).optional(),
    /** The POC of a POC_SUMMARY. */
    poc_id: uuid.optional(),
  })
  .superRefine((q, ctx) => {
    const choices = EXPORT_CHOICES[q.type];
    for (const field of ['tags', 'exclude_tags'] as const) {
      if (q[field] && !choices.tags) ctx.addIssue({ code: 'custom', path: [field], message: `does not apply to a ${q.type} export (its figures are not of POCs)` });
    }
    if (q.group_by && !choices.group_by) ctx.addIssue({ code: 'custom', path: ['group_by'], message: `does not apply to a ${q.type} export (only USAGE has periods)` });
    if (q.type === 'POC_SUMMARY' && !q.poc_id) ctx.addIssue({ code: 'custom', path: ['poc_id'], message: 'is required for a POC_SUMMARY export' });
    checkRange(q, ctx);
  });

export type ExportOptions = Omit<z.output<typeof exportBody>, 'type' | 'format'>;

const jsonColumn = z.object({
  key: z.string(),
  label: z.string(),
  type: z.enum(['text', 'count', 'money', 'date', 'month', 'percent']),
  currency: z.string().optional(),
});
/** A cell: text, a number (a percent column's a fraction 0..1), a date (YYYY-MM-DD, the tenant's calendar), a month (YYYY-MM), or null. */
const jsonCell = z.union([z.string(), z.number(), z.null()]);

/** The document a JSON export downloads: every section of the report, rows keyed by column. */
export const reportJson = z.object({
  type: z.enum(EXPORT_TYPES),
  title: z.string(),
  subtitle: z.string(),
  generated_at: z.string(),
  locale: z.enum(REPORT_LANGUAGES),
  time_zone: z.string(),
  currency: z.string(),
  sections: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      columns: z.array(jsonColumn),
      rows: z.array(z.record(z.string(), jsonCell)),
      note: z.string().optional(),
    }),
  ),
});

export const EXPORT_ROUTES = defineRoutes([
  {
    method: 'POST',
    path: '/v1/reports/export',
    auth: 'user',
    action: 'render.requestExport',
    tag: 'reports',
    status: 202,
    summary:
      'Queue an export (PDF, CSV, XLSX, JSON, HTML) of usage, a POC summary, the tenant overview, the annual or billing report, dojos or users; members may export their own usage and POC summaries only',
    body: exportBody,
    response: z.object({ report_id: uuid, status: z.enum(['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED']) }),
  },
]);
