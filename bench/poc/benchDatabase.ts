import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../infra/db/embedded';
import { migrate } from '../../infra/db/migrate';
import { silentLogger } from '../../infra/logger';
import { tempDataDir } from '../../test/support/dirs';
import { generate, plan, type TenantPlan } from './generate';

export interface BenchDatabase {
  url: string;
  tenants: TenantPlan[];
  /** Seconds the load took (0 when an earlier load was reused). */
  loadSeconds: number;
  close(): Promise<void>;
}

const NAME = 'pocdojo_bench_poc';

/**
 * The benchmark's own database: a fresh database on the server of `serverUrl` (DATABASE_URL),
 * or an embedded PostgreSQL in a temporary directory. With `reuse`, a database loaded at the
 * same scale by an earlier run (and kept) is used as it is.
 */
export async function openBenchDatabase(options: { serverUrl?: string; scale: number; reuse: boolean; keep: boolean; log: (m: string) => void }): Promise<BenchDatabase> {
  let url: string;
  let stop: () => Promise<void>;
  if (options.serverUrl) {
    const target = new URL(options.serverUrl);
    target.pathname = `/${NAME}`;
    url = target.toString();
    if (options.reuse && (await loadedScale(url)) === options.scale) {
      options.log(`reusing ${NAME} loaded at scale ${options.scale}`);
      return { url, tenants: plan(options.scale), loadSeconds: 0, close: async () => {} };
    }
    await admin(options.serverUrl, [`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`, `CREATE DATABASE ${NAME}`]);
    stop = options.keep ? async () => {} : () => admin(options.serverUrl as string, [`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`]);
  } else {
    const dir = await tempDataDir();
    const embedded = await startEmbeddedPostgres(dir.path, silentLogger);
    url = embedded.url;
    stop = async () => {
      await embedded.stop();
      await dir.remove();
    };
  }
  try {
    await migrate(url);
    const started = Date.now();
    const tenants = await generate({ url, scale: options.scale, log: options.log });
    const loadSeconds = (Date.now() - started) / 1000;
    await admin(url, [`CREATE TABLE bench_meta (scale double precision)`, `INSERT INTO bench_meta VALUES (${Number(options.scale)})`]);
    return { url, tenants, loadSeconds, close: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function admin(url: string, statements: string[]): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

async function loadedScale(url: string): Promise<number | undefined> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ scale: number }>('SELECT scale FROM bench_meta');
    return rows[0]?.scale;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}
