import { randomUUID } from 'node:crypto';
import test from 'ava';
import type { ServiceBroker } from 'moleculer';
import { Client } from 'pg';
import { QueryTypes } from 'sequelize';
import { Database } from '../../infra/db/database';
import { MemoryKeyValueStore } from '../../infra/kv/MemoryKeyValueStore';
import { silentLogger } from '../../infra/logger';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { FacetCounts } from './FacetCounts';
import { filteredQuery } from './filteredQuery';
import { pocModels } from './models';
import { draftFrom, filtersFrom } from './normalize';
import { PocRepository } from './PocRepository';
import { Search } from './Search';
import { SharedSequelizeAdapter } from './SharedSequelizeAdapter';
import { TagIndex } from './TagIndex';
import { withTenantQuery } from './tenantQuery';
import { termQuery } from './text';

// A tenant that grew faster than PostgreSQL re-analyzed `pocs` and `poc_terms`: the statistics
// say the tenant has no rows, so the planner believes its common word matches one POC. The
// search's plan must not then read every row of the tenant once per match.
const SMALL = randomUUID();
const GROWN = randomUUID();
const USER = randomUUID();
const OTHER = randomUUID();
const GROWN_POCS = 3_000;

let db: TestDatabase;
let owner: Client;
let database: Database;
let search: Search;

test.before(async () => {
  db = await createTestDatabase();
  // The table owner: ANALYZE run as pocdojo_app is skipped without a word.
  owner = new Client({ connectionString: db.url });
  await owner.connect();
  await owner.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Small', $3), ($2, 'Grown', $4)`, [SMALL, GROWN, `s-${SMALL.slice(0, 8)}`, `g-${GROWN.slice(0, 8)}`]);
  await owner.query(
    `INSERT INTO users (id, tenant_id, username, email, first_name, last_name, password_hash) VALUES ($1, $2, 'u1', 'u1@x.test', 'F', 'L', '-'), ($3, $4, 'u2', 'u2@x.test', 'F', 'L', '-')`,
    [USER, GROWN, OTHER, SMALL],
  );
  // Kept stale for the test's length, whatever the thresholds of the migrations.
  await owner.query(`ALTER TABLE pocs SET (autovacuum_enabled = false); ALTER TABLE poc_terms SET (autovacuum_enabled = false)`);

  database = new Database({ url: db.url, logger: silentLogger });
  const models = pocModels(database.sequelize);
  const adapter = new SharedSequelizeAdapter(() => database.sequelize);
  adapter.init({} as ServiceBroker, { schema: { model: models.Poc }, logger: silentLogger } as never);
  await adapter.connect();
  const pocs = new PocRepository(database, models, adapter);
  const facets = new FacetCounts(database);
  search = new Search(database, facets, new TagIndex(new MemoryKeyValueStore(), facets));

  const draft = (name: string) => draftFrom({ name, description: 'a small service', repo_url: 'https://example.com/r', language: 'Go', tags: ['api'], frameworks: [], is_public: true });
  for (let i = 0; i < 20; i++) await pocs.create(SMALL, OTHER, draft(`early ${i}`));
  await owner.query('ANALYZE pocs, poc_terms');
  // Then the other tenant's thousands arrive in bulk, between two analyzes: the same rows the
  // repository writes, by SQL (the test would otherwise spend most of its time creating them).
  await owner.query(`SELECT set_config('app.rls_bypass', 'on', false)`);
  await owner.query(
    `WITH ins AS (
       INSERT INTO pocs (id, tenant_id, owner_id, name, description, repo_url, language, language_key, is_public, tags, tag_keys, frameworks, framework_keys, created, updated)
       SELECT gen_random_uuid(), $1, $2, 'grown ' || g, 'a shared service number ' || g, 'https://example.com/r', 'Go', 'go', true,
              ARRAY['api']::varchar[], ARRAY['api']::varchar[], ARRAY[]::varchar[], ARRAY[]::varchar[], now() - g * interval '1 minute', now()
         FROM generate_series(1, $3::int) AS g
       RETURNING id, name, description, created),
     tags AS (INSERT INTO poc_tags (tenant_id, poc_id, tag, tag_key, created) SELECT $1, id, 'api', 'api', created FROM ins)
     INSERT INTO poc_terms (tenant_id, term, poc_id, weight)
     SELECT $1, w.term, ins.id, max(w.weight) FROM ins, LATERAL (
       SELECT unnest(string_to_array(ins.name, ' ')) AS term, 3 AS weight
       UNION ALL SELECT unnest(string_to_array(ins.description, ' ')), 1) w
      GROUP BY ins.id, w.term`,
    [GROWN, USER, GROWN_POCS],
  );
});

