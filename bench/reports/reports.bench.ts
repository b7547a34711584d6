import { Client } from 'pg';
import { DashboardCache } from '../../actors/render/dashboard/cache';
import { DEFAULT_LOCALE } from '../../actors/render/locale/settings';
import type { Row } from '../lib/table';
import { seedPocs, seedTenant, startRenderNode, YEAR } from '../render/fixture';
import { benchWriters } from './exportWriters';
import { seedHistory } from './history';
import { naive } from './naive';

/**
 * The dashboards on a generated tenant (REPORTS_BENCH_POCS POCs, default 200,000, the search
 * benchmark's largest tenant; 200 users, a login per 10 POCs, a dojo per 40, over a year): p95 through
 * render's actions uncached (the tenant's data version bumped before each call) and cached, vs
 * a naive single-statement version of each in the same run. Then a 100k-row export: XLSX vs CSV.
 */
export async function run(options: { pocs?: number } = {}): Promise<Row[]> {
  const pocs = options.pocs ?? Number(process.env.REPORTS_BENCH_POCS ?? 200_000);
  // Logins and dojos grow with the tenant: a tenth and a fortieth of its POCs.
  const history = { logins: Math.ceil(pocs / 10), dojos: Math.ceil(pocs / 40) };
  const bench = await startRenderNode({ RENDER_CONCURRENCY: '1' });
  try {
    const { database: db, node } = bench;
    const log = (m: string) => process.stderr.write(`reports bench: ${m}\n`);
    const { tenantId, userIds } = await seedTenant(db, 200);
    await seedPocs(db, tenantId, userIds, pocs);
    log(`${pocs} POCs loaded`);
    await seedHistory(db, tenantId, userIds, YEAR, history);
    await analyze(node.infra.databaseUrl!);
    log('history loaded and analyzed');
    const auth = { userId: userIds[0]!, tenantId, role: 'admin', sessionId: 'bench' };
    const call = (action: string, params: object) => node.broker.call(`render.${action}`, params, { meta: { auth } });
    const cache = new DashboardCache(node.infra.kv, 0);
    const pocId = await firstPoc(node.infra.databaseUrl!, tenantId);
    const n = naive(db, tenantId);
    const year = { from: `${YEAR}-01-01`, to: `${YEAR}-12-31` };
    // The naive usage statement is the same for both groupings and costs seconds to minutes a call: run once, shown twice.
    let naiveUsage: number | undefined;
    const once = async () => (naiveUsage ??= await p95(1, () => n.usage(year.from, year.to, DEFAULT_LOCALE.timeZone)));
    const cases: Array<{ name: string; real: () => Promise<unknown>; naive: () => Promise<number> }> = [
      { name: 'usage, a year by day', real: () => call('usage', { ...year, group_by: 'day' }), naive: once },
      { name: 'usage, a year by month', real: () => call('usage', { ...year, group_by: 'month' }), naive: once },
      { name: 'tenant overview', real: () => call('tenantOverview', {}), naive: () => p95(3, () => n.overview()) },
      { name: 'POC summary', real: () => call('pocSummary', { pocId }), naive: () => p95(3, () => n.pocSummary(pocId, userIds[0]!)) },
    ];
    const rows: Row[] = [];
    for (const c of cases) {
      await c.real(); // warm: plans, JIT
      const uncached = await p95(20, c.real, () => cache.bump(tenantId));
      await c.real();
      const cached = await p95(300, c.real);
      log(`${c.name}: uncached ${uncached.toFixed(1)} ms, cached ${cached.toFixed(2)} ms; naive next`);
      const baseline = await c.naive();
      log(`${c.name}: ${uncached.toFixed(1)} / ${cached.toFixed(2)} / ${baseline.toFixed(1)} ms`);
      rows.push({
        endpoint: `${c.name} (${pocs.toLocaleString('en-US')} POCs, ${history.logins.toLocaleString('en-US')} logins, ${history.dojos.toLocaleString('en-US')} dojos)`,
        'uncached p95 ms': uncached,
        'cached p95 ms': cached,
        'naive p95 ms (usage: 1 call)': baseline,
        'naive / uncached': baseline / uncached,
      });
    }
    return [...rows, ...(await benchWriters(100_000))];
  } finally {
    await bench.stop();
  }
}

/** p95 in ms of `runs` calls, `before` (untimed) ahead of each. */
async function p95(runs: number, fn: () => Promise<unknown>, before?: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await before?.();
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.min(times.length - 1, Math.ceil(runs * 0.95) - 1)]!;
}

/** Fresh statistics after the bulk load, as autovacuum would give them a little later. */
async function analyze(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

async function firstPoc(url: string, tenantId: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>('SELECT id FROM pocs WHERE tenant_id = $1 ORDER BY created LIMIT 1', [tenantId]);
    return rows[0]!.id;
  } finally {
    await client.end();
  }
}
