import { sharedLibraries } from './binds';
import { reachable } from './reachable';
import type { LanguageSpec } from './languages';

/** Inside the sandbox the program runs as this uid/gid (mapped to the run's unprivileged host uid). */
const INSIDE_ID = '1000';
/** The private work dir: tmpfs, gone when the run ends. */
export const WORK_DIR = '/work';

const cache = new Map<string, string[]>();

/**
 * bubblewrap's arguments for a language, up to the command: every namespace new (user, pid, net
 * with only loopback, ipc, uts, cgroup), nothing of the host but the interpreter's own files
 * read-only, a fresh /proc of the run's pid namespace, a minimal /dev, tmpfs /work and /tmp,
 * no environment but HOME/PATH/LANG, and the sandbox dies with its parent.
 */
export function bwrapArgs(spec: LanguageSpec, workBytes: number): string[] {
  let binds = cache.get(spec.name);
  if (!binds) {
    const files = new Set([...spec.readOnly(), ...sharedLibraries(spec.linked())]);
    binds = [...files].flatMap((file) => ['--ro-bind', file, file]);
    for (const { from, to } of spec.extraBinds?.() ?? []) binds.push('--ro-bind', reachable(from), to);
    cache.set(spec.name, binds);
  }
  return [
    '--unshare-all',
    '--unshare-user',
    '--die-with-parent',
    // No controlling terminal: TIOCSTI cannot push keystrokes to anything outside.
    '--new-session',
    '--disable-userns',
    '--clearenv',
    '--setenv',
    'HOME',
    WORK_DIR,
    '--setenv',
    'PATH',
    '/usr/bin:/bin',
    '--setenv',
    'LANG',
    'C.UTF-8',
    '--hostname',
    'sandbox',
    '--uid',
    INSIDE_ID,
    '--gid',
    INSIDE_ID,
    ...binds,
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(workBytes),
    '--tmpfs',
    WORK_DIR,
    '--size',
    String(workBytes),
    '--tmpfs',
    '/tmp',
    '--chdir',
    WORK_DIR,
  ];
}
