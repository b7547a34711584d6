import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { FRAMEWORKS, LANGUAGES, tags as tagList, vocabulary } from './vocabulary';

/** The tenants whose search is measured, by rows at scale 1; the rest share what remains. */
export const MEASURED_SIZES = [200_000, 50_000, 10_000] as const;
export const TOTAL_ROWS = 1_000_000;
export const TENANTS = 100;

export interface TenantPlan {
  index: number;
  id: string;
  rows: number;
  users: number;
}

export interface GenerateOptions {
  url: string;
  /** 1 = 1M POCs; 0.1 = 100k with every tenant a tenth of its size. */
  scale: number;
  /** Parallel loading connections. */
  workers?: number;
  log?: (message: string) => void;
}

/** The uuid PostgreSQL makes of `md5(text)::uuid`, so the bench knows ids without asking. */
export function md5Uuid(text: string): string {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const userId = (tenant: number, user: number) => md5Uuid(`u${tenant}-${user}`);

export function plan(scale: number): TenantPlan[] {
  const sizes = MEASURED_SIZES.map((n) => Math.round(n * scale));
  const rest = Math.round(TOTAL_ROWS * scale) - sizes.reduce((a, b) => a + b, 0);
  const others = TENANTS - sizes.length;
  for (let i = 0; i < others; i++) sizes.push(Math.floor(rest / others) + (i < rest % others ? 1 : 0));
  return sizes.map((rows, index) => ({ index, id: md5Uuid(`t${index}`), rows, users: Math.max(10, Math.ceil(rows / 100)) }));
}

const TABLES = ['poc_favorites', 'poc_tags', 'poc_frameworks', 'poc_terms', 'poc_term_deletes', 'poc_facet_counts', 'poc_facet_deltas', 'pocs'];
const CHUNK = 25_000;

/**
 * Loads the POCs of `plan(scale)` with `INSERT ... SELECT generate_series`, the rows drawn inside
 * PostgreSQL with skewed distributions (a few words, tags and languages are frequent, most are
 * rare, as in real data). Indexes are dropped first and rebuilt once at the end, chunks load on
 * several connections, then VACUUM ANALYZE leaves the planner statistics and visibility map a
 * long-running database would have.
 */
export async function generate(options: GenerateOptions): Promise<TenantPlan[]> {
  const log = options.log ?? (() => undefined);
  const tenants = plan(options.scale);
  const admin = await connect(options.url);
  const replica = (await admin.query<{ role: string }>(`SELECT current_setting('session_replication_role') AS role`)).rows[0]?.role === 'replica';
  try {
    const started = Date.now();
    await seedAccounts(admin, tenants);
    const rebuild = await dropIndexes(admin);
    await unlogged(admin);
    const chunks = tenants.flatMap((t) => {
      const out: Array<{ tenant: TenantPlan; from: number; to: number }> = [];
      for (let from = 1; from <= t.rows; from += CHUNK) out.push({ tenant: t, from, to: Math.min(t.rows, from + CHUNK - 1) });
      return out;
    });
    const words = vocabulary();
    const tagNames = tagList();
    await inParallel(options.workers ?? 3, options.url, chunks, (client, c) => loadChunk(client, c.tenant, c.from, c.to, words, tagNames));
    log(`rows loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await favorites(admin, tenants);
    // Without the replica role the trigger counted every row as it was loaded.
    if (replica) await inParallel(options.workers ?? 3, options.url, tenants, (client, t) => facetCounts(client, t).then(() => labels(client, t)));
    log(`facet counts at ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const run = (client: Client, sql: string) => client.query(sql).then(() => undefined);
    // Keys first: the foreign keys need pocs' key, and each key build is one table's sort.
    await inParallel(options.workers ?? 3, options.url, rebuild.keys, run);
    await inParallel(options.workers ?? 3, options.url, rebuild.rest, run);
    log(`indexes rebuilt at ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // Both need the keys back (ON CONFLICT). Without the replica role the trigger left one pending
    // write per public POC (migration 945): folded as the app does shortly after writes.
    if (!replica)
      await inParallel(options.workers ?? 3, options.url, tenants, (client, t) =>
        client.query(`SELECT poc_facet_deltas_fold($1::uuid), poc_overview_deltas_fold($1::uuid)`, [t.id]).then(() => undefined),
      );
    await inParallel(options.workers ?? 3, options.url, tenants, spellings);
    await admin.query(`VACUUM ANALYZE ${TABLES.join(', ')}`);
    log(`vacuumed at ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return tenants;
  } finally {
    await admin.end();
  }
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  // A fresh benchmark database: no policy to honour while loading, and the foreign keys are
  // satisfied by construction (superuser only; without it the load is slower, not wrong).
  await client.query(`SELECT set_config('app.rls_bypass', 'on', false)`);
  await client.query(`SET session_replication_role = replica`).catch(() => undefined);
  await client.query(`SET maintenance_work_mem = '512MB'`);
  // Big aggregates stay in memory, and no statement pays LLVM compilation (JIT) it never recoups.
  await client.query(`SET work_mem = '256MB'`);
  await client.query(`SET jit = off`);
  await client.query(`SET synchronous_commit = off`);
  return client;
}

async function inParallel<T>(workers: number, url: string, items: T[], work: (client: Client, item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(workers, queue.length) }, async () => {
      const client = await connect(url);
      try {
        for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(client, item);
      } finally {
        await client.end();
      }
    }),
  );
}

async function seedAccounts(client: Client, tenants: TenantPlan[]): Promise<void> {
  await client.query(
    `INSERT INTO tenants (id, name, slug)
     SELECT md5('t' || i)::uuid, 'Bench tenant ' || i, 'bench-' || i FROM unnest($1::int[]) AS i`,
    [tenants.map((t) => t.index)],
  );
  await client.query(
    `INSERT INTO users (id, tenant_id, username, email, first_name, last_name, password_hash, status)
     SELECT md5('u' || t.i || '-' || j)::uuid, md5('t' || t.i)::uuid, 'u' || j, 'u' || j || '@bench.test', 'Bench', 'User', '-', 'A'
       FROM unnest($1::int[], $2::int[]) AS t(i, n), generate_series(1, t.n) AS j`,
    [tenants.map((t) => t.index), tenants.map((t) => t.users)],
  );
}

/**
 * A throw-away benchmark database needs no crash safety: skipping the write-ahead log for the
 * poc tables halves the load time and changes nothing in how queries run. (The tables are
 * empty, so this is instant; referencing tables go first.)
 */
async function unlogged(client: Client): Promise<void> {
  for (const table of TABLES) await client.query(`ALTER TABLE ${table} SET UNLOGGED`).catch(() => undefined);
}

/** Drops the keys, foreign keys to pocs and secondary indexes of the poc tables; returns the SQL restoring them. */
async function dropIndexes(client: Client): Promise<{ keys: string[]; rest: string[] }> {
  const constraints = async (where: string) =>
    (
      await client.query<{ table: string; name: string; def: string }>(
        `SELECT c.conrelid::regclass::text AS table, c.conname AS name, pg_get_constraintdef(c.oid) AS def
           FROM pg_constraint c WHERE ${where}`,
        [TABLES],
      )
    ).rows;
  const keys = await constraints(`c.contype = 'p' AND c.conrelid::regclass::text = ANY($1)`);
  const fks = await constraints(`c.contype = 'f' AND c.confrelid::regclass::text = ANY($1)`);
  const { rows: indexes } = await client.query<{ name: string; def: string }>(
    `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
      WHERE i.schemaname = 'public' AND i.tablename = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [TABLES],
  );
  for (const f of fks) await client.query(`ALTER TABLE ${f.table} DROP CONSTRAINT ${f.name}`);
  for (const i of indexes) await client.query(`DROP INDEX ${i.name}`);
  for (const k of keys) await client.query(`ALTER TABLE ${k.table} DROP CONSTRAINT ${k.name}`);
  return {
    keys: keys.map((k) => `ALTER TABLE ${k.table} ADD CONSTRAINT ${k.name} ${k.def}`),
    // The rows satisfy the foreign keys by construction: restore them without re-checking 13M rows.
    rest: [...indexes.map((i) => i.def), ...fks.map((f) => `ALTER TABLE ${f.table} ADD CONSTRAINT ${f.name} ${f.def} NOT VALID`)],
  };
}

async function loadChunk(client: Client, tenant: TenantPlan, from: number, to: number, words: string[], tagNames: string[]): Promise<void> {
  // A word/tag/language of rank r is drawn with probability ~ r^(1/k - 1): a long-tailed mix.
  const pick = (list: string, n: string, k: number) => `(${list})[1 + floor(power(random(), ${k}) * ${n})::int]`;
  await client.query(
    `WITH src AS (
       SELECT g,
              md5('p' || $1::int || '-' || g)::uuid AS id,
              md5('u' || $1::int || '-' || (1 + floor(power(random(), 1.6) * $4::int)::int))::uuid AS owner_id,
              (SELECT string_agg(initcap(${pick('$5::text[]', '$6::int', 2.2)}), ' ') FROM generate_series(1, 2 + (g % 3)) s) AS name,
              (SELECT string_agg(${pick('$5::text[]', '$6::int', 1.8)}, ' ') FROM generate_series(1, 6 + (g % 9)) s) AS description,
              ${pick('$7::text[]', '$8::int', 1.9)} AS language,
              ARRAY(SELECT DISTINCT ${pick('$9::text[]', '$10::int', 2.4)} FROM generate_series(1, 1 + (g % 4)) s) AS tags,
              ARRAY(SELECT DISTINCT ${pick('$11::text[]', '$12::int', 2.0)} FROM generate_series(1, g % 3) s) AS frameworks,
              random() < 0.7 AS is_public,
              now() - random() * interval '1000 days' AS created,
              CASE WHEN random() < 0.01 THEN now() END AS deleted_at
         FROM generate_series($2::int, $3::int) AS g
     ),
     ins AS (
       INSERT INTO pocs (id, tenant_id, owner_id, name, description, repo_url, language, language_key, is_public,
                         tags, tag_keys, frameworks, framework_keys, deleted_at, created, updated)
       SELECT id, md5('t' || $1::int)::uuid, owner_id, name, initcap(description) || '.', 'https://git.example.com/bench/' || g,
              language, lower(language), is_public, tags, lower(tags::text)::varchar[], frameworks, lower(frameworks::text)::varchar[],
              deleted_at, created, created
         FROM src
       RETURNING id, tenant_id, owner_id, is_public, name, description, tags, tag_keys, frameworks, framework_keys, deleted_at, created
     ),
     live AS (SELECT * FROM ins WHERE deleted_at IS NULL),
     terms AS (
       INSERT INTO poc_terms (tenant_id, term, poc_id, weight, private_owner)
       SELECT live.tenant_id, w.term, live.id, w.weight, CASE WHEN live.is_public THEN NULL ELSE live.owner_id END FROM live CROSS JOIN LATERAL (
         SELECT term, max(weight) AS weight FROM (
           SELECT unnest(string_to_array(lower(live.name), ' ')) AS term, 3 AS weight
           UNION ALL SELECT unnest(string_to_array(rtrim(lower(live.description), '.'), ' ')), 1) x
         GROUP BY term) w
     ),
     t AS (INSERT INTO poc_tags (tenant_id, poc_id, tag, tag_key, created)
           SELECT live.tenant_id, live.id, u.d, u.k, live.created FROM live, unnest(live.tags, live.tag_keys) AS u(d, k)),
     f AS (INSERT INTO poc_frameworks (tenant_id, poc_id, framework, framework_key, created)
           SELECT live.tenant_id, live.id, u.d, u.k, live.created FROM live, unnest(live.frameworks, live.framework_keys) AS u(d, k))
     SELECT count(*) FROM ins`,
    [tenant.index, from, to, tenant.users, words, words.length, LANGUAGES, LANGUAGES.length, tagNames, tagNames.length, FRAMEWORKS, FRAMEWORKS.length],
  );
}

/** The spelling dictionary the repository keeps beside poc_terms (migration 946), in one pass. */
async function spellings(client: Client, tenant: TenantPlan): Promise<void> {
  await client.query(
    `INSERT INTO poc_term_deletes (tenant_id, del, term)
     SELECT t.tenant_id, d, t.term FROM (SELECT DISTINCT tenant_id, term FROM poc_terms WHERE tenant_id = $1) t, poc_term_deletes_of(t.term) AS d
     ON CONFLICT DO NOTHING`,
    [tenant.id],
  );
}

/** The labels the pocs trigger keeps (migration 910), in one pass. */
async function labels(client: Client, tenant: TenantPlan): Promise<void> {
  await client.query(
    `INSERT INTO poc_labels (tenant_id, dim, key, display)
     SELECT DISTINCT ON (v.dim, v.key) p.tenant_id, v.dim, v.key, v.display
       FROM pocs p, poc_facet_values(p.language_key, p.language, p.tag_keys::text[], p.tags::text[], p.framework_keys::text[], p.frameworks::text[]) AS v
      WHERE p.tenant_id = $1 AND p.deleted_at IS NULL AND v.dim <> '*'
      ORDER BY v.dim, v.key, p.created
     ON CONFLICT DO NOTHING`,
    [tenant.id],
  );
}

/** What the pocs trigger maintains, built in one pass (triggers do not fire in the replica role). */
async function facetCounts(client: Client, tenant: TenantPlan): Promise<void> {
  await client.query(
    `INSERT INTO poc_facet_counts (tenant_id, filter_dim, filter_key, dim, key, display, n)
     SELECT p.tenant_id, f.dim, f.key, x.dim, x.key, min(x.display), count(*)
       FROM pocs p,
            poc_facet_values(p.language_key, p.language, p.tag_keys::text[], p.tags::text[], p.framework_keys::text[], p.frameworks::text[]) AS f,
            poc_facet_values(p.language_key, p.language, p.tag_keys::text[], p.tags::text[], p.framework_keys::text[], p.frameworks::text[]) AS x
      WHERE p.tenant_id = $1 AND p.is_public AND p.deleted_at IS NULL
      GROUP BY 1, 2, 3, 4, 5`,
    [tenant.id],
  );
}

/** About 1% of POCs are someone's favorite, and each measured user has a few hundred. */
async function favorites(client: Client, tenants: TenantPlan[]): Promise<void> {
  await client.query(
    `INSERT INTO poc_favorites (tenant_id, user_id, poc_id)
     SELECT p.tenant_id, md5('u' || t.i || '-' || (1 + floor(random() * t.n)::int))::uuid, p.id
       FROM pocs p JOIN unnest($1::int[], $2::int[]) AS t(i, n) ON p.tenant_id = md5('t' || t.i)::uuid
      WHERE random() < 0.01
     ON CONFLICT DO NOTHING`,
    [tenants.map((t) => t.index), tenants.map((t) => t.users)],
  );
  for (const t of tenants.slice(0, MEASURED_SIZES.length)) {
    await client.query(
      `INSERT INTO poc_favorites (tenant_id, user_id, poc_id)
       SELECT p.tenant_id, $2::uuid, p.id FROM pocs p
        WHERE p.tenant_id = $1 AND p.deleted_at IS NULL AND (p.is_public OR p.owner_id = $2) AND random() < 0.003
       ON CONFLICT DO NOTHING`,
      [t.id, userId(t.index, 1)],
    );
  }
}
