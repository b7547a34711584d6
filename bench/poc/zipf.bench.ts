import { randomBytes, randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { signAccessToken } from '../../infra/auth/jwt';
import { authed, createTenant } from '../../test/support/accounts';
import { startTestNode } from '../../test/support/node';
import type { Row } from '../lib/table';
import { filteredQuery } from '../../actors/poc/filteredQuery';
import { filtersFrom } from '../../actors/poc/normalize';
import { withTenantQuery } from '../../actors/poc/tenantQuery';
import { termQuery } from '../../actors/poc/text';
import { naiveSearch } from './queries';
import { argv, percentile } from './search.bench';
import { ZIPF_CLASSES, ZipfWorld, zipfQuery, type ZipfQuery } from './zipfData';

const IN_FLIGHT = 32;
const MEMBERS = 10;

/**
 * Issue 22's measurement, through the gateway as a client: one tenant of `--size` POCs (default
 * 20,000) created through `POST /v1/pocs` with 32 in flight, Zipf words, tags and languages
 * (bench/poc/zipfData.ts); the creation rate over the first and the last `--window` creates;
 * facets checked against a recount; then `--queries` searches per class (default 200), each as a
 * random member, uncached (the tenant's cache version moved first, as a write does) then
 * repeated (cached), and the naive ILIKE + GROUP BY search on the same rows in the same run.
 * Real services with DATABASE_URL, REDIS_URL, TRANSPORTER; embedded otherwise.
 */
export async function run(): Promise<Row[]> {
  const log = (m: string) => process.stderr.write(`[poc-zipf bench] ${m}\n`);
  const size = Number(argv('size') ?? process.env.POC_ZIPF_SIZE ?? 20_000);
  const samples = Number(argv('queries') ?? 200);
  const window = Number(argv('window') ?? Math.max(200, Math.round(size / 20)));
  const jwtSecret = randomBytes(32).toString('hex');
  const app = await startTestNode({ services: ['gateway', 'tenant', 'poc'], env: { JWT_SECRET: jwtSecret } });
  try {
    const { infra } = app.node;
    const database = infra.database;
    if (!database) throw new Error('the bench needs a database');
    // The admin signs up as a client does; the members are rows (logging 9 people in at once
    // through the hashing pool is refused with 503 on a loaded machine, and is not measured).
    const tenant = await createTenant(app);
    const members = Array.from({ length: MEMBERS - 1 }, () => randomUUID());
    await database.asSystem(async () => {
      for (const id of members) {
        await database.sequelize.query(`INSERT INTO users (id, tenant_id, username, email, first_name, last_name, password_hash) VALUES ($1, $2, $3, $4, 'Max', 'Member', '-')`, {
          bind: [id, tenant.tenantId, `m${id.slice(0, 8)}`, `${id.slice(0, 8)}@bench.test`],
        });
      }
    });
    const users = [tenant.admin.userId, ...members].map((id, i) => ({
      id,
      // Valid for the whole run: the load outlasts an access token.
      headers: authed(signAccessToken({ sub: id, tid: tenant.tenantId, role: i === 0 ? 'admin' : 'member', sid: randomUUID() }, jwtSecret, 6 * 3600)),
    }));
    const world = new ZipfWorld();

    // Creation, 32 in flight.
    const done: number[] = [];
    let next = 0;
    let failed = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < size) {
        const i = next++;
        const res = await fetch(`${app.url}/v1/pocs`, { method: 'POST', headers: (users[i % MEMBERS] as (typeof users)[number]).headers, body: JSON.stringify(world.poc(i)) });
        await res.arrayBuffer();
        if (res.status !== 201) failed++;
        done.push(performance.now());
        if (done.length % 5_000 === 0) log(`${done.length} created, ${(done.length / ((performance.now() - started) / 1000)).toFixed(0)}/s overall`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const rate = (from: number, to: number) => (to - from) / (((done[to - 1] as number) - (from === 0 ? started : (done[from - 1] as number))) / 1000);
    const startRate = rate(0, window);
    const endRate = rate(done.length - window, done.length);
    log(`created ${size} (${failed} failed): ${startRate.toFixed(0)}/s over the first ${window}, ${endRate.toFixed(0)}/s over the last ${window}`);

    // Facets against a recount, for one member, after the folds ran.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    // What autovacuum does minutes after a bulk load (statistics, visibility map for index-only
    // reads); `--analyze false` measures the freshly loaded state instead.
    // As the tables' owner (the session user): pocdojo_app may not, and PostgreSQL only warns.
    if (argv('analyze') !== 'false') {
      await database.sequelize.transaction(async () => {
        await database.sequelize.query('SET LOCAL ROLE NONE');
        await database.sequelize.query('ANALYZE pocs, poc_terms, poc_term_deletes, poc_tags, poc_frameworks, poc_facet_counts, poc_facet_deltas, poc_labels');
      });
    }
    const viewer = users[1] as (typeof users)[number];
    const browse = (await (await fetch(`${app.url}/v1/pocs`, { headers: viewer.headers })).json()) as { total: number; facets: Record<'languages' | 'tags', Array<{ value: string; count: number }>> };
    const recount = await database.asSystem(() =>
      database.sequelize.query<{ dim: string; value: string; n: number }>(
        `SELECT 'total' AS dim, '' AS value, count(*)::int AS n FROM pocs p WHERE tenant_id = $1 AND deleted_at IS NULL AND (is_public OR owner_id = $2)
         UNION ALL SELECT 'languages', language, count(*)::int FROM pocs WHERE tenant_id = $1 AND deleted_at IS NULL AND (is_public OR owner_id = $2) GROUP BY language
         UNION ALL SELECT 'tags', t, count(*)::int FROM pocs, unnest(tags) t WHERE tenant_id = $1 AND deleted_at IS NULL AND (is_public OR owner_id = $2) GROUP BY t`,
        { bind: [tenant.tenantId, viewer.id], type: QueryTypes.SELECT },
      ),
    );
    const counted = new Map(recount.map((r) => [`${r.dim}:${r.value}`, r.n]));
    const exact =
      browse.total === counted.get('total:') &&
      [...browse.facets.languages.map((f) => ['languages', f] as const), ...browse.facets.tags.map((f) => ['tags', f] as const)].every(([dim, f]) => counted.get(`${dim}:${f.value}`) === f.count);
    log(`facets ${exact ? 'equal' : 'DIFFER FROM'} a recount (total ${browse.total})`);

    const rows: Row[] = [
      {
        class: `create, ${IN_FLIGHT} in flight`,
        matches: `${size} POCs`,
        'p50 ms': `${startRate.toFixed(0)}/s first ${window}`,
        'p95 ms': `${endRate.toFixed(0)}/s last ${window}`,
        'p99 ms': `x${(endRate / startRate).toFixed(2)}`,
        'cached p95': exact ? 'facets = recount' : 'facets differ',
        'naive p95': `${failed} failed`,
      },
    ];
    const search = async (headers: Record<string, string>, query: ZipfQuery) => {
      const t0 = performance.now();
      const res = await fetch(`${app.url}/v1/pocs?${new URLSearchParams(query)}`, { headers });
      const body = (await res.json()) as { total: number };
      // Counted and reported, not fatal: one timeout on a loaded machine should not lose the run.
      if (res.status !== 200) log(`search ${JSON.stringify(query)} -> ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      return { ms: performance.now() - t0, total: body.total };
    };
    // `--explain word`: the plan of that word's search as the app runs it, for looking into a slow class.
    const explain = argv('explain');
    if (explain) {
      const viewerId = viewer.id;
      const text = termQuery(explain);
      const { sql, bind } = filteredQuery(tenant.tenantId, viewerId, filtersFrom({ q: explain }), text);
      const plan = await withTenantQuery(database, tenant.tenantId, () => database.sequelize.query<Record<string, string>>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, { bind, type: QueryTypes.SELECT }));
      log(`plan of q=${explain}:\n${plan.map((r) => Object.values(r)[0]).join('\n')}`);
    }
    const reads = async (result: 'hit' | 'miss') => {
      const text = await (await fetch(`${app.opsUrl}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`pocdojo_poc_cache_reads_total{action="poc.search",result="${result}"}`));
      return Number(line?.split(' ')[1] ?? 0);
    };
    for (const kind of samples > 0 ? ZIPF_CLASSES : []) {
      const [hits, misses] = [await reads('hit'), await reads('miss')];
      const uncached: number[] = [];
      const cached: number[] = [];
      const naive: number[] = [];
      const totals: number[] = [];
      let naiveSpent = 0;
      for (let i = 0; i < samples; i++) {
        const user = users[Math.floor(world.random() * MEMBERS)] as (typeof users)[number];
        const query = zipfQuery(world, kind);
        // As a write would: this tenant's cached answers are unreachable from now on.
        await infra.kv.incr(`poc:cache:${tenant.tenantId}:ver`);
        const first = await search(user.headers, query);
        uncached.push(first.ms);
        totals.push(first.total);
        cached.push((await search(user.headers, query)).ms);
        // The naive search may take seconds: up to 40 samples within 20 s (3 at least).
        if (naive.length < 3 || (naive.length < Math.min(samples, 40) && naiveSpent < 20_000)) {
          const t0 = performance.now();
          await naiveSearch(database, tenant.tenantId, user.id, query);
          naive.push(performance.now() - t0);
          naiveSpent += performance.now() - t0;
        }
      }
      for (const list of [uncached, cached, naive, totals]) list.sort((a, b) => a - b);
      const served = `${(await reads('hit')) - hits} hits/${(await reads('miss')) - misses} misses`;
      const p95 = percentile(uncached, 0.95);
      rows.push({
        class: kind,
        matches: `median ${percentile(totals, 0.5)}`,
        'p50 ms': percentile(uncached, 0.5),
        'p95 ms': p95,
        'p99 ms': percentile(uncached, 0.99),
        'cached p50': percentile(cached, 0.5),
        'cached p95': percentile(cached, 0.95),
        'cached p99': percentile(cached, 0.99),
        'naive p95': percentile(naive, 0.95),
        'x naive p95': percentile(naive, 0.95) / p95,
        cache: served,
      });
      log(
        `${kind}: p95 ${p95.toFixed(1)} ms, cached p95 ${percentile(cached, 0.95).toFixed(2)} ms, naive p95 ${percentile(naive, 0.95).toFixed(1)} ms, median hits ${percentile(totals, 0.5)}, ${served}`,
      );
    }
    return rows;
  } finally {
    await app.stop();
  }
}
