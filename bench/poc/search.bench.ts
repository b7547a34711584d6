import { ServiceBroker } from 'moleculer';
import { FacetCounts } from '../../actors/poc/FacetCounts';
import { filtersFrom } from '../../actors/poc/normalize';
import { createPocService } from '../../actors/poc/poc.service';
import { Search } from '../../actors/poc/Search';
import { TagIndex } from '../../actors/poc/TagIndex';
import { ZodValidator } from '../../infra/broker/zodValidator';
import type { Infrastructure } from '../../infra/infrastructure';
import { Database } from '../../infra/db/database';
import { createKeyValueStore } from '../../infra/kv';
import { silentLogger } from '../../infra/logger';
import type { Row } from '../lib/table';
import { openBenchDatabase } from './benchDatabase';
import { MEASURED_SIZES, userId } from './generate';
import { combinedQueries, KINDS, naiveSearch, querySet, type BenchQuery } from './queries';

export interface PocBenchOptions {
  /** 1 = 1M POCs (tenants of 200k, 50k, 10k and 97 others); `--scale=0.05` for a quick run. */
  scale?: number;
  /** Timed searches per query kind and tenant, for the indexed search. */
  samples?: number;
  /** Time budget per query kind and tenant for the naive baseline (it may take seconds each). */
  baselineSeconds?: number;
  /** Reuse a database loaded by an earlier run with `keep` (DATABASE_URL only). */
  reuse?: boolean;
  keep?: boolean;
  log?: (message: string) => void;
}

export function argv(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  const arg = args[i] as string;
  if (arg.includes('=')) return arg.slice(arg.indexOf('=') + 1);
  const next = args[i + 1];
  return next === undefined || next.startsWith('--') ? 'true' : next;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}

async function measure(samples: number, budgetMs: number, queries: BenchQuery[], run: (q: BenchQuery) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  const deadline = performance.now() + budgetMs;
  for (let i = 0; i < samples && (i < 3 || performance.now() < deadline); i++) {
    const query = queries[i % queries.length] as BenchQuery;
    const started = performance.now();
    await run(query);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

/**
 * POC search on the 200k, 50k and 10k tenants of a 1M-POC database: the actor's search
 * uncached (its SQL and the kv facet index, no result cache), cached (a Moleculer cacher hit on
 * `poc.search`), and a naive ILIKE + GROUP BY search measured in the same run on the same rows.
 */
export async function run(options: PocBenchOptions = {}): Promise<Row[]> {
  const log = options.log ?? ((m: string) => process.stderr.write(`[poc bench] ${m}\n`));
  const scale = options.scale ?? Number(argv('scale') ?? process.env.POC_BENCH_SCALE ?? 1);
  const samples = options.samples ?? Number(argv('samples') ?? 200);
  const baselineSeconds = options.baselineSeconds ?? Number(argv('baseline-seconds') ?? 20);
  const bench = await openBenchDatabase({
    serverUrl: process.env.DATABASE_URL,
    scale,
    reuse: options.reuse ?? argv('reuse') === 'true',
    keep: options.keep ?? argv('keep') === 'true',
    log,
  });
  const database = new Database({ url: bench.url, logger: silentLogger });
  const kv = createKeyValueStore({ redisUrl: process.env.REDIS_URL, keyPrefix: `pocdojo-bench-${process.pid}:` });
  const broker = new ServiceBroker({
    logger: false,
    validator: new ZodValidator(),
    cacher: process.env.REDIS_URL
      ? { type: 'Redis', options: { prefix: `pocdojo-bench-${process.pid}`, ttl: 600, redis: process.env.REDIS_URL } }
      : { type: 'MemoryLRU', options: { ttl: 600, max: 10_000 } },
  });
  broker.createService(createPocService({ database, kv } as unknown as Infrastructure));
  await broker.start();
  try {
    const facets = new FacetCounts(database);
    const search = new Search(database, facets, new TagIndex(kv, facets));
    const rows: Row[] = [];
    for (const [i, size] of MEASURED_SIZES.entries()) {
      const tenant = bench.tenants[i];
      if (!tenant) continue;
      const user = userId(tenant.index, 1);
      const meta = { auth: { tenantId: tenant.id, userId: user, role: 'member', sessionId: 'bench' } };
      for (const kind of KINDS) {
        const queries = kind === 'q+language+tag' ? await combinedQueries(database, tenant.id, user) : querySet(kind);
        const ours = (q: BenchQuery) => search.search(tenant.id, user, filtersFrom(q));
        const cached = (q: BenchQuery) => broker.call('poc.search', q, { meta });
        // One pass of each first: buffers warm for all three, the cache filled for the cached path.
        const totals = await Promise.all(queries.map(async (q) => (await ours(q)).total));
        for (const q of queries) await cached(q);
        await naiveSearch(database, tenant.id, user, queries[0] as BenchQuery);
        const uncachedTimes = await measure(samples, 60_000, queries, ours);
        const cachedTimes = await measure(samples * 5, 60_000, queries, cached);
        const naiveTimes = await measure(samples, baselineSeconds * 1000, queries, (q) => naiveSearch(database, tenant.id, user, q));
        const p95 = percentile(uncachedTimes, 0.95);
        rows.push({
          'rows/tenant': Math.round(size * scale),
          query: kind,
          'matches avg': Math.round(totals.reduce((a, b) => a + b, 0) / totals.length),
          'search p50': percentile(uncachedTimes, 0.5),
          'search p95': p95,
          'search p99': percentile(uncachedTimes, 0.99),
          'cached p50': percentile(cachedTimes, 0.5),
          'cached p95': percentile(cachedTimes, 0.95),
          'cached p99': percentile(cachedTimes, 0.99),
          'naive p50': percentile(naiveTimes, 0.5),
          'naive p95': percentile(naiveTimes, 0.95),
          'naive p99': percentile(naiveTimes, 0.99),
          'x naive p95': percentile(naiveTimes, 0.95) / p95,
        });
        log(
          `${Math.round(size * scale)} rows, ${kind}: search p95 ${p95.toFixed(2)} ms, cached p95 ${percentile(cachedTimes, 0.95).toFixed(3)} ms, naive p95 ${percentile(naiveTimes, 0.95).toFixed(1)} ms`,
        );
      }
    }
    if (bench.loadSeconds > 0) rows.push({ 'rows/tenant': `${Math.round(1_000_000 * scale)} POCs loaded`, query: `in ${bench.loadSeconds.toFixed(0)} s` });
    return rows;
  } finally {
    await broker.stop();
    await kv.close();
    await database.close();
    await bench.close();
  }
}
