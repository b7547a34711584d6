import { z } from 'zod';
import { freeText } from '../text';
import { flag, idParams, pagination, success, uuid } from './common';
import { defineRoutes } from './route';

/** Field limits of POCs; the actor applies the same schemas to calls that bypass the gateway. */
export const POC_LIMITS = {
  name: 100,
  description: 2000,
  repoUrl: 255,
  /** language, each tag and each framework */
  label: 50,
  tags: 20,
  frameworks: 20,
  query: 200,
} as const;

// Control characters and NUL are refused for every string by validate() (see ../text.ts).
function line(max: number) {
  return z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
}

function isHttpUrl(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

export const pocLabel = line(POC_LIMITS.label);
const pocName = line(POC_LIMITS.name);
const description = freeText(z.string().trim().max(POC_LIMITS.description, `must be at most ${POC_LIMITS.description} characters`));
const repoUrl = z.string().trim().min(1, 'must not be empty').max(POC_LIMITS.repoUrl, `must be at most ${POC_LIMITS.repoUrl} characters`).refine(isHttpUrl, 'must be an http(s) URL');
const tags = z.array(pocLabel).max(POC_LIMITS.tags, `at most ${POC_LIMITS.tags} tags`);
const frameworks = z.array(pocLabel).max(POC_LIMITS.frameworks, `at most ${POC_LIMITS.frameworks} frameworks`);

export const pocCreateBody = z.object({
  name: pocName,
  description: description.optional(),
  repo_url: repoUrl,
  language: pocLabel,
  tags: tags.optional(),
  frameworks: frameworks.optional(),
  is_public: z.boolean().optional(),
  /** Also mark it as the creator's favorite. */
  favorite: z.boolean().optional(),
});
export type PocCreateBody = z.output<typeof pocCreateBody>;

/** Rows one bulk import may hold (besides the gateway's body limit, MAX_BODY_BYTES, 413). */
export const POC_IMPORT_MAX_ROWS = 5000;

/**
 * One row of a bulk import: the single create's body (the same rule), plus the owner's username
 * (the importing admin when absent). Applied row by row in the import job, so a bad row is
 * reported with its number instead of refusing the whole import.
 */
export const pocImportRow = pocCreateBody.extend({ owner: z.string().trim().min(1, 'must not be empty').max(15, 'must be at most 15 characters').optional() });

/** The rows are checked one by one later (pocImportRow); here only that there are some, and not too many. */
export const pocImportBody = z.object({
  rows: z.array(z.unknown()).min(1, 'give at least one row').max(POC_IMPORT_MAX_ROWS, `at most ${POC_IMPORT_MAX_ROWS} rows per import`),
});

const importView = z.object({
  id: uuid,
  status: z.enum(['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED']),
  progress: z.number().int(),
  total: z.number().int(),
  processed: z.number().int(),
  created: z.number().int(),
  failed: z.number().int(),
  /** Rows refused, in row order; `row` counts from 1. */
  errors: z.array(z.object({ row: z.number().int(), field: z.string(), message: z.string() })),
  /** Why the whole import failed, when it did. */
  error: z.string().nullable(),
});

export const pocUpdateBody = z
  .object({
    name: pocName.optional(),
    description: description.optional(),
    repo_url: repoUrl.optional(),
    language: pocLabel.optional(),
    tags: tags.optional(),
    frameworks: frameworks.optional(),
    is_public: z.boolean().optional(),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), 'give at least one field to change');

/** A query parameter given once or repeated (`tag=a&tag=b`), as a list. */
function repeatable(item: z.ZodType<string>, max: number, what: string) {
  return z
    .union([item, z.array(item)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string()).max(max, `at most ${max} ${what}`));
}

export const POC_SORTS = ['relevance', 'newest', 'name'] as const;
export type PocSort = (typeof POC_SORTS)[number];

export const pocSearchQuery = z.object({
  q: z.string().trim().max(POC_LIMITS.query, `must be at most ${POC_LIMITS.query} characters`).optional(),
  language: pocLabel.optional(),
  tag: repeatable(pocLabel, POC_LIMITS.tags, 'tags').optional(),
  framework: repeatable(pocLabel, POC_LIMITS.frameworks, 'frameworks').optional(),
  /** true: only the caller's favorites; false: only the others; absent: both. */
  favorite: flag.optional(),
  /** me: only the caller's own POCs (a mobile app's "My POCs"). */
  owner: z.enum(['me'], { message: 'must be "me"' }).optional(),
  sort: z.enum(POC_SORTS, { message: `must be one of ${POC_SORTS.join(', ')}` }).optional(),
  ...pagination(20, 100),
});

export const popularTagsQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });
export const suggestTagsQuery = z.object({ prefix: pocLabel, limit: z.coerce.number().int().min(1).max(50).default(10) });

