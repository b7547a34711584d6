import type { SearchFilters } from './normalize';

/** SQL fragments shared by the search statements. */

export const ORDER: Record<SearchFilters['sort'], string> = {
  relevance: 'f.rank DESC, f.created DESC, f.id DESC',
  newest: 'f.created DESC, f.id DESC',
  name: 'lower(f.name), f.id',
};

// Visible to the caller: their own POCs and the public ones of their tenant, never deleted ones.
// ($1 is always the tenant, $2 the caller.)
export const VISIBLE = `p.tenant_id = $1 AND p.deleted_at IS NULL AND (p.is_public OR p.owner_id = $2)`;
export const FAVORITE = `EXISTS (SELECT 1 FROM poc_favorites fv WHERE fv.tenant_id = $1 AND fv.user_id = $2 AND fv.poc_id = p.id)`;
