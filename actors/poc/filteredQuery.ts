import { FACET_LIMIT } from './FacetCounts';
import type { SearchFilters } from './normalize';
import { FAVORITE, ORDER, VISIBLE } from './sql';
import type { TermQuery } from './text';
import { VIEW_COLUMNS } from './views';

/**
 * Text matches up to this many are filtered on their rows; past it, the filters' id sets are
 * intersected first. Reading a POC row costs about 2 us, an id of a filter set about 0.25 us:
 * near 2,000 matches both ways cost the same for the filter sets of a large tenant.
 */
export const TEXT_MATCHES_READ_ONE_BY_ONE = 2_000;

/**
 * The statement of a search with text or several filters, built from fixed fragments: every
 * value is a bind parameter. One round trip returns the total, the three facets and a page.
 *
 * Without text, each filter is a set of POC ids read from an index alone (tag and framework
 * links, the language index, favorites), intersected before any POC row is read: so
 * `language=go&tag=api` reads the rows of the intersection, not of the larger filter.
 */
export function filteredQuery(tenantId: string, userId: string, filters: SearchFilters, text: TermQuery | undefined, readOneByOne = TEXT_MATCHES_READ_ONE_BY_ONE) {
  const bind: unknown[] = [tenantId, userId];
  const param = (value: unknown, cast: string) => {
    bind.push(value);
    return `$${bind.length}::${cast}`;
  };
  const ctes: string[] = [];
  if (text) ctes.push(...textCtes(text, param));

  // With text, the rows come by id from the matches (textRows): deleted ones are left there.
  const where = [text ? TEXT_VISIBLE : VISIBLE];
  // Each filter as the set of POC ids an index alone yields (tag and framework links, the
  // language index, favorites): intersected before any POC row is read.
  const sets: string[] = [];
  // Bound only where used (an unused parameter has no type PostgreSQL could infer).
  const languageSet = filters.language ? () => `SELECT id FROM pocs WHERE tenant_id = $1 AND language_key = ${param(filters.language, 'text')} AND deleted_at IS NULL` : undefined;
  for (const tag of filters.tags) sets.push(`SELECT poc_id AS id FROM poc_tags WHERE tenant_id = $1 AND tag_key = ${param(tag, 'text')}`);
  for (const fw of filters.frameworks) sets.push(`SELECT poc_id AS id FROM poc_frameworks WHERE tenant_id = $1 AND framework_key = ${param(fw, 'text')}`);
  if (filters.favorite === true) sets.push(`SELECT poc_id AS id FROM poc_favorites WHERE tenant_id = $1 AND user_id = $2`);
  if (filters.favorite === false) where.push(`NOT ${FAVORITE}`);
  // The caller's own POCs, from the owner index of migration 001.
  if (filters.mine) sets.push(`SELECT id FROM pocs WHERE tenant_id = $1 AND owner_id = $2 AND deleted_at IS NULL`);
  let from: string;
  if (text) {
    if (filters.language) where.push(`p.language_key = ${param(filters.language, 'text')}`);
    if (filters.tags.length > 0) where.push(`p.tag_keys @> ${param(filters.tags, 'varchar[]')}`);
    if (filters.frameworks.length > 0) where.push(`p.framework_keys @> ${param(filters.frameworks, 'varchar[]')}`);
    if (filters.favorite === true) where.push(FAVORITE);
    if (filters.mine) where.push('p.owner_id = $2');
    // A language holds a large share of a tenant (about one POC in sixteen here): its set only
    // narrows text matches when no smaller tag, framework or favorites set is given.
    const narrowing = sets.length > 0 ? sets : languageSet ? [languageSet()] : [];
    if (narrowing.length === 0) {
      from = textRows('matched', filters.sort === 'name');
    } else {
      // Text with filters: a rare word's few matches are checked on their own rows (the
      // conditions above); a common word's thousands are first narrowed to the filters' id
      // sets, so only the intersection's rows are read ("service" + language + tag: 20k matches
      // read row by row took 79 ms). Both branches are one statement: PostgreSQL runs only the
      // one whose one-time condition on the match count holds. `IS TRUE` keeps the id set a
      // subplan hashed once: turned into a join, the planner (which cannot estimate `matched`)
      // chose a nested loop that rescanned the intersection for every match (20 s).
      const limit = param(readOneByOne, 'int');
      ctes.push(
        `matched_n AS (SELECT count(*) AS n FROM matched)`,
        `narrowed AS (
           SELECT m.poc_id, m.rank FROM matched m WHERE (SELECT n FROM matched_n) <= ${limit}
           UNION ALL
           SELECT m.poc_id, m.rank FROM matched m
            WHERE (SELECT n FROM matched_n) > ${limit} AND (m.poc_id IN (${narrowing.join(' INTERSECT ')})) IS TRUE)`,
      );
      from = textRows('narrowed', filters.sort === 'name');
    }
  } else {
    if (languageSet) sets.unshift(languageSet());
    if (sets.length > 0) ctes.push(`ids AS (${sets.join(' INTERSECT ')})`);
    from = sets.length > 0 ? 'ids JOIN pocs p ON p.id = ids.id' : 'pocs p';
  }

  ctes.push(
    // The name only when sorting by it: without it every column comes from the search index
    // of migration 430, read index-only.
    `f AS MATERIALIZED (SELECT p.id, p.created, ${filters.sort === 'name' ? 'p.name' : 'NULL::text AS name'}, p.language_key, p.language, p.tag_keys, p.framework_keys,
            ${text ? 'm.rank' : 'NULL::real'} AS rank
        FROM ${from} WHERE ${where.join(' AND ')})`,
    // A top-N sort of the matches (a window function's row number would sort all of them); the
    // items are put back in the same order below.
    `page AS (SELECT f.id, f.rank, f.created, f.name FROM f
        ORDER BY ${ORDER[filters.sort]} LIMIT ${param(filters.limit, 'int')} OFFSET ${param(filters.offset, 'int')})`,
  );
  // One value per row (the language): its display comes along.
  const facet = (source: string) =>
    `(SELECT coalesce(json_agg(json_build_object('value', x.value, 'count', x.n) ORDER BY x.n DESC, x.value), '[]'::json)
        FROM (SELECT min(s.d) AS value, count(*)::int AS n FROM (${source}) s GROUP BY s.k ORDER BY n DESC, value LIMIT ${FACET_LIMIT}) x)`;
  // Several per row (tags, frameworks): keys are counted alone (unnest in the select list, about
  // twice as fast as a LATERAL unnest), and the returned values get their labels (migration 910).
  const labelledFacet = (dim: string, keys: string) =>
    `(SELECT coalesce(json_agg(json_build_object('value', coalesce(l.display, x.k), 'count', x.n) ORDER BY x.n DESC, x.k), '[]'::json)
        FROM (SELECT s.k, count(*)::int AS n FROM (SELECT unnest(${keys}) AS k FROM f) s GROUP BY s.k ORDER BY n DESC, s.k LIMIT ${FACET_LIMIT}) x
        LEFT JOIN poc_labels l ON l.tenant_id = $1 AND l.dim = '${dim}' AND l.key = x.k)`;
  const sql = `WITH ${ctes.join(',\n')}
    SELECT (SELECT count(*)::int FROM f) AS total,
           ${facet('SELECT f.language_key AS k, f.language AS d FROM f')} AS languages,
           ${labelledFacet('tag', 'f.tag_keys')} AS tags,
           ${labelledFacet('framework', 'f.framework_keys')} AS frameworks,
           (SELECT coalesce(json_agg(json_build_object(${jsonColumns()}, 'favorite', ${FAVORITE}) ORDER BY ${ORDER[filters.sort].replaceAll('f.', 'page.')}), '[]'::json)
              FROM page JOIN pocs p ON p.id = page.id AND p.tenant_id = $1) AS items`;
  return { sql, bind };
}

