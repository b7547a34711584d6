import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface BenchProcess<T> {
  info: T;
  child: ChildProcess;
  /** Resident memory of the process, in bytes (Linux /proc). */
  rss(): Promise<number>;
  /** The last lines the process printed (for a failed run's report). */
  output(): string[];
  /** CPU time the process used so far (user + system), in seconds (Linux /proc). */
  cpuSeconds(): Promise<number>;
  /** The same for the process and all its descendants (an embedded PostgreSQL, NATS, ...), reaped ones included. */
  treeCpuSeconds(): Promise<number>;
  /** How many lines it printed so far that match `pattern` (its whole output, not only the last lines). */
  linesMatching(pattern: RegExp): number;
  stop(): Promise<void>;
}

/** Starts `node --import tsx <script>` and waits for its `{"benchReady": ...}` line. */
export function startBenchProcess<T>(script: string, env: Record<string, string | undefined>, nodeArgs: string[] = []): Promise<BenchProcess<T>> {
  // BENCH_CPU_PROF=<dir>: every spawned node writes a V8 CPU profile there when it exits.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, ...nodeArgs, '--import', 'tsx', script], {
    cwd: ROOT,
    // OPS_PORT=0: several nodes of one run must not race for the default operations port.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', OPS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const seen: string[] = [];
  const keep = (line: string) => {
    // Warnings and errors only (LOG_LEVEL=warn): few enough to keep them all for linesMatching.
    if (seen.length < 100_000) seen.push(line);
    output.push(line);
    if (output.length > 200) output.shift();
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${script} did not start`)), 90_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\n${output.slice(-20).join('')}`));
    };
    child.once('exit', (code) => fail(new Error(`${script} exited with ${code}`)));
    child.stderr?.on('data', (chunk: Buffer) => keep(chunk.toString()));
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        keep(`${line}\n`);
        if (!line.startsWith('{"benchReady"')) continue;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        const info = (JSON.parse(line) as { benchReady: T }).benchReady;
        resolve({
          info,
          child,
          rss: () => import('node:fs/promises').then((fs) => fs.readFile(`/proc/${child.pid}/status`, 'utf8')).then((s) => Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) * 1024),
          output: () => output.slice(-50),
          cpuSeconds: () =>
            import('node:fs/promises')
              .then((fs) => fs.readFile(`/proc/${child.pid}/stat`, 'utf8'))
              .then((stat) => {
                // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks.
                const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
                return (Number(fields[11]) + Number(fields[12])) / 100;
              }),
          treeCpuSeconds: () => treeCpuSeconds(child.pid as number),
          linesMatching: (pattern) => seen.filter((l) => pattern.test(l)).length,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
              child.once('exit', () => {
                clearTimeout(force);
                done();
              });
              child.kill('SIGTERM');
            }),
        });
      }
    });
  });
}

/** utime + stime + cutime + cstime of `pid` and its live descendants, in seconds: reaped children count in their parent's c-times. */
async function treeCpuSeconds(pid: number): Promise<number> {
  const fs = await import('node:fs/promises');
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    if (!stat) continue;
    // Fields after the command name: ppid is the 2nd, utime/stime/cutime/cstime the 12th to 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) });
  }
  let total = 0;
  const tree = new Set([pid]);
  // Parents come before children in pid order only mostly: repeat until no process joins.
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, s] of stats) {
      if (!tree.has(p) && tree.has(s.ppid)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  for (const p of tree) total += stats.get(p)?.ticks ?? 0;
  return total / 100;
}
