import { QueryTypes } from 'sequelize';
import type { Database } from '../../infra/db/database';
import { withTenantQuery } from './tenantQuery';
import type { FacetCount, Facets } from './views';

/** Facet values returned per dimension, most frequent first. */
export const FACET_LIMIT = 50;

export type Dimension = 'language' | 'tag' | 'framework';
export const DIMENSIONS: readonly Dimension[] = ['language', 'tag', 'framework'];

/** No filter, or one filter value (`language=go`, one tag, one framework). */
export type FacetFilter = { dim: '*'; key: '' } | { dim: Dimension; key: string };
export const NO_FILTER: FacetFilter = { dim: '*', key: '' };

/** Per dimension: key -> display form and count; `total` counts POCs. */
export type Counts = { total: number } & Record<Dimension, Map<string, FacetCount>>;

interface CountRow {
  dim: Dimension | '*';
  key: string;
  display: string;
  n: number;
}

// Own private POCs matching the filter; the key is bound as $3.
const OWN_FILTER: Record<FacetFilter['dim'], string> = {
  '*': 'TRUE',
  language: 'language_key = $3',
  tag: 'tag_keys @> ARRAY[$3]::varchar[]',
  framework: 'framework_keys @> ARRAY[$3]::varchar[]',
};

// A pending write matching the filter; the key is bound as $3.
const DELTA_FILTER: Record<FacetFilter['dim'], string> = {
  '*': 'TRUE',
  language: 'd.language_key = $3',
  tag: 'd.tag_keys @> ARRAY[$3::text]',
  framework: 'd.framework_keys @> ARRAY[$3::text]',
};

// First key of the advisory lock a fold takes (the second is the tenant's hash); distinct from
// other users of advisory locks in this database (the migration lock).
const FOLD_LOCK = 94_501;

/**
 * Exact facet counts for browsing with at most one filter value, without aggregating the
 * matching rows: the public POCs' counts are kept per filter value in `poc_facet_counts` (by a
 * trigger, in the writing transaction); the caller's own private POCs are counted from their
 * rows, a range of the owner index.
 */
export class FacetCounts {
  constructor(readonly database: Database) {}

  /**
   * Counts of the tenant's public POCs matching `filter`: the folded counts plus the writes not
   * folded yet (migration 945), in one statement, so one snapshot sees both or neither side of a
   * fold. The display is the newest a write gave, else the folded one.
   */
  shared(tenantId: string, filter: FacetFilter): Promise<Counts> {
    return this.#query(
      tenantId,
      `SELECT dim, key, (array_agg(display ORDER BY ord DESC) FILTER (WHERE n > 0 OR ord = 0))[1] AS display, sum(n)::int AS n FROM (
         SELECT dim, key, display, n, 0::bigint AS ord FROM poc_facet_counts
          WHERE tenant_id = $1 AND filter_dim = $2 AND filter_key = $3 AND n <> 0
         UNION ALL
         SELECT x.dim, x.key, x.display, d.n, d.id FROM poc_facet_deltas d,
                poc_facet_values(d.language_key, d.language, d.tag_keys, d.tags, d.framework_keys, d.frameworks) AS x
          WHERE d.tenant_id = $1 AND ${DELTA_FILTER[filter.dim]}) u
       GROUP BY dim, key HAVING sum(n) > 0`,
      [tenantId, filter.dim, filter.key],
    );
  }

  /**
   * Moves the tenant's pending writes into the folded counts (one transaction). One fold per
   * tenant at a time: false when another holds the tenant's fold lock (it folds what is there).
   */
  async fold(tenantId: string): Promise<boolean> {
    return this.database.withTenant(tenantId, async () => {
      const [row] = await this.database.sequelize.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(${FOLD_LOCK}, hashtext($1::text)) AS locked`, {
        bind: [tenantId],
        type: QueryTypes.SELECT,
      });
      if (!row?.locked) return false;
      // The tenant overview's counts (migration 933) are kept the same way and fold with these,
      // under the same lock: the writes that change one change the other.
      await this.database.sequelize.query(`SELECT poc_facet_deltas_fold($1::uuid), poc_overview_deltas_fold($1::uuid)`, { bind: [tenantId] });
      return true;
    });
  }

  /** Counts of the caller's own private POCs matching `filter`. */
  own(tenantId: string, userId: string, filter: FacetFilter): Promise<Counts> {
    return this.#query(
      tenantId,
      `WITH s AS MATERIALIZED (
         SELECT language_key, language, tag_keys, tags, framework_keys, frameworks FROM pocs
          WHERE tenant_id = $1 AND owner_id = $2 AND deleted_at IS NULL AND NOT is_public AND ${OWN_FILTER[filter.dim]})
       SELECT v.dim, v.key, min(v.display) AS display, count(*)::int AS n
         FROM s, poc_facet_values(s.language_key, s.language, s.tag_keys::text[], s.tags::text[], s.framework_keys::text[], s.frameworks::text[]) AS v
        GROUP BY v.dim, v.key`,
      filter.dim === '*' ? [tenantId, userId] : [tenantId, userId, filter.key],
    );
  }

  /** What the caller may see: shared and own counts added up. */
  async visible(tenantId: string, userId: string, filter: FacetFilter): Promise<Counts> {
    const [shared, own] = await Promise.all([this.shared(tenantId, filter), this.own(tenantId, userId, filter)]);
    return addCounts(shared, own);
  }

  async #query(tenantId: string, sql: string, bind: unknown[]): Promise<Counts> {
    const rows = await withTenantQuery(this.database, tenantId, () => this.database.sequelize.query<CountRow>(sql, { bind, type: QueryTypes.SELECT }));
    const counts = emptyCounts();
    for (const row of rows) {
      if (row.dim === '*') counts.total = row.n;
      else counts[row.dim].set(row.key, { value: row.display, count: row.n });
    }
    return counts;
  }
}

export function emptyCounts(): Counts {
  return { total: 0, language: new Map(), tag: new Map(), framework: new Map() };
}

/** Adds `b` into `a` (which it returns); `a`'s display form wins. */
export function addCounts(a: Counts, b: Counts): Counts {
  a.total += b.total;
  for (const dim of DIMENSIONS) {
    for (const [key, c] of b[dim]) {
      const mine = a[dim].get(key);
      a[dim].set(key, { value: mine?.value ?? c.value, count: (mine?.count ?? 0) + c.count });
    }
  }
  return a;
}

/** The `limit` most frequent, ties by name, so a page of them is stable. */
export function top(map: Map<string, FacetCount>, limit: number): FacetCount[] {
  return [...map.values()]
    .filter((c) => c.count > 0)
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, limit);
}

export function facetsOf(counts: Counts, limit: number): Facets {
  return { languages: top(counts.language, limit), tags: top(counts.tag, limit), frameworks: top(counts.framework, limit) };
}
