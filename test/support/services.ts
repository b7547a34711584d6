import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDataDir } from './dirs';
import { freePort } from './process';

const run = promisify(execFile);

/** Debian's newest installed PostgreSQL (`postgresql` depends on the release's major version). */
const PG_BIN = (() => {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return path.join(root, versions[0] ?? '15', 'bin');
})();
const REDIS_BIN = 'redis-server';
const NATS_BIN = '/usr/sbin/nats-server';

/**
 * A backing service owned by one test file, on a free port, that the test may stop and start
 * again. The machine's shared PostgreSQL, Redis and NATS serve other test files in parallel, so
 * fault tests restart only these private copies.
 */
export interface PrivateService {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  /** Stops the server (as a crash or a restart would: clients' connections drop). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data, and waits until it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  remove(): Promise<void>;
}

/**
 * Why private services cannot run here, or undefined when they can. PostgreSQL refuses to run
 * as root, so its cluster runs as the `postgres` user through runuser, which needs root.
 */
export function privateServicesUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'private services need root (PostgreSQL runs as the postgres user via runuser)';
  for (const bin of [`${PG_BIN}/initdb`, `${PG_BIN}/pg_ctl`, NATS_BIN]) if (!existsSync(bin)) return `${bin} is not installed`;
  if (!onPath(REDIS_BIN)) return `${REDIS_BIN} is not on PATH`;
  return undefined;
}

function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => existsSync(path.join(dir, bin)));
}

/** Resolves once something accepts TCP connections on `port`. */
export async function waitForPort(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await canConnect(port)) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A server run as a child process: stop kills it and waits for the exit; start spawns it again. */
async function childService(name: string, port: number, url: string, command: string, args: string[], cleanup: () => Promise<void>): Promise<PrivateService> {
  let child: ChildProcess | undefined;
  let output = '';
  const start = async () => {
    child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
    child.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
    await waitForPort(port).catch((error: Error) => {
      throw new Error(`${name} did not start: ${error.message}\n${output}`);
    });
  };
  const stop = async () => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    name,
    url,
    port,
    stop,
    start,
    async remove() {
      await stop();
      await cleanup();
    },
  };
}

/** A private Redis without persistence: a restart loses its data, as a cache restart would. */
export async function startPrivateRedis(): Promise<PrivateService> {
  const port = await freePort();
  return childService('redis', port, `redis://127.0.0.1:${port}`, REDIS_BIN, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], async () => undefined);
}

/** A private NATS with JetStream on disk, so queued jobs survive its restart as in production. */
export async function startPrivateNats(): Promise<PrivateService> {
  const port = await freePort();
  const dir = await tempDataDir();
  return childService('nats', port, `nats://127.0.0.1:${port}`, NATS_BIN, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir.path], () => dir.remove());
}

/**
 * A private PostgreSQL cluster (trust on loopback, superuser `postgres`), run as the postgres
 * user. fsync is off: the tests restart it cleanly and never need crash durability from disk.
 */
export async function startPrivatePostgres(): Promise<PrivateService> {
  const port = await freePort();
  const dir = await tempDataDir();
  const data = path.join(dir.path, 'data');
  await mkdir(data);
  await chown(data, ...(await postgresIds()));
  const asPostgres = (bin: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', `${PG_BIN}/${bin}`, ...args]);
  await asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-N', '-E', 'UTF8']);
  const options = `-p ${port} -k ${data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const start = async () => {
    await asPostgres('pg_ctl', ['start', '-D', data, '-w', '-s', '-l', path.join(data, 'server.log'), '-o', options]);
    await waitForPort(port);
  };
  // Fast mode: open sessions are ended at once, as clients see when a database restarts.
  const stop = async () => {
    await asPostgres('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-s']).catch(() => undefined);
  };
  await start();
  return {
    name: 'postgres',
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    async remove() {
      await stop();
      await dir.remove();
    },
  };
}

async function postgresIds(): Promise<[number, number]> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return [Number(uid.stdout.trim()), Number(gid.stdout.trim())];
}

/** Stops `service`, keeps it down for `downMs`, starts it again; resolves when it is back. */
export async function restart(service: PrivateService, downMs: number, duringOutage?: () => Promise<void>): Promise<{ backAt: number }> {
  await service.stop();
  const up = Date.now() + downMs;
  await duringOutage?.();
  const rest = up - Date.now();
  if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  await service.start();
  return { backAt: Date.now() };
}
