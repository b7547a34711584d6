import type { z } from 'zod';
import { validate } from '../../protocol/validation';
import { pocCreateBody, pocImportRow, pocSearchQuery, pocUpdateBody, type PocCreateBody, type PocSort } from '../../protocol/rest/poc';
import { FieldValidationError } from './errors';

/** A language, tag or framework: shown as the user wrote it, matched by its key. */
export interface Label {
  display: string;
  key: string;
}

export interface PocDraft {
  name: string;
  description: string;
  repoUrl: string;
  language: Label;
  tags: Label[];
  frameworks: Label[];
  isPublic: boolean;
  favorite: boolean;
}

export type PocChanges = Partial<Omit<PocDraft, 'favorite'>>;

export interface SearchFilters {
  q: string | undefined;
  language: string | undefined;
  tags: string[];
  frameworks: string[];
  favorite: boolean | undefined;
  /** Only the caller's own POCs. */
  mine: boolean;
  sort: PocSort;
  limit: number;
  offset: number;
}

/**
 * The display form keeps the user's letters with runs of white space made one; the key is
 * what "case-insensitive" means for matching (Unicode-normalized, lower case).
 */
export function label(text: string): Label {
  const display = text.trim().replace(/\s+/g, ' ');
  return { display, key: labelKey(display) };
}

export function labelKey(text: string): string {
  return text.trim().replace(/\s+/g, ' ').normalize('NFKC').toLowerCase();
}

/** Labels without repeats (by key), first spelling kept, order kept. */
export function labels(texts: readonly string[]): Label[] {
  const seen = new Map<string, Label>();
  for (const text of texts) {
    const l = label(text);
    if (!seen.has(l.key)) seen.set(l.key, l);
  }
  return [...seen.values()];
}

// The gateway and the actions' params (params.ts) validate with the same schemas; applying them
// here too keeps these functions safe for any caller (tests, benchmarks), with the same errors.
function check<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = validate(schema, value);
  if (!result.ok) throw new FieldValidationError(result.fields);
  return result.value;
}

export function draftFrom(params: unknown): PocDraft {
  return toDraft(check(pocCreateBody, params));
}

/** One bulk import row: the create's draft and the owner's username, if it names one. */
export function importRowFrom(raw: unknown): { draft: PocDraft; owner: string | undefined } {
  const { owner, ...body } = check(pocImportRow, raw);
  return { draft: toDraft(body), owner };
}

function toDraft(body: PocCreateBody): PocDraft {
  return {
    name: body.name,
    description: body.description ?? '',
    repoUrl: body.repo_url,
    language: label(body.language),
    tags: labels(body.tags ?? []),
    frameworks: labels(body.frameworks ?? []),
    isPublic: body.is_public ?? false,
    favorite: body.favorite ?? false,
  };
}

export function changesFrom(params: unknown): PocChanges {
  const body = check(pocUpdateBody, params);
  const changes: PocChanges = {};
  if (body.name !== undefined) changes.name = body.name;
  if (body.description !== undefined) changes.description = body.description;
  if (body.repo_url !== undefined) changes.repoUrl = body.repo_url;
  if (body.language !== undefined) changes.language = label(body.language);
  if (body.tags !== undefined) changes.tags = labels(body.tags);
  if (body.frameworks !== undefined) changes.frameworks = labels(body.frameworks);
  if (body.is_public !== undefined) changes.isPublic = body.is_public;
  return changes;
}

export function filtersFrom(params: unknown): SearchFilters {
  const query = check(pocSearchQuery, params);
  const q = query.q?.trim() || undefined;
  return {
    q,
    language: query.language === undefined ? undefined : labelKey(query.language),
    tags: [...new Set((query.tag ?? []).map(labelKey))].sort(),
    frameworks: [...new Set((query.framework ?? []).map(labelKey))].sort(),
    favorite: query.favorite,
    mine: query.owner === 'me',
    sort: query.sort ?? (q ? 'relevance' : 'newest'),
    limit: query.limit,
    offset: query.offset,
  };
}
