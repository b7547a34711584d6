import { QueryTypes } from 'sequelize';
import type { Database } from '../../infra/db/database';
import { FACET_LIMIT, facetsOf, NO_FILTER, type FacetCounts, type FacetFilter } from './FacetCounts';
import type { SearchFilters } from './normalize';
import type { TagIndex } from './TagIndex';
import { filteredQuery, TEXT_MATCHES_READ_ONE_BY_ONE } from './filteredQuery';
import { FAVORITE, ORDER, VISIBLE } from './sql';
import { withTenantQuery } from './tenantQuery';
import { deletesOf, oneEditApart, termQuery, typoWords } from './text';
import { toView, VIEW_COLUMNS, type FacetCount, type SearchResult, type ViewRow } from './views';

interface FilteredRow {
  total: number;
  languages: FacetCount[];
  tags: FacetCount[];
  frameworks: FacetCount[];
  items: ViewRow[];
}

/**
 * The POC search: hand-written SQL with bind parameters only. Every index it drives from is a
 * btree (equality and byte ranges), the kind PostgreSQL may use under row-level security.
 *
 * Browsing with no filter or one filter value (a language, a tag, a framework) reads one page
 * in index order and takes total and facets from the maintained counts (TagIndex, FacetCounts).
 * Any other search is one statement: the matching set, its total, its three facets and a page.
 */
export class Search {
  constructor(
    readonly database: Database,
    readonly facets: FacetCounts,
    readonly index: TagIndex,
    /** Text matches past which filters narrow them by id sets first (see filteredQuery). */
    readonly textMatchesReadOneByOne = TEXT_MATCHES_READ_ONE_BY_ONE,
  ) {}

  async search(tenantId: string, userId: string, filters: SearchFilters): Promise<SearchResult> {
    // Words that are all stop words or punctuation match nothing rather than everything.
    if (filters.q && termQuery(filters.q, () => []).words === 0) return { items: [], total: 0, facets: { languages: [], tags: [], frameworks: [] } };
    const single = filters.q ? undefined : singleFilter(filters);
    if (single) return this.#browse(tenantId, userId, filters, single);
    const [row] = await withTenantQuery(this.database, tenantId, async () => {
      const text = filters.q ? termQuery(filters.q, await this.#spellings(tenantId, filters.q)) : undefined;
      const { sql, bind } = filteredQuery(tenantId, userId, filters, text, this.textMatchesReadOneByOne);
      return this.database.sequelize.query<FilteredRow>(sql, { bind, type: QueryTypes.SELECT });
    });
    if (!row) throw new Error('search returned no row');
    return {
      items: row.items.map(toView),
      total: row.total,
      facets: { languages: row.languages, tags: row.tags, frameworks: row.frameworks },
    };
  }

  /**
   * The tenant's terms one edit from each typo-tolerant word of `q`, from the spelling dictionary
   * (migration 946): one statement of length + 1 equality probes per word.
   */
  async #spellings(tenantId: string, q: string): Promise<(word: string) => string[]> {
    const words = typoWords(q);
    if (words.length === 0) return () => [];
    const rows = await this.database.sequelize.query<{ term: string }>(`SELECT DISTINCT term FROM poc_term_deletes WHERE tenant_id = $1 AND del = ANY($2::text[] COLLATE "C")`, {
      bind: [tenantId, [...new Set(words.flatMap(deletesOf))]],
      type: QueryTypes.SELECT,
    });
    return (word) => rows.map((r) => r.term).filter((term) => oneEditApart(word, term));
  }

  async #browse(tenantId: string, userId: string, filters: SearchFilters, filter: FacetFilter): Promise<SearchResult> {
    const { sql, bind } = pageQuery(tenantId, userId, filters, filter);
    const [rows, counts] = await Promise.all([
      withTenantQuery(this.database, tenantId, () => this.database.sequelize.query<ViewRow>(sql, { bind, type: QueryTypes.SELECT })),
      filter.dim === '*' ? this.index.counts(tenantId, userId) : this.facets.visible(tenantId, userId, filter),
    ]);
    return { items: rows.map(toView), total: counts.total, facets: facetsOf(counts, FACET_LIMIT) };
  }
}

/** The one filter value of a search that has at most one and no text, favorite or owner filter. */
export function singleFilter(filters: SearchFilters): FacetFilter | undefined {
  if (filters.q || filters.favorite !== undefined || filters.mine) return undefined;
  const given = [
    ...(filters.language ? [{ dim: 'language' as const, key: filters.language }] : []),
    ...filters.tags.map((key) => ({ dim: 'tag' as const, key })),
    ...filters.frameworks.map((key) => ({ dim: 'framework' as const, key })),
  ];
  if (given.length > 1) return undefined;
  return given[0] ?? NO_FILTER;
}

/** One page of a browse, walking an index in the page's order where there is one. */
export function pageQuery(tenantId: string, userId: string, filters: SearchFilters, filter: FacetFilter) {
  const sort = filters.sort === 'relevance' ? 'newest' : filters.sort;
  const order = ORDER[sort].replaceAll('f.', 'p.');
  const bind: unknown[] = [tenantId, userId, filters.limit, filters.offset];
  let from = 'pocs p';
  const where = [VISIBLE];
  if (filter.dim === 'language') {
    bind.push(filter.key);
    where.push('p.language_key = $5');
  } else if (filter.dim === 'tag' || filter.dim === 'framework') {
    // The link table holds the creation time: newest first is a walk of its index.
    const [table, column] = filter.dim === 'tag' ? ['poc_tags', 'tag_key'] : ['poc_frameworks', 'framework_key'];
    bind.push(filter.key);
    from = `${table} l JOIN pocs p ON p.id = l.poc_id`;
    where.push(`l.tenant_id = $1 AND l.${column} = $5`);
  }
  const sql = `SELECT ${VIEW_COLUMNS}, ${FAVORITE} AS favorite FROM ${from} WHERE ${where.join(' AND ')}
                ORDER BY ${from.startsWith('pocs') || sort === 'name' ? order : 'l.created DESC, l.poc_id DESC'} LIMIT $3 OFFSET $4`;
  return { sql, bind };
}
