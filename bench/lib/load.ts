import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  /** CPU the server process spent per request (user+system), in microseconds. */
  cpuMicrosPerRequest: number;
}

const AUTOCANNON = path.join(path.dirname(require.resolve('autocannon/package.json')), 'autocannon.js');

/** Runs a command and returns its stdout, failing on a non-zero exit. */
function capture(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${err}`))));
  });
}

function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk prints its version and exits 1; only a missing binary throws ENOENT.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** The load generator in use: wrk (C, Debian package `wrk`) when installed, else autocannon. */
export const LOAD_GENERATOR = hasWrk() ? 'wrk' : 'autocannon';

function millis(value: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(value.trim());
  if (!match) return Number.NaN;
  const n = Number(match[1]);
  return match[2] === 'us' ? n / 1000 : match[2] === 's' ? n * 1000 : n;
}

/**
 * wrk generates several times the load autocannon can on one core, so a fast server is measured
 * rather than the generator (autocannon tops out near 100k requests/s here).
 */
async function wrkLoad(options: LoadOptions): Promise<Omit<LoadResult, 'cpuMicrosPerRequest'> & { total: number }> {
  const duration = options.durationSeconds ?? 8;
  const args = ['-t1', `-c${options.connections ?? 50}`, `-d${duration}s`, '--latency'];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  args.push(options.url);
  const out = await capture('wrk', args);
  const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const errors = [...out.matchAll(/(connect|read|write|timeout) (\d+)/g)].reduce((sum, m) => sum + Number(m[2]), 0);
  return {
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p50Ms: millis(/\s50%\s+(\S+)/.exec(out)?.[1] ?? ''),
    p99Ms: millis(/\s99%\s+(\S+)/.exec(out)?.[1] ?? ''),
    errors,
    non2xx,
    total,
  };
}

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  connections?: number;
  durationSeconds?: number;
  method?: 'GET' | 'POST';
  body?: string;
}

/**
 * HTTP load from wrk or autocannon in a separate process, so the generator neither shares the server's
 * event loop nor shows up in its CPU figures. The server's own CPU per request is measured too:
 * on a shared 2-core machine it is steadier than requests/s, which the generator also limits.
 */
export async function httpLoad(options: LoadOptions): Promise<LoadResult> {
  if (LOAD_GENERATOR === 'wrk' && (options.method ?? 'GET') === 'GET') {
    const before = process.cpuUsage();
    const result = await wrkLoad(options);
    const cpu = process.cpuUsage(before);
    const { total, ...rest } = result;
    return { ...rest, cpuMicrosPerRequest: (cpu.user + cpu.system) / Math.max(1, total) };
  }
  const args = [AUTOCANNON, '--json', '-c', String(options.connections ?? 50), '-d', String(options.durationSeconds ?? 8), '-m', options.method ?? 'GET'];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}=${value}`);
  if (options.body) args.push('-b', options.body);
  args.push(options.url);
  const cpuBefore = process.cpuUsage();
  const output = await capture(process.execPath, args);
  const cpu = process.cpuUsage(cpuBefore);
  const result = JSON.parse(output) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  };
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    cpuMicrosPerRequest: (cpu.user + cpu.system) / Math.max(1, result.requests.total),
  };
}

/** One table row of an HTTP load result, compared with a baseline measured in the same run. */
export function loadRow(label: Record<string, string>, r: LoadResult, baseline?: LoadResult): Record<string, string | number> {
  return {
    ...label,
    load: LOAD_GENERATOR,
    'req/s': Math.round(r.requestsPerSecond),
    'p50 ms': r.p50Ms,
    'p99 ms': r.p99Ms,
    errors: r.errors + r.non2xx,
    'server CPU us/req': r.cpuMicrosPerRequest,
    'x baseline req/s': baseline ? r.requestsPerSecond / baseline.requestsPerSecond : 1,
    'x baseline req/CPU-s': baseline ? baseline.cpuMicrosPerRequest / r.cpuMicrosPerRequest : 1,
  };
}
