import { randomUUID } from 'node:crypto';
import test from 'ava';
import type { ServiceBroker } from 'moleculer';
import { QueryTypes } from 'sequelize';
import { Database } from '../../infra/db/database';
import { MemoryKeyValueStore } from '../../infra/kv/MemoryKeyValueStore';
import { silentLogger } from '../../infra/logger';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { FacetCounts } from './FacetCounts';
import { pocModels } from './models';
import { changesFrom, draftFrom, filtersFrom, labelKey } from './normalize';
import { PocRepository } from './PocRepository';
import { Search } from './Search';
import { SharedSequelizeAdapter } from './SharedSequelizeAdapter';
import { TagIndex } from './TagIndex';
import { MIN_TYPO_LENGTH, oneEditApart, tokenize } from './text';
import type { FacetCount, PocView } from './views';

// The search SQL against a real PostgreSQL, checked against a brute-force model of the same rows
// after a random mix of creates, updates and deletes (seeded, so a failure replays).
const TENANT = randomUUID();
const OUTSIDER_TENANT = randomUUID();
const USERS = [randomUUID(), randomUUID(), randomUUID()];
const OUTSIDER = randomUUID();
// A third tenant for the concurrency test, so its writes change nothing the others count.
const BUSY_TENANT = randomUUID();
const BUSY = randomUUID();
// A fourth for the visibility test: two users, and no rows the model of TENANT would miss.
const SHARING_TENANT = randomUUID();
const SHARING = [randomUUID(), randomUUID()] as const;
const LANGUAGES = ['Go', 'go', 'Rust', 'TypeScript'];
const TAGS = ['api', 'API', 'cli', 'ml', 'Web', 'data', 'iot'];
const FRAMEWORKS = ['React', 'Axum', 'Gin'];
const WORDS = ['kafka', 'bridge', 'gateway', 'parser', 'vision', 'ledger', 'robot', 'cache', 'stream', 'token'];

let db: TestDatabase;
let database: Database;
let pocs: PocRepository;
let search: Search;
let facets: FacetCounts;
let narrowingSearch: Search;
/** `user:poc` pairs the users marked as favorite. */
const favorites = new Set<string>();
let index: TagIndex;
/** What the database should hold: the owner and the last view of each POC, undefined once deleted. */
const model = new Map<string, { owner: string; view: PocView | undefined }>();

function prng(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}
const random = prng(42);
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
const some = <T>(list: readonly T[], max: number) => [...new Set(Array.from({ length: Math.floor(random() * (max + 1)) }, () => pick(list)))];