test.after.always(async () => {
  await owner?.end();
  await database?.close();
  await db?.drop();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Rows each node (each scan of `relation` if given) produced or threw away, over all of its loops. */
function rowsRead(node: PlanNode, relation?: string): number {
  const own =
    relation === undefined || node['Relation Name'] === relation
      ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * node['Actual Loops']
      : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child, relation), 0);
}

// Alone, and with a tag all matches carry: past TEXT_MATCHES_READ_ONE_BY_ONE matches the tag's id
// set narrows them first (the other branch of filteredQuery).
for (const query of [{ q: 'service' }, { q: 'service', tag: 'api' }]) {
  test(`${JSON.stringify(query)} of a tenant grown past its statistics reads each matching row a bounded number of times`, async (t) => {
    const { sql, bind } = filteredQuery(
      GROWN,
      USER,
      filtersFrom({ ...query, limit: 10 }),
      termQuery(query.q, () => []),
    );
    // Timings not asserted (the machine is shared); for { q: 'service' }: 2.4 s before the
    // lookup by id, 32 ms after (medians of 5 in one run).
    const [explained] = await withTenantQuery(database, GROWN, () =>
      database.sequelize.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, { bind, type: QueryTypes.SELECT }),
    );
    const plan = explained!['QUERY PLAN'][0].Plan;
    // Each matching POC is read for the matches and again for the page: a plan that rescans the
    // tenant (or a set of its ids) per match processes millions of rows (before the lookup by id:
    // 4.5M rows of pocs for the word alone, 36M in all with the tag; after: about 40k and 57k).
    const pocs = rowsRead(plan, 'pocs');
    t.true(pocs <= 3 * GROWN_POCS, `pocs rows read: ${pocs}`);
    const all = rowsRead(plan);
    t.true(all <= 40 * GROWN_POCS, `rows through all plan nodes: ${all}`);
  });
}

test('the search tables are re-analyzed after a hundredth of their rows change', async (t) => {
  const { rows } = await owner.query<{ relname: string; reloptions: string[] }>(`SELECT relname, reloptions FROM pg_class WHERE relname IN ('pocs', 'poc_terms') AND relkind = 'r' ORDER BY relname`);
  t.deepEqual(
    rows.map((r) => [r.relname, r.reloptions.filter((o) => o.startsWith('autovacuum_analyze')).sort()]),
    ['poc_terms', 'pocs'].map((name) => [name, ['autovacuum_analyze_scale_factor=0.01', 'autovacuum_analyze_threshold=1000']]),
  );
});

test('the search of a tenant grown past its statistics finds every match', async (t) => {
  const result = await search.search(GROWN, USER, filtersFrom({ q: 'service', limit: 5 }));
  t.is(result.total, GROWN_POCS);
  t.is(result.items.length, 5);
  t.true(result.items.every((item) => item.description.includes('service')));
  t.deepEqual(result.facets.languages, [{ value: 'Go', count: GROWN_POCS }]);
  const tagged = await search.search(GROWN, USER, filtersFrom({ q: 'service', tag: 'api', limit: 5 }));
  t.is(tagged.total, GROWN_POCS);
  t.is(tagged.items.length, 5);
  const small = await search.search(SMALL, OTHER, filtersFrom({ q: 'service' }));
  t.is(small.total, 20);
});
