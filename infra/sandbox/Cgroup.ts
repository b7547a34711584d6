import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = '/sys/fs/cgroup';
/** The controllers a run joins: memory (limit, peak, OOM kills), pids (fork bombs), cpuacct (CPU time). */
const CONTROLLERS = ['memory', 'pids', 'cpuacct'] as const;
const PARENT = 'pocdojo-sandbox';

/** Whether cgroup v1 memory, pids and cpuacct hierarchies are mounted and writable here. */
export function cgroupsAvailable(): string | undefined {
  for (const controller of CONTROLLERS) {
    const dir = path.join(ROOT, controller);
    if (!existsSync(path.join(dir, 'cgroup.procs'))) return `cgroup v1 ${controller} controller not mounted at ${dir}`;
    try {
      mkdirSync(path.join(dir, PARENT), { recursive: true });
    } catch (error) {
      return `cannot create cgroups under ${dir}: ${(error as Error).message}`;
    }
    removeStale(path.join(dir, PARENT));
  }
  return undefined;
}

/** Groups a dead node left (`run-<pid>-<n>` of a pid no longer alive): their processes are killed, the groups removed. */
function removeStale(parent: string): void {
  for (const name of readdirSync(parent)) {
    const pid = Number(/^run-(\d+)-\d+$/.exec(name)?.[1]);
    if (!pid || alive(pid)) continue;
    const dir = path.join(parent, name);
    for (const left of read(path.join(dir, 'cgroup.procs')).split('\n').filter(Boolean)) {
      try {
        process.kill(Number(left), 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    try {
      rmdirSync(dir);
    } catch {
      // Still dying: the next start removes it.
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One run's cgroup v1 groups. The run's first process joins them itself (a shell writes its own
 * pid to `cgroup.procs` before exec'ing the rest), so nothing runs outside its limits.
 */
export class RunCgroup {
  readonly dirs: Record<(typeof CONTROLLERS)[number], string>;

  constructor(name: string, memoryBytes: number, processes: number) {
    this.dirs = Object.fromEntries(CONTROLLERS.map((c) => [c, path.join(ROOT, c, PARENT, name)])) as RunCgroup['dirs'];
    for (const dir of Object.values(this.dirs)) mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(this.dirs.memory, 'memory.limit_in_bytes'), String(memoryBytes));
    // Swap counts too when the kernel accounts it, so a run cannot page its way past the limit.
    trySet(path.join(this.dirs.memory, 'memory.memsw.limit_in_bytes'), String(memoryBytes));
    writeFileSync(path.join(this.dirs.pids, 'pids.max'), String(processes));
  }

  /** The `cgroup.procs` files the first process writes its pid to. */
  procsFiles(): string[] {
    return Object.values(this.dirs).map((dir) => path.join(dir, 'cgroup.procs'));
  }

  /** Every process still in the run (the pids hierarchy sees all of them, threads' leaders). */
  pids(): number[] {
    return read(path.join(this.dirs.pids, 'cgroup.procs')).split('\n').filter(Boolean).map(Number);
  }

  /** SIGKILLs every process left (cgroup v1 has no cgroup.kill). */
  killAll(): void {
    for (const pid of this.pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }

  peakMemoryBytes(): number | null {
    const value = Number(read(path.join(this.dirs.memory, 'memory.max_usage_in_bytes')));
    return Number.isFinite(value) ? value : null;
  }

  /** True when the kernel's OOM killer acted inside the run (failcnt also counts mere page-cache reclaim). */
  oomKilled(): boolean {
    const oomKills = /oom_kill (\d+)/.exec(read(path.join(this.dirs.memory, 'memory.oom_control')));
    return oomKills !== null && Number(oomKills[1]) > 0;
  }

  cpuMs(): number | null {
    const ns = Number(read(path.join(this.dirs.cpuacct, 'cpuacct.usage')));
    return Number.isFinite(ns) ? Math.round(ns / 1e6) : null;
  }

  /** Removes the groups; a group still holding a process (it is dying) is retried briefly. */
  async remove(): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      let left = 0;
      for (const dir of Object.values(this.dirs)) {
        try {
          if (existsSync(dir)) rmdirSync(dir);
        } catch {
          left++;
        }
      }
      if (left === 0) return;
      this.killAll();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function trySet(file: string, value: string): void {
  try {
    if (existsSync(file)) writeFileSync(file, value);
  } catch {
    // memsw needs swap accounting (swapaccount=1); memory.limit_in_bytes still holds.
  }
}
