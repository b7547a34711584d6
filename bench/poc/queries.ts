import { QueryTypes } from 'sequelize';
import type { Database } from '../../infra/db/database';
import { withTenantQuery } from '../../actors/poc/tenantQuery';
import { LANGUAGES, tags as tagList, vocabulary } from './vocabulary';

export type QueryKind = 'q' | 'q with a typo' | 'language' | 'tag' | 'q+language+tag' | 'no filter';
export const KINDS: readonly QueryKind[] = ['q', 'q with a typo', 'language', 'tag', 'q+language+tag', 'no filter'];

export interface BenchQuery {
  q?: string;
  language?: string;
  tag?: string;
}

function prng(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

/**
 * What users search for, drawn like a query log: words of the 1,000 most used (the generator
 * draws from 4,000 with a long tail, so a query matches from a few dozen to ~10% of the POCs),
 * every language, the 100 most used tags. A typo is two neighbouring letters swapped.
 */
export function querySet(kind: QueryKind, size = 40): BenchQuery[] {
  const random = prng(7 + KINDS.indexOf(kind));
  const words = vocabulary().slice(0, 1000);
  const tags = tagList().slice(0, 100);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const typo = (w: string) => (w.length < 5 ? w : `${w.slice(0, 2)}${w[3]}${w[2]}${w.slice(4)}`);
  return Array.from({ length: size }, (_, i): BenchQuery => {
    switch (kind) {
      case 'q':
        return { q: pick(words) };
      case 'q with a typo':
        return { q: typo(pick(words.filter((w) => w.length >= 5))) };
      case 'language':
        return { language: LANGUAGES[i % LANGUAGES.length] as string };
      case 'tag':
        return { tag: pick(tags) };
      // Drawn from real rows instead (see combinedQueries): random combinations rarely match.
      case 'q+language+tag':
        return { q: pick(words), language: pick(LANGUAGES), tag: pick(tags.slice(0, 30)) };
      case 'no filter':
        return {};
    }
  });
}

/**
 * Combined searches that find something: a name word, the language and a tag of POCs the user
 * may see, as someone narrowing down to a POC they half remember would type them.
 */
export async function combinedQueries(database: Database, tenantId: string, userId: string, size = 40): Promise<BenchQuery[]> {
  const rows = await withTenantQuery(database, tenantId, () =>
    database.sequelize.query<{ name: string; language: string; tags: string[] }>(
      `SELECT name, language, tags FROM pocs TABLESAMPLE SYSTEM (5) REPEATABLE (7)
        WHERE tenant_id = $1 AND deleted_at IS NULL AND (is_public OR owner_id = $2) AND cardinality(tags) > 0 LIMIT $3`,
      { bind: [tenantId, userId, size], type: QueryTypes.SELECT },
    ),
  );
  return rows.map((r, i) => ({ q: r.name.split(' ')[i % 2] ?? r.name, language: r.language, tag: r.tags[0] as string }));
}

/**
 * The search a first implementation would write: ILIKE on name and description, one GROUP BY
 * per facet, a COUNT, a page; same role, same row-level security, same visibility rule.
 */
export async function naiveSearch(database: Database, tenantId: string, userId: string, query: BenchQuery): Promise<number> {
  const bind: unknown[] = [tenantId, userId];
  const where = ['p.tenant_id = $1', 'p.deleted_at IS NULL', '(p.is_public OR p.owner_id = $2)'];
  if (query.q) {
    bind.push(`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`(p.name ILIKE $${bind.length} OR p.description ILIKE $${bind.length})`);
  }
  if (query.language) {
    bind.push(query.language);
    where.push(`p.language ILIKE $${bind.length}`);
  }
  if (query.tag) {
    bind.push(query.tag);
    where.push(`EXISTS (SELECT 1 FROM poc_tags t WHERE t.tenant_id = $1 AND t.poc_id = p.id AND t.tag ILIKE $${bind.length})`);
  }
  const filtered = `FROM pocs p WHERE ${where.join(' AND ')}`;
  return withTenantQuery(database, tenantId, async () => {
    const run = (sql: string) => database.sequelize.query<Record<string, unknown>>(sql, { bind, type: QueryTypes.SELECT });
    await run(`SELECT p.* ${filtered} ORDER BY p.created DESC LIMIT 20`);
    const [count] = await run(`SELECT count(*)::int AS n ${filtered}`);
    await run(`SELECT p.language, count(*) ${filtered} GROUP BY p.language ORDER BY 2 DESC LIMIT 50`);
    await run(`SELECT t.tag, count(*) ${filtered.replace('FROM pocs p', 'FROM pocs p JOIN poc_tags t ON t.poc_id = p.id')} GROUP BY t.tag ORDER BY 2 DESC LIMIT 50`);
    await run(`SELECT f.framework, count(*) ${filtered.replace('FROM pocs p', 'FROM pocs p JOIN poc_frameworks f ON f.poc_id = p.id')} GROUP BY f.framework ORDER BY 2 DESC LIMIT 50`);
    return Number(count?.n ?? 0);
  });
}