test.before(async () => {
  db = await createTestDatabase();
  database = new Database({ url: db.url, logger: silentLogger });
  await database.asSystem(async () => {
    await database.sequelize.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'A', $2), ($3, 'B', $4), ($5, 'C', $6), ($7, 'D', $8)`, {
      bind: [TENANT, `a-${TENANT.slice(0, 8)}`, OUTSIDER_TENANT, `b-${TENANT.slice(0, 8)}`, BUSY_TENANT, `c-${TENANT.slice(0, 8)}`, SHARING_TENANT, `d-${TENANT.slice(0, 8)}`],
    });
    const members = [...USERS.map((u) => [u, TENANT]), [OUTSIDER, OUTSIDER_TENANT], [BUSY, BUSY_TENANT], ...SHARING.map((u) => [u, SHARING_TENANT])];
    for (const [id, tenant] of members) {
      await database.sequelize.query(`INSERT INTO users (id, tenant_id, username, email, first_name, last_name, password_hash) VALUES ($1, $2, $3, $4, 'F', 'L', '-')`, {
        bind: [id, tenant, `u${id.slice(0, 8)}`, `${id.slice(0, 8)}@x.test`],
      });
    }
  });
  const models = pocModels(database.sequelize);
  const adapter = new SharedSequelizeAdapter(() => database.sequelize);
  adapter.init({} as ServiceBroker, { schema: { model: models.Poc }, logger: silentLogger } as never);
  await adapter.connect();
  pocs = new PocRepository(database, models, adapter);
  facets = new FacetCounts(database);
  index = new TagIndex(new MemoryKeyValueStore(), facets);
  search = new Search(database, facets, index);
  // The same search narrowing every text match by the filters' id sets, as it does past
  // thousands of matches on a large tenant.
  narrowingSearch = new Search(database, facets, index, 0);

  for (let i = 0; i < 120; i++) {
    const owner = pick(USERS);
    const { view } = await pocs.create(TENANT, owner, draftFrom(randomDraft()));
    model.set(view.id, { owner, view });
    if (random() < 0.2) {
      const fan = pick(USERS);
      const on = await pocs.toggleFavorite(TENANT, fan, view.id).catch(() => undefined);
      if (on) favorites.add(`${fan}:${view.id}`);
    }
  }
  const ids = [...model.keys()];
  for (let i = 0; i < 60; i++) {
    const id = pick(ids);
    const entry = model.get(id)!;
    if (!entry.view) continue;
    if (random() < 0.25) {
      await pocs.remove(TENANT, entry.owner, id);
      entry.view = undefined;
    } else {
      const { name, description, language, tags, frameworks, is_public } = randomDraft();
      const change = random() < 0.5 ? { language, tags, is_public } : { name, description, frameworks };
      entry.view = (await pocs.update(TENANT, entry.owner, id, changesFrom(change))).view;
    }
    await index.invalidate(TENANT);
  }
  await pocs.create(OUTSIDER_TENANT, OUTSIDER, draftFrom({ ...randomDraft(), is_public: true }));
});

test.after.always(async () => {
  await database?.close();
  await db?.drop();
});

function randomDraft() {
  return {
    name: `${pick(WORDS)} ${pick(WORDS)}`,
    description: some(WORDS, 4).join(' '),
    repo_url: 'https://example.com/r',
    language: pick(LANGUAGES),
    tags: some(TAGS, 3),
    frameworks: some(FRAMEWORKS, 2),
    is_public: random() < 0.6,
  };
}

/** What a user may see, the brute-force way. */
function visible(user: string): PocView[] {
  return [...model.values()].filter((e) => e.view && (e.view.is_public || e.owner === user)).map((e) => e.view as PocView);
}

function expectedCounts(rows: PocView[]) {
  const count = (values: string[][]) => {
    const map = new Map<string, number>();
    for (const list of values) for (const v of new Set(list.map(labelKey))) map.set(v, (map.get(v) ?? 0) + 1);
    return sorted(map);
  };
  return { total: rows.length, languages: count(rows.map((r) => [r.language])), tags: count(rows.map((r) => r.tags)), frameworks: count(rows.map((r) => r.frameworks)) };
}

// Compared as plain objects with sorted keys: the display form and tie order may differ by path.
const sorted = (map: Map<string, number>) => Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)));
const byKey = (facets: FacetCount[]) => sorted(new Map(facets.map((f) => [labelKey(f.value), f.count])));

function favoriteMatches(user: string, row: PocView, query: Record<string, unknown>): boolean {
  return query.favorite === undefined || favorites.has(`${user}:${row.id}`) === (query.favorite === 'true');
}

function matches(row: PocView, query: Record<string, unknown>, seen: PocView[] = []): boolean {
  const has = (list: string[], value: unknown) => list.map(labelKey).includes(labelKey(String(value)));
  if (query.language && labelKey(row.language) !== labelKey(String(query.language))) return false;
  for (const tag of [query.tag ?? []].flat()) if (!has(row.tags, tag)) return false;
  if (query.framework && !has(row.frameworks, query.framework)) return false;
  if (query.q) {
    const wordsOf = (r: PocView) => tokenize(`${r.name} ${r.description}`);
    const words = wordsOf(row);
    const wanted = tokenize(String(query.q));
    const last = wanted.length - 1;
    const found = (w: string, i: number, list: string[]) => list.includes(w) || (i === last && w.length >= 3 && list.some((x) => x.startsWith(w)));
    // A word found as typed among what the caller sees is no typo; otherwise one edit away matches.
    const typo = (w: string, i: number) => w.length >= MIN_TYPO_LENGTH && !seen.some((r) => found(w, i, wordsOf(r))) && words.some((x) => oneEditApart(w, x));
    if (!wanted.every((w, i) => found(w, i, words) || typo(w, i))) return false;
  }
  return true;
}

const QUERIES: Array<Record<string, unknown>> = [
  {},
  { language: 'GO' },
  { language: 'rust' },
  { tag: 'api' },
  { tag: 'WEB' },
  { framework: 'react' },
  { tag: ['api', 'cli'] },
  { language: 'Go', tag: 'ml' },
  { language: 'TypeScript', framework: 'Axum' },
  { q: 'kafka' },
  { q: 'gateway parser' },
  { q: 'led' },
  { q: 'stream', language: 'go', tag: 'data' },
  { q: 'stream', language: 'go' },
  { q: 'gateway', framework: 'react', tag: 'api' },
  { q: 'kafka', favorite: 'true' },
  { q: 'kafka', favorite: 'false', language: 'rust' },
  { q: 'nosuchword' },
  { q: 'kafak' },
  { q: 'gatway parsr' },
  { q: 'ledgr', language: 'go' },
  { favorite: 'true' },
  { favorite: 'true', tag: 'api' },
];

for (const query of QUERIES) {
  test(`total, facets and pages agree with the rows: ${JSON.stringify(query)}`, async (t) => {
    for (const [user, engine] of USERS.flatMap((u) => [[u, search], ...(query.q ? [[u, narrowingSearch] as const] : [])] as const)) {
      const expected = visible(user).filter((row) => matches(row, query, visible(user)) && favoriteMatches(user, row, query));
      const result = await engine.search(TENANT, user, filtersFrom({ ...query, limit: 100 }));
      const counts = expectedCounts(expected);
      t.is(result.total, counts.total);
      t.deepEqual(byKey(result.facets.languages), counts.languages);
      t.deepEqual(byKey(result.facets.tags), counts.tags);
      t.deepEqual(byKey(result.facets.frameworks), counts.frameworks);
      t.deepEqual(result.items.map((p) => p.id).sort(), expected.map((p) => p.id).sort());
      if (!query.q) {
        const newest = [...expected].sort((a, b) => (a.created === b.created ? (a.id < b.id ? 1 : -1) : a.created < b.created ? 1 : -1));
        const page = await search.search(TENANT, user, filtersFrom({ ...query, limit: 7, offset: 3 }));
        t.deepEqual(
          page.items.map((p) => p.id),
          newest.slice(3, 10).map((p) => p.id),
        );
      }
    }
  });
}

// Rows of the maintained counts (folded plus pending writes) and of a fresh aggregate that are not in the other (both ways).
const COUNTS_DIFF = `
  WITH kept AS (SELECT filter_dim, filter_key, dim, key, sum(n)::int AS n FROM (
                  SELECT filter_dim, filter_key, dim, key, n FROM poc_facet_counts WHERE tenant_id = $1
                  UNION ALL
                  SELECT f.dim, f.key, x.dim, x.key, d.n FROM poc_facet_deltas d,
                         poc_facet_values(d.language_key, d.language, d.tag_keys, d.tags, d.framework_keys, d.frameworks) f,
                         poc_facet_values(d.language_key, d.language, d.tag_keys, d.tags, d.framework_keys, d.frameworks) x
                   WHERE d.tenant_id = $1) u
                 GROUP BY 1, 2, 3, 4 HAVING sum(n) > 0),
       fresh AS (SELECT f.dim AS filter_dim, f.key AS filter_key, x.dim, x.key, count(*)::int AS n FROM pocs p,
                   poc_facet_values(p.language_key, p.language, p.tag_keys::text[], p.tags::text[], p.framework_keys::text[], p.frameworks::text[]) f,
                   poc_facet_values(p.language_key, p.language, p.tag_keys::text[], p.tags::text[], p.framework_keys::text[], p.frameworks::text[]) x
                  WHERE p.tenant_id = $1 AND p.is_public AND p.deleted_at IS NULL GROUP BY 1, 2, 3, 4)
  (SELECT * FROM kept EXCEPT SELECT * FROM fresh) UNION ALL (SELECT * FROM fresh EXCEPT SELECT * FROM kept)`;

const countsDiff = async (tenantId: string) => (await database.asSystem(() => database.sequelize.query(COUNTS_DIFF, { bind: [tenantId] })))[0];

const pending = async (tenantId: string) =>
  Number(
    (await database.asSystem(() => database.sequelize.query<{ n: string }>(`SELECT count(*) AS n FROM poc_facet_deltas WHERE tenant_id = $1`, { bind: [tenantId], type: QueryTypes.SELECT })))[0]?.n,
  );

test('the maintained facet counts equal a fresh aggregate of the public rows, before and after a fold', async (t) => {
  t.true((await pending(TENANT)) > 0, 'the writes above are pending (nothing folds in this file unless asked)');
  t.deepEqual(await countsDiff(TENANT), []);
  const before = await search.search(TENANT, USERS[0] as string, filtersFrom({ tag: 'api' }));
  t.true(await facets.fold(TENANT));
  t.is(await pending(TENANT), 0);
  t.deepEqual(await countsDiff(TENANT), []);
  t.deepEqual(await search.search(TENANT, USERS[0] as string, filtersFrom({ tag: 'api' })), before);
});

test('popular tags and suggestions agree with the rows, and see nothing of another tenant', async (t) => {
  for (const user of USERS) {
    const expected = expectedCounts(visible(user)).tags;
    t.deepEqual(byKey(await index.popular(TENANT, user, 100)), expected);
    const suggested = byKey(await index.suggest(TENANT, user, 'A', 100));
    t.deepEqual(suggested, Object.fromEntries(Object.entries(expected).filter(([key]) => key.startsWith('a'))));
  }
  const outsider = await search.search(OUTSIDER_TENANT, OUTSIDER, filtersFrom({}));
  t.is(outsider.total, 1);
  t.is((await search.search(TENANT, OUTSIDER, filtersFrom({}))).items.filter((p) => !model.has(p.id)).length, 0);
  t.is((await search.search(OUTSIDER_TENANT, USERS[0] as string, filtersFrom({ q: 'kafka' }))).items.filter((p) => model.has(p.id)).length, 0);
});

test('concurrent writes sharing tags neither deadlock nor miscount', async (t) => {
  const draft = (i: number) =>
    draftFrom({ name: `busy ${i}`, repo_url: 'https://example.com/r', language: i % 2 ? 'Go' : 'Rust', tags: i % 3 ? ['b-api', 'b-web', 'b-ml'] : ['b-ml', 'b-api'], is_public: true });
  const created = await Promise.all(Array.from({ length: 16 }, (_, i) => pocs.create(BUSY_TENANT, BUSY, draft(i))));
  await Promise.all(created.map(({ view }, i) => pocs.update(BUSY_TENANT, BUSY, view.id, changesFrom({ tags: i % 2 ? ['b-web'] : ['b-ml', 'b-web', 'b-api'], is_public: i % 4 !== 0 }))));
  t.deepEqual(await countsDiff(BUSY_TENANT), []);
  // Folds racing with each other and with writes: one at a time folds, the others step aside.
  const racing = await Promise.all([facets.fold(BUSY_TENANT), facets.fold(BUSY_TENANT), pocs.create(BUSY_TENANT, BUSY, draft(99))]);
  t.true(racing.slice(0, 2).includes(true));
  await pocs.remove(BUSY_TENANT, BUSY, racing[2].view.id);
  await facets.fold(BUSY_TENANT);
  t.deepEqual(await countsDiff(BUSY_TENANT), []);
  const counts = await search.search(BUSY_TENANT, BUSY, filtersFrom({ tag: 'b-web' }));
  t.is(counts.total, 16);
});

test('text search follows a POC turning public and private again, for its owner and for others', async (t) => {
  const [owner, other] = SHARING;
  const word = `zz${randomUUID().slice(0, 8)}`;
  const found = async (user: string, q: string) => (await search.search(SHARING_TENANT, user, filtersFrom({ q }))).items.map((p) => p.id);
  const { view } = await pocs.create(SHARING_TENANT, owner, draftFrom({ name: `${word} probe`, description: 'visibility', repo_url: 'https://example.com/r', language: 'Go', is_public: false }));
  t.deepEqual(await found(owner, word), [view.id]);
  t.deepEqual(await found(other, word), []);
  await pocs.update(SHARING_TENANT, owner, view.id, changesFrom({ is_public: true }));
  t.deepEqual(await found(other, word), [view.id], 'public: everyone in the tenant finds it');
  t.deepEqual(await found(other, `${word.slice(0, 4)}x${word.slice(5)}`), [view.id], 'with a typo too');
  await pocs.update(SHARING_TENANT, owner, view.id, changesFrom({ is_public: false, name: `${word} renamed` }));
  t.deepEqual(await found(other, word), [], 'private again, renamed in the same change');
  t.deepEqual(await found(owner, 'renamed'), [view.id]);
  await pocs.update(SHARING_TENANT, owner, view.id, changesFrom({ is_public: true }));
  t.deepEqual(await found(other, 'renamed'), [view.id]);
  await pocs.remove(SHARING_TENANT, owner, view.id);
  t.deepEqual(await found(owner, word), []);
});
