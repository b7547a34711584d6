import { chmodSync, copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let stagingDir: string | undefined;
const staged = new Map<string, string>();

/** Whether a user who is neither owner nor group can read `file` (and enter every directory above it). */
function othersCanRead(file: string): boolean {
  try {
    if ((statSync(file).mode & 0o004) === 0) return false;
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) return false;
      if (dir === path.dirname(dir)) return true;
    }
  } catch {
    return false;
  }
}

/**
 * A host file the sandbox binds from the checkout (esbuild's binary, the TS runner), at a path the
 * run's unprivileged uid can reach: bwrap runs as that uid (setpriv comes first), so a checkout
 * under a directory only root can enter (root's 0700 home) is out of its reach. Such a file is
 * copied once per process to a world-readable directory, removed when the process exits.
 */
export function reachable(file: string): string {
  if (othersCanRead(file)) return file;
  let copy = staged.get(file);
  if (copy) return copy;
  if (!stagingDir) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pocdojo-sandbox-'));
    chmodSync(dir, 0o755);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    stagingDir = dir;
  }
  copy = path.join(stagingDir, `${staged.size}-${path.basename(file)}`);
  copyFileSync(file, copy);
  chmodSync(copy, statSync(file).mode & 0o111 ? 0o755 : 0o644);
  staged.set(file, copy);
  return copy;
}
