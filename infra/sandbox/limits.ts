import type { SandboxLimits } from './types';

const MiB = 1024 * 1024;

/**
 * Defaults for a kata-sized program: a few seconds, 256 MiB, a handful of threads. Node itself
 * needs ~11 threads and V8 reserves address space up front, so NPROC and AS leave room for it.
 */
export const DEFAULT_LIMITS: SandboxLimits = Object.freeze({
  wallMs: 10_000,
  cpuSeconds: 10,
  memoryBytes: 256 * MiB,
  addressSpaceBytes: 2048 * MiB,
  processes: 64,
  fileSizeBytes: 16 * MiB,
  openFiles: 64,
  outputBytes: 64 * 1024,
});

/** prlimit(1) arguments: soft = hard, so the sandboxed code cannot raise them back. */
export function prlimitArgs(limits: SandboxLimits): string[] {
  const both = (name: string, value: number) => `--${name}=${value}:${value}`;
  return [
    both('cpu', limits.cpuSeconds),
    both('as', limits.addressSpaceBytes),
    both('nproc', limits.processes),
    both('fsize', limits.fileSizeBytes),
    both('nofile', limits.openFiles),
    // No core files: a crashing program would write one into its work dir up to the fsize limit.
    both('core', 0),
  ];
}
