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

/** Consumers (and Mbps) where the worker reaches `share` of a core, by linear interpolation; undefined if never reached. */
export function atCpu(steps: readonly Step[], share: number): { consumers: number; mbps: number } | undefined {
  let previous: Step = { consumers: 0, cpu: 0, mbps: 0 };
  for (const step of steps) {
    if (step.cpu >= share) {
      const f = step.cpu === previous.cpu ? 1 : (share - previous.cpu) / (step.cpu - previous.cpu);
      return { consumers: previous.consumers + f * (step.consumers - previous.consumers), mbps: previous.mbps + f * (step.mbps - previous.mbps) };
    }
    previous = step;
  }
  return undefined;
}
