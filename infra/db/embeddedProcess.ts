import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import type { Logger } from '../logger';
import { EmbeddedPostgresError } from './embeddedError';
import { describeRunAs, spawnIdentity, type RunAs } from './embeddedUser';

/** Where PostgreSQL's binaries are and who runs them. */
export interface PostgresLaunch {
  /** The `bin/` directory holding `initdb` and `postgres`. */
  readonly binDir: string;
  readonly runAs: RunAs | undefined;
  readonly logger: Logger;
}

export interface RunningPostgres {
  readonly pid: number;
  /** Fast shutdown (SIGINT) and wait for the exit; safe to call twice. */
  stop(): Promise<void>;
}

// The readiness line is matched in English: lc_messages is pinned to C below, which every system has.
const READY = 'database system is ready to accept connections';
const MESSAGES = 'C';
const TAIL_LINES = 20;

/** Creates a cluster in `pgdata` (which must exist, owned by the user that runs PostgreSQL). */
export async function initdb(launch: PostgresLaunch, options: { pgdata: string; user: string; password: string; flags: string[] }): Promise<void> {
  // Beside the cluster, because the postgres user can reach that place; never on a command line.
  const passwordFile = path.join(path.dirname(options.pgdata), `.pg-password-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${options.password}\n`, { mode: 0o600 });
  try {
    if (launch.runAs) await chown(passwordFile, launch.runAs.uid, launch.runAs.gid);
    const child = launchChild(launch, 'initdb', [
      `--pgdata=${options.pgdata}`,
      '--auth=password',
      `--username=${options.user}`,
      `--pwfile=${passwordFile}`,
      `--lc-messages=${MESSAGES}`,
      ...options.flags,
    ]);
    const { code, signal } = await child.exited;
    if (code !== 0) throw new EmbeddedPostgresError(`initdb of ${options.pgdata} failed (${code ?? signal}): ${child.tail()}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** Starts PostgreSQL on `pgdata` and resolves once it accepts connections. */
export async function startPostgres(launch: PostgresLaunch, options: { pgdata: string; port: number; flags: string[] }): Promise<RunningPostgres> {
  const child = launchChild(launch, 'postgres', ['-D', options.pgdata, '-p', String(options.port), '-c', `lc_messages=${MESSAGES}`, ...options.flags]);
  const ready = await Promise.race([child.ready.then(() => true), child.exited.then(() => false)]);
  if (!ready) throw new EmbeddedPostgresError(`PostgreSQL on ${options.pgdata} exited before it was ready: ${child.tail()}`);
  const pid = child.process.pid as number;
  let stopping = false;
  void child.exited.then(
    ({ code, signal }) => {
      if (!stopping) launch.logger.error({ pid, code, signal }, 'embedded PostgreSQL exited unexpectedly');
    },
    () => undefined, // a failed kill: stop() reports it
  );
  return {
    pid,
    async stop() {
      stopping = true;
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGINT');
      await child.exited;
    },
  };
}

interface LaunchedChild {
  readonly process: ChildProcess;
  /** Settles when the process is gone; a failure to spawn it (EACCES, ENOENT) rejects. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when PostgreSQL says it accepts connections; never rejects. */
  readonly ready: Promise<void>;
  /** Its last lines of output, for error messages. */
  tail(): string;
}

function launchChild(launch: PostgresLaunch, program: 'initdb' | 'postgres', args: string[]): LaunchedChild {
  const file = path.join(launch.binDir, program);
  const child = spawn(file, args, {
    ...spawnIdentity(launch.runAs),
    // Its own process group: a Ctrl-C or a SIGTERM to the node's group would otherwise shut it
    // down (refusing new connections) while the node still writes its last rows (a room's
    // recording). The node stops it last; the exit hooks below stop it if the node ends otherwise.
    detached: true,
    env: { ...process.env, LC_MESSAGES: MESSAGES },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  // Both streams are read to the end: a full pipe would block PostgreSQL's logging, then PostgreSQL.
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream as NodeJS.ReadableStream, crlfDelay: Infinity }).on('line', (line) => {
      launch.logger.debug({ [program]: line }, 'embedded postgres');
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      if (line.includes(READY)) markReady();
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      running.delete(child);
      reject(new EmbeddedPostgresError(`cannot run ${file} as ${describeRunAs(launch.runAs)} (${error.code ?? error.message})`));
    });
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  // A spawn failure is read through `exited` by whoever awaits it; never an unhandled rejection.
  exited.catch(() => undefined);
  running.add(child);
  installExitHooks();
  return { process: child, exited, ready, tail: () => lines.join('\n') };
}

/**
 * PostgreSQL does not notice its parent's death: a process that ends without stopping it
 * (process.exit, a test worker killed by its runner) would leave it running on a data directory
 * that may be gone. Each running child gets SIGINT (fast shutdown) as this process ends.
 */
const running = new Set<ChildProcess>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const stopAll = () => {
    for (const child of running) child.kill('SIGINT');
  };
  process.on('exit', stopAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = () => {
      // An application handler (deploy/start.ts) shuts down in order, PostgreSQL last: leave it be.
      if (process.listenerCount(signal) > 1) return;
      // Alone, this listener took the signal's default away: stop the children, then die of it.
      stopAll();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