// VISIBLE but for deleted rows, which textRows leaves out where the id is looked up.
const TEXT_VISIBLE = `p.tenant_id = $1 AND (p.is_public OR p.owner_id = $2)`;

/**
 * The rows of the matched ids, each looked up by id (the covering index of migration 430): one
 * probe per match, whatever the statistics say. As a plain join, statistics older than the
 * tenant's growth (its rows estimated at one) made the planner rescan the tenant by a tenant_id
 * index for every match: 3,000 matches read 4.5M rows (2.4 s), 20k hit the timeout. Behind
 * OFFSET 0 the tenant condition stays outside, so the only index the lookup can use is by id.
 */
function textRows(source: string, withName: boolean): string {
  return `${source} m CROSS JOIN LATERAL (
      SELECT p.id, p.tenant_id, p.owner_id, p.is_public, p.created, p.language_key, p.language, p.tag_keys, p.framework_keys${withName ? ', p.name' : ''}
        FROM pocs p WHERE p.id = m.poc_id AND p.deleted_at IS NULL OFFSET 0) p`;
}

// The caller may find the POC of an index entry: public (no private owner) or their own. Read from
// the index itself; deleted POCs have no entries.
const TERM_VISIBLE = '(t.private_owner IS NULL OR t.private_owner = $2)';

