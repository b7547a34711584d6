import { z } from 'zod';
import { zodParams } from '../../infra/broker/zodValidator';
import { idParams, uuid } from '../../protocol/rest/common';
import { pocCreateBody, pocImportBody, pocSearchQuery, pocUpdateBody, popularTagsQuery, suggestTagsQuery } from '../../protocol/rest/poc';

/**
 * The params of the poc actions: the protocol's schemas (protocol/rest/poc.ts), the ones the
 * gateway checks, applied again to every call whoever makes it.
 */
export const PARAMS = {
  create: zodParams(pocCreateBody),
  importPocs: zodParams(pocImportBody),
  // The path's id with the body (a refined object: joined, not extended).
  update: zodParams(idParams.and(pocUpdateBody)),
  byId: zodParams(idParams),
  search: zodParams(pocSearchQuery),
  popular: zodParams(popularTagsQuery),
  suggest: zodParams(suggestTagsQuery),
  cacheClean: zodParams(z.object({ tenantId: uuid })),
};

/** The param names a search's result depends on (its cache key). */
export const SEARCH_KEYS = Object.keys(pocSearchQuery.shape);
