import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (CLK_TCK; 100 on Linux). */
const TICKS = 100;

/** CPU seconds (utime + stime) a process has used, from /proc. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at ") ".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** The share of one core a process uses over `ms`. */
export async function cpuShare(pid: number, ms: number): Promise<number> {
  const before = cpuSeconds(pid);
  const started = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return (cpuSeconds(pid) - before) / elapsed;
}
