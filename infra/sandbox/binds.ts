import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The shared libraries `files` load, as ldd(1) resolves them: the sandbox binds exactly these
 * read-only, not the host's whole /lib. A static binary (esbuild) has none.
 */
export function sharedLibraries(files: readonly string[]): string[] {
  const libs = new Set<string>();
  for (const file of files) {
    let out: string;
    try {
      out = execFileSync('/usr/bin/ldd', [file], { encoding: 'utf8', env: {}, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      // "not a dynamic executable": nothing to bind.
      continue;
    }
    for (const line of out.split('\n')) {
      // "libm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
      const match = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
      if (match && existsSync(match[1]!)) libs.add(match[1]!);
    }
  }
  return [...libs].sort();
}

/** The `.so` files directly in `dir` (Python's lib-dynload modules), for sharedLibraries. */
export function sharedObjectsIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.so'))
    .map((name) => path.join(dir, name));
}
