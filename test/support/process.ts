import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface NodeProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Signals the whole process group (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real node process the way `npm start` does and waits until `/ready` answers 200.
 * `command` defaults to `npm start`; multi-node tests pass `node --import tsx deploy/start.ts`.
 */
export interface StartOptions {
  command?: string[];
  readyTimeoutMs?: number;
  /** The checkout to run in (this one by default). */
  cwd?: string;
}

export async function startProcess(env: Record<string, string | undefined>, options: StartOptions = {}): Promise<NodeProcess & { readyAfterMs: number }> {
  // A free port can be taken by another test between our probe and the node's bind: try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(env, options);
    } catch (error) {
      if (env.PORT !== undefined || attempt >= 3 || !/cannot listen on/.test((error as Error).message)) throw error;
    }
  }
}

async function startOnce(env: Record<string, string | undefined>, options: StartOptions): Promise<NodeProcess & { readyAfterMs: number }> {
  const port = Number(env.PORT ?? (await freePort()));
  const [cmd, ...args] = options.command ?? ['npm', 'start', '--silent'];
  const started = Date.now();
  const child = spawn(cmd as string, args, {
    cwd: options.cwd ?? ROOT,
    // Its own process group, so a stop reaches the node behind `npm start` as well as npm.
    detached: true,
    // OPS_PORT=0 unless the test names one: parallel nodes must not race for the default port.
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', OPS_PORT: '0', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node exited with ${child.exitCode} before it was ready:\n${output}`);
    try {
      const res = await fetch(`${url}/ready`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`node not ready within the timeout:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    url,
    readyAfterMs: Date.now() - started,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-(child.pid as number), signal);
        } catch {
          // already gone
        }
      }
      return exited;
    },
  };
}
