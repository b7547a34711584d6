import { ClientHost } from './clients';
import { cpuShare } from './cpu';
import type { Target, TransportKind } from './targets';

export interface SweepOptions {
  /** Subscriber transports added per step (each consumes every producer). */
  transportsPerStep: number;
  maxConsumers: number;
  /** Stop once the worker uses this share of a core. */
  stopAtCpu: number;
  settleMs: number;
  windowMs: number;
}

export interface Step {
  consumers: number;
  /** Share of one core (utime + stime of the worker over the window). */
  cpu: number;
  mbps: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Adds subscribers step by step and measures the worker at each step. Every step's remote
 * ends live in a fresh client host that is stopped before its consumers start, so the only
 * process working during a measurement is the worker (and the publishers' `-c copy` ffmpegs).
 */
export async function sweep(target: Target, kind: TransportKind, options: SweepOptions): Promise<Step[]> {
  const steps: Step[] = [];
  const hosts: ClientHost[] = [];
  let consumers = 0;
  try {
    while (consumers < options.maxConsumers) {
      const host = await ClientHost.start();
      hosts.push(host);
      const starts: Array<() => Promise<number>> = [];
      for (let i = 0; i < options.transportsPerStep; i++) starts.push(await target.addSubscriber(kind, host));
      host.freeze();
      for (const start of starts) consumers += await start();
      await sleep(options.settleMs);
      const cpu = await cpuShare(target.workerPid, options.windowMs);
      const mbps = (await target.forwardedBps()) / 1e6;
      steps.push({ consumers, cpu, mbps });
      if (cpu >= options.stopAtCpu) break;
    }
  } finally {
    for (const host of hosts) host.kill();
  }
  return steps;
}

/**
 * Consumers (and Mbps) where the worker reaches `share` of a core, from a least-squares line
 * through every step (one 3 s window is noisy on a shared machine, so the first step past the
 * mark says less than the trend); undefined when the steps show no rising trend.
 */
export function atCpu(steps: readonly Step[], share: number): { consumers: number; mbps: number } | undefined {
  const cpu = fit(steps.map((s) => [s.consumers, s.cpu]));
  const mbps = fit(steps.map((s) => [s.consumers, s.mbps]));
  if (!cpu || !mbps || cpu.slope <= 0) return undefined;
  const consumers = (share - cpu.intercept) / cpu.slope;
  return { consumers, mbps: mbps.intercept + mbps.slope * consumers };
}

function fit(points: ReadonlyArray<readonly [number, number]>): { slope: number; intercept: number } | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  if (sxx === 0) return undefined;
  const slope = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / sxx;
  return { slope, intercept: my - slope * mx };
}