function textCtes(text: TermQuery, param: (value: unknown, cast: string) => string): string[] {
  const p = text.probes;
  return [
    `q AS (SELECT * FROM unnest(${param(
      p.map((x) => x.lo),
      'text[]',
    )}, ${param(
      p.map((x) => x.hi),
      'text[]',
    )}, ${param(
      p.map((x) => x.word),
      'int[]',
    )},
            ${param(
              p.map((x) => x.score),
              'real[]',
            )}, ${param(
              p.map((x) => x.typo),
              'bool[]',
            )}) AS q(lo, hi, word, score, typo))`,
    // A word found as typed (or as a prefix) among the caller's visible POCs is not a typo, so
    // its spelling variants are not searched. LATERAL ... LIMIT 1 keeps this one index range
    // probe per word; as EXISTS the planner may hash-join every term of the tenant instead.
    `present AS (SELECT DISTINCT q.word FROM q CROSS JOIN LATERAL (
        SELECT 1 FROM poc_terms t
         WHERE t.tenant_id = $1 AND t.term >= q.lo COLLATE "C" AND t.term < q.hi COLLATE "C" AND ${TERM_VISIBLE} LIMIT 1) e
       WHERE NOT q.typo)`,
    // OFFSET 0 keeps the LATERAL a per-probe index range scan: it cannot be flattened into a
    // join the planner might run as one scan of the tenant's whole term index.
    ...matchedCtes(
      `SELECT t.poc_id, q.word, q.score * t.weight AS score
        FROM q CROSS JOIN LATERAL (SELECT t.poc_id, t.weight FROM poc_terms t
               WHERE t.tenant_id = $1 AND t.term >= q.lo COLLATE "C" AND t.term < q.hi COLLATE "C" AND ${TERM_VISIBLE} OFFSET 0) t
       WHERE NOT q.typo OR q.word NOT IN (SELECT word FROM present)`,
      text.words,
      param,
    ),
  ];
}

/**
 * POCs matching every query word (as typed, as a prefix, or with one typo), ranked by the sum of
 * each word's best hit; name matches weigh more. One word needs one grouping, not two: most
 * searches are one word, and grouping thousands of hits twice was a fifth of their time.
 */
function matchedCtes(hits: string, words: number, param: (value: unknown, cast: string) => string): string[] {
  if (words === 1) return [`matched AS (SELECT h.poc_id, max(h.score)::real AS rank FROM (${hits}) h GROUP BY h.poc_id)`];
  return [
    `hits AS (SELECT h.poc_id, h.word, max(h.score) AS score FROM (${hits}) h GROUP BY h.poc_id, h.word)`,
    `matched AS (SELECT poc_id, sum(score)::real AS rank FROM hits GROUP BY poc_id HAVING count(*) = ${param(words, 'int')})`,
  ];
}

function jsonColumns(): string {
  return VIEW_COLUMNS.split(',')
    .map((c) => c.trim())
    .map((c) => `'${c.slice(2)}', ${c}`)
    .join(', ');
}