const pocView = z.object({
  id: uuid,
  owner_id: uuid,
  name: z.string(),
  description: z.string(),
  repo_url: z.string(),
  language: z.string(),
  tags: z.array(z.string()),
  frameworks: z.array(z.string()),
  is_public: z.boolean(),
  favorite: z.boolean(),
  created: z.string(),
  updated: z.string(),
});
const facetCount = z.object({ value: z.string(), count: z.number().int() });
const tagCounts = z.object({ tags: z.array(facetCount) });
const frameworkCounts = z.object({ frameworks: z.array(facetCount) });

export const POC_ROUTES = defineRoutes([
  {
    method: 'POST',
    path: '/v1/pocs',
    auth: 'user',
    action: 'poc.create',
    tag: 'pocs',
    status: 201,
    summary: 'Register a POC owned by the caller; private unless is_public',
    body: pocCreateBody,
    response: pocView,
  },
  {
    method: 'GET',
    path: '/v1/pocs',
    auth: 'user',
    action: 'poc.search',
    tag: 'pocs',
    summary: 'Search the POCs the caller may see (own + public in the tenant): text with typo tolerance, filters, facets over the filtered set',
    query: pocSearchQuery,
    response: z.object({
      items: z.array(pocView),
      total: z.number().int(),
      facets: z.object({ languages: z.array(facetCount), tags: z.array(facetCount), frameworks: z.array(facetCount) }),
    }),
  },
  {
    method: 'POST',
    path: '/v1/pocs/import',
    auth: 'user',
    action: 'poc.importPocs',
    tag: 'pocs',
    status: 202,
    summary: `Tenant admins: import up to ${POC_IMPORT_MAX_ROWS} POCs in the background (each row as POST /v1/pocs's body, plus an optional owner username); follow it at GET /v1/pocs/imports/{id}`,
    body: pocImportBody,
    response: importView,
  },
  {
    method: 'GET',
    path: '/v1/pocs/imports/{id}',
    auth: 'user',
    action: 'poc.getImport',
    tag: 'pocs',
    summary: "Tenant admins: an import's progress and its per-row errors",
    params: idParams,
    response: importView,
  },
  {
    method: 'GET',
    path: '/v1/pocs/{id}',
    auth: 'user',
    action: 'poc.get',
    tag: 'pocs',
    summary: 'One POC the caller may see',
    params: idParams,
    response: pocView,
  },
  {
    method: 'PUT',
    path: '/v1/pocs/{id}',
    auth: 'user',
    action: 'poc.update',
    tag: 'pocs',
    summary: "Change the caller's POC; fields left out keep their value",
    params: idParams,
    body: pocUpdateBody,
    response: pocView,
  },
  {
    method: 'DELETE',
    path: '/v1/pocs/{id}',
    auth: 'user',
    action: 'poc.remove',
    tag: 'pocs',
    summary: "Delete the caller's POC (soft delete: it disappears from every read)",
    params: idParams,
    response: success,
  },
  {
    method: 'POST',
    path: '/v1/pocs/{id}/favorite',
    auth: 'user',
    action: 'poc.toggleFavorite',
    tag: 'pocs',
    summary: "Add the POC to the caller's favorites, or remove it if already there",
    params: idParams,
    response: z.object({ favorite: z.boolean() }),
  },
  {
    method: 'GET',
    path: '/v1/tags/popular',
    auth: 'user',
    action: 'poc.popularTags',
    tag: 'pocs',
    summary: 'Most used tags among the POCs the caller may see',
    query: popularTagsQuery,
    response: tagCounts,
  },
  {
    method: 'GET',
    path: '/v1/tags/suggest',
    auth: 'user',
    action: 'poc.suggestTags',
    tag: 'pocs',
    summary: 'Tags starting with a prefix (case-insensitive), most used first',
    query: suggestTagsQuery,
    response: tagCounts,
  },
  {
    method: 'GET',
    path: '/v1/frameworks/popular',
    auth: 'user',
    action: 'poc.popularFrameworks',
    tag: 'pocs',
    summary: 'Most used frameworks among the POCs the caller may see',
    query: popularTagsQuery,
    response: frameworkCounts,
  },
  {
    method: 'GET',
    path: '/v1/frameworks/suggest',
    auth: 'user',
    action: 'poc.suggestFrameworks',
    tag: 'pocs',
    summary: 'Frameworks starting with a prefix (case-insensitive), most used first',
    query: suggestTagsQuery,
    response: frameworkCounts,
  },
]);
